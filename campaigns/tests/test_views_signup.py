"""Signing up for shifts from the web: the sign-up cell of a call's page, the sign-up and cancel forms, the
cancel confirmation and "my shifts". Calls are real published pages; sign-ups go through the services."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from campaigns.models import SignUp
from campaigns.services import call_close, signup_cancel, signup_create
from campaigns.tests.factories import PersonFactory, add_shift, publish_call

pytestmark = pytest.mark.django_db

PERSIAN_DIGIT = re.compile("[۰-۹]")
WESTERN_DIGIT = re.compile("[0-9]")


@pytest.fixture(autouse=True)
def persian_outside_requests():
    """Addresses built outside a request (call.url, reverse) are the Persian ones, whatever a request to
    /en/ left active."""
    with translation.override("fa"):
        yield


@pytest.fixture
def person():
    return PersonFactory()


@pytest.fixture
def logged_in(client, person):
    client.force_login(person)
    return client


def page_url(call, language: str = "fa") -> str:
    """The call's address in a language; a request to /en/ leaves English active, so ask explicitly."""
    with translation.override(language):
        return call.get_url()


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def get_soup(client, url) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, url
    return soup_of(response)


def cell(soup, shift):
    """The sign-up cell of a shift's row on a call page."""
    return soup.select_one(f'tr[data-shift-id="{shift.pk}"] td.shift__signup')


def messages_of(soup, kind: str = "") -> list[str]:
    selector = f".message--{kind}" if kind else ".message"
    return [" ".join(message.text.split()) for message in soup.select(selector)]


def label(control) -> str:
    """What a button or link says, without the shift's time that only screen readers hear."""
    for hidden in control.select(".calls-sr-only"):
        hidden.extract()
    return " ".join(control.text.split())


def split_link(href: str) -> tuple[str, str]:
    """A link's path and its `next`."""
    parts = urlsplit(href)
    return parts.path, parse_qs(parts.query)["next"][0]


def sign_up(client, shift, *, next_url: str = "", english: bool = False):
    prefix = "/en" if english else ""
    return client.post(f"{prefix}/my/shifts/{shift.pk}/sign-up/", {"next": next_url}, follow=True)


def cancel(client, signup, *, next_url: str = "", english: bool = False):
    prefix = "/en" if english else ""
    return client.post(f"{prefix}/my/sign-ups/{signup.pk}/cancel/", {"next": next_url}, follow=True)


def full_shift(call, *, capacity: int = 1, **fields):
    shift = add_shift(call, capacity=capacity, **fields)
    for _ in range(capacity):
        signup_create(shift=shift, volunteer=PersonFactory())
    return shift


# --- The call page ---------------------------------------------------------------------------------------


def test_someone_not_logged_in_gets_a_link_to_log_in_and_come_back(client):
    call = publish_call()
    past = add_shift(call, starts_in=datetime.timedelta(days=-2))
    upcoming = add_shift(call)
    full = full_shift(call)

    soup = get_soup(client, page_url(call))

    link = cell(soup, upcoming).select_one("a.button")
    assert split_link(link["href"]) == ("/account/login/", page_url(call))
    assert not soup.select(".shift-signup form")
    assert cell(soup, full).select_one("a.button")["href"] == link["href"]
    # An ended shift offers nothing: it is only listed, folded away under the open ones.
    assert cell(soup, past) is None
    assert len(soup.select("details.call-past-shifts li.shift--past")) == 1


def test_the_log_in_link_brings_the_person_back_to_the_call(client, person):
    call = publish_call()
    add_shift(call)
    link = cell(get_soup(client, page_url(call)), call.shifts.get()).select_one("a.button")["href"]

    response = client.post(link, {"username": person.phone, "password": "a-long-secret-9"})

    assert response.status_code == 302 and response["Location"] == page_url(call)


def test_a_logged_in_person_signs_up_with_the_form_and_sees_their_place(logged_in, person):
    call = publish_call()
    shift = add_shift(call)
    form = cell(get_soup(logged_in, page_url(call)), shift).select_one("form")
    assert form["method"] == "post" and form["action"] == f"/my/shifts/{shift.pk}/sign-up/"
    assert form.select_one('input[name="csrfmiddlewaretoken"]')
    assert form.select_one('input[name="next"]')["value"] == page_url(call)

    response = sign_up(logged_in, shift, next_url=form.select_one('input[name="next"]')["value"])

    assert response.redirect_chain == [(page_url(call), 302)]
    signup = SignUp.objects.get(shift=shift, volunteer=person)
    assert signup.status == SignUp.Status.CONFIRMED
    soup = soup_of(response)
    assert len(messages_of(soup, "success")) == 1
    assert cell(soup, shift).select_one(".shift-signup--confirmed")
    assert not cell(soup, shift).select("form")  # no second sign-up button
    cancel_link = cell(soup, shift).select_one("a.button")["href"]
    assert cancel_link.startswith(f"/my/sign-ups/{signup.pk}/cancel/confirm/?next=")


def test_english_sign_up_says_so_in_english_and_stays_in_english(client, person):
    client.force_login(person)
    call = publish_call()
    shift = add_shift(call)
    english_page = page_url(call, "en")
    assert cell(get_soup(client, english_page), shift).select_one("button").text.split()[:2] == [
        "Sign",
        "up:",
    ]

    response = sign_up(client, shift, next_url=english_page, english=True)

    soup = soup_of(response)
    assert response.redirect_chain == [(english_page, 302)]
    assert messages_of(soup, "success")[0].startswith(f"You are signed up for “{call.title_en}” on ")
    assert cell(soup, shift).select_one(".shift-signup__status").text.strip() == "You are signed up"


def test_a_full_shift_offers_the_waiting_list_and_says_the_place_in_line(logged_in, person):
    call = publish_call()
    shift = full_shift(call)
    first, second = PersonFactory(), PersonFactory()
    signup_create(shift=shift, volunteer=first)  # ticket 1
    signup_create(shift=shift, volunteer=second)  # ticket 2
    signup_cancel(signup=SignUp.objects.get(shift=shift, volunteer=first))  # one left the line
    button = cell(get_soup(logged_in, page_url(call, "en")), shift).select_one("form button")
    assert label(button) == "Join the waiting list"

    response = sign_up(logged_in, shift, next_url=page_url(call, "en"), english=True)

    signup = SignUp.objects.get(shift=shift, volunteer=person)
    assert (signup.status, signup.waitlist_position) == (SignUp.Status.WAITLISTED, 3)
    soup = soup_of(response)
    # The place in line counts the people still ahead, not tickets given out.
    assert messages_of(soup, "success") == ["The shift is full, so you are on the waiting list, number 2."]
    status = cell(soup, shift).select_one(".shift-signup--waitlisted .shift-signup__status")
    assert " ".join(status.text.split()) == "You are number 2 on the waiting list"
    assert label(cell(soup, shift).select_one("a.button")) == "Leave the waiting list"


def test_the_waiting_list_number_is_in_persian_digits_on_the_persian_page(logged_in, person):
    call = publish_call()
    shift = full_shift(call)
    for _ in range(11):
        signup_create(shift=shift, volunteer=PersonFactory())
    signup_create(shift=shift, volunteer=person)

    soup = get_soup(logged_in, page_url(call))

    assert soup.html["dir"] == "rtl" and soup.html["lang"] == "fa"
    status = cell(soup, shift).select_one(".shift-signup__status").text
    assert "۱۲" in status and not WESTERN_DIGIT.search(status)


def test_a_closed_call_or_a_passed_deadline_offers_no_button_but_still_shows_my_place(logged_in, person):
    call = publish_call()
    mine = add_shift(call)
    other = add_shift(call, starts_in=datetime.timedelta(days=3))
    signup_create(shift=mine, volunteer=person)
    deadline_call = publish_call()
    deadline_passed = add_shift(
        deadline_call, signups_close_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)
    )
    call_close(call=call, actor=None)

    soup = get_soup(logged_in, page_url(call))

    assert not cell(soup, other).select(".shift-signup")
    assert cell(soup, mine).select_one(".shift-signup--confirmed a.button")  # can still give it up
    deadline_cell = cell(get_soup(logged_in, page_url(deadline_call, "en")), deadline_passed)
    assert not deadline_cell.select("form")
    assert deadline_cell.select_one(".shift-signup__note").text.strip() == "Sign-ups have closed"


def test_the_call_page_costs_the_same_queries_for_2_or_8_shifts(logged_in, person):
    call = publish_call()
    for days in (1, 2):
        shift = add_shift(call, starts_in=datetime.timedelta(days=days))
    signup_create(shift=shift, volunteer=person)
    logged_in.get(page_url(call))  # warm the per-process caches (site root paths)
    with CaptureQueriesContext(connection) as with_two:
        logged_in.get(page_url(call))
    for days in range(3, 9):
        shift = add_shift(call, starts_in=datetime.timedelta(days=days), capacity=1)
        if days % 2:
            signup_create(shift=shift, volunteer=PersonFactory())
            signup_create(shift=shift, volunteer=person)  # waitlisted, with a place in line to count

    with CaptureQueriesContext(connection) as with_eight:
        response = logged_in.get(page_url(call))

    soup = soup_of(response)
    assert len(soup.select(".shifts-table tbody tr")) == 8
    assert len(soup.select(".shift-signup--waitlisted")) == 3
    assert len(with_eight) == len(with_two), [query["sql"] for query in with_eight.captured_queries]


# --- Refusals --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("situation", "message"),
    [
        ("closed", "This call is closed to new sign-ups."),
        ("past", "This shift is already over."),
        ("deadline", "Sign-ups for this shift have closed."),
        ("twice", "You have already signed up for this shift."),
    ],
)
def test_refusals_show_their_message_and_sign_nobody_up(logged_in, person, situation, message):
    call = publish_call()
    shift = add_shift(call, starts_in=datetime.timedelta(days=-1 if situation == "past" else 2))
    if situation == "closed":
        call_close(call=call, actor=None)
    if situation == "deadline":
        shift.signups_close_at = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=1)
        shift.save()
    if situation == "twice":
        signup_create(shift=shift, volunteer=person)
    before = list(SignUp.objects.values_list("pk", "status"))

    response = sign_up(logged_in, shift, next_url=page_url(call, "en"), english=True)

    assert response.status_code == 200 and response.redirect_chain == [(page_url(call, "en"), 302)]
    assert messages_of(soup_of(response), "error") == [message]
    assert list(SignUp.objects.values_list("pk", "status")) == before


def test_an_unknown_or_unpublished_shift_is_a_message_not_an_error_page(logged_in):
    draft = publish_call(live=False)
    hidden = add_shift(draft)

    unknown = logged_in.post("/en/my/shifts/999999/sign-up/", follow=True)
    unpublished = sign_up(logged_in, hidden, english=True)

    for response in (unknown, unpublished):
        assert response.redirect_chain == [("/en/my/shifts/", 302)]
        assert messages_of(soup_of(response), "error")
    assert not SignUp.objects.exists()


def test_next_never_leads_off_the_site(logged_in):
    call = publish_call()
    shift = add_shift(call)

    response = logged_in.post(f"/my/shifts/{shift.pk}/sign-up/", {"next": "https://evil.example/"})

    assert response["Location"] == page_url(call)


def test_a_refusal_without_next_goes_back_to_the_call(logged_in):
    call = publish_call()
    shift = add_shift(call)
    call_close(call=call, actor=None)

    response = logged_in.post(f"/my/shifts/{shift.pk}/sign-up/")

    assert response["Location"] == page_url(call)
    assert not SignUp.objects.exists()


def test_the_forms_only_take_post(logged_in, person):
    call = publish_call()
    shift = add_shift(call)
    signup = signup_create(shift=shift, volunteer=person)

    assert logged_in.get(f"/my/shifts/{shift.pk}/sign-up/").status_code == 405
    assert logged_in.get(f"/my/sign-ups/{signup.pk}/cancel/").status_code == 405
    assert SignUp.objects.get(pk=signup.pk).status == SignUp.Status.CONFIRMED


def test_someone_whose_session_ended_logs_in_and_returns_to_the_call(client):
    call = publish_call()
    shift = add_shift(call)

    response = client.post(f"/my/shifts/{shift.pk}/sign-up/", {"next": page_url(call)})

    assert response.status_code == 302
    assert split_link(response["Location"]) == ("/account/login/", page_url(call))
    assert not SignUp.objects.exists()


# --- Cancelling ------------------------------------------------------------------------------------------


def test_cancelling_asks_first_then_gives_the_place_to_the_first_in_line(logged_in, person):
    call = publish_call()
    shift = add_shift(call, capacity=1)
    mine = signup_create(shift=shift, volunteer=person)
    waiting = signup_create(shift=shift, volunteer=PersonFactory())
    link = cell(get_soup(logged_in, page_url(call, "en")), shift).select_one("a.button")["href"]

    confirm = get_soup(logged_in, link)

    assert SignUp.objects.get(pk=mine.pk).status == SignUp.Status.CONFIRMED  # asking changes nothing
    form = confirm.select_one("main form")
    assert form["action"] == f"/en/my/sign-ups/{mine.pk}/cancel/"
    assert form.select_one('input[name="next"]')["value"] == page_url(call, "en")
    assert confirm.select_one(f'a.button[href="{page_url(call, "en")}"]')  # keep my place: back to the call

    response = cancel(logged_in, mine, next_url=page_url(call, "en"), english=True)

    assert response.redirect_chain == [(page_url(call, "en"), 302)]
    assert messages_of(soup_of(response), "success")[0].startswith(f"Your place on “{call.title_en}” on ")
    assert SignUp.objects.get(pk=mine.pk).status == SignUp.Status.CANCELLED
    assert SignUp.objects.get(pk=waiting.pk).status == SignUp.Status.CONFIRMED
    assert label(cell(soup_of(response), shift).select_one("form button")) == "Join the waiting list"


def test_leaving_the_waiting_list(logged_in, person):
    call = publish_call()
    shift = full_shift(call)
    mine = signup_create(shift=shift, volunteer=person)

    confirm = get_soup(logged_in, f"/en/my/sign-ups/{mine.pk}/cancel/confirm/")
    response = cancel(logged_in, mine, english=True)

    assert confirm.h1.text.strip() == "Leave the waiting list?"
    assert response.redirect_chain == [("/en/my/shifts/", 302)]
    assert messages_of(soup_of(response), "success")[0].startswith("You have left the waiting list for ")
    assert SignUp.objects.get(pk=mine.pk).status == SignUp.Status.CANCELLED


def test_too_late_to_cancel_is_a_message_and_the_place_stays(logged_in, person, settings):
    settings.SIGNUP_CANCELLATION_CUTOFF_MINUTES = 120
    call = publish_call()
    shift = add_shift(call, starts_in=datetime.timedelta(minutes=60))
    mine = signup_create(shift=shift, volunteer=person)

    response = cancel(logged_in, mine, english=True)

    assert messages_of(soup_of(response), "error") == [
        "It is too late to cancel this shift online; please tell the call's contact person instead."
    ]
    assert SignUp.objects.get(pk=mine.pk).status == SignUp.Status.CONFIRMED


def test_cancelling_twice_is_a_message(logged_in, person):
    shift = add_shift(publish_call())
    mine = signup_create(shift=shift, volunteer=person)
    cancel(logged_in, mine)

    again = cancel(logged_in, mine, english=True)
    confirm_again = logged_in.get(f"/en/my/sign-ups/{mine.pk}/cancel/confirm/", follow=True)

    assert messages_of(soup_of(again), "error") == ["This sign-up is already cancelled."]
    assert messages_of(soup_of(confirm_again)) == ["This sign-up is already cancelled."]


def test_nobody_can_cancel_someone_elses_place(logged_in):
    shift = add_shift(publish_call(), capacity=1)
    theirs = signup_create(shift=shift, volunteer=PersonFactory())
    waiting = signup_create(shift=shift, volunteer=PersonFactory())

    confirm = logged_in.get(f"/my/sign-ups/{theirs.pk}/cancel/confirm/")
    response = cancel(logged_in, theirs, english=True)

    assert confirm.status_code == 404
    assert response.status_code == 200
    assert messages_of(soup_of(response), "error") == [f"You have no sign-up number {theirs.pk}."]
    assert SignUp.objects.get(pk=theirs.pk).status == SignUp.Status.CONFIRMED
    assert SignUp.objects.get(pk=waiting.pk).status == SignUp.Status.WAITLISTED


# --- My shifts ------------------------------------------------------------------------------------------


def test_my_shifts_needs_a_log_in(client):
    response = client.get("/my/shifts/")

    assert response.status_code == 302 and response["Location"] == "/account/login/?next=/my/shifts/"


def test_my_shifts_lists_only_my_sign_ups_in_their_sections(logged_in, person):
    call = publish_call(title_en="Sweeping Chaharbagh")
    other_call = publish_call(title_en="Library workshop")
    soon = add_shift(call, starts_in=datetime.timedelta(days=1))
    later = add_shift(other_call, starts_in=datetime.timedelta(days=5))
    full = full_shift(call, starts_in=datetime.timedelta(days=3))
    given_up = add_shift(other_call, starts_in=datetime.timedelta(days=4))
    over = add_shift(call, starts_in=datetime.timedelta(days=-3))
    someone_else = PersonFactory()
    for shift in (soon, later, full, given_up):
        signup_create(shift=shift, volunteer=person)
        signup_create(shift=shift, volunteer=someone_else)
    signup_cancel(signup=SignUp.objects.get(shift=given_up, volunteer=person))
    # A shift that has ended: signed up while it was ahead.
    SignUp.objects.create(shift=over, volunteer=person, status=SignUp.Status.CONFIRMED)
    SignUp.objects.create(shift=over, volunteer=someone_else, status=SignUp.Status.CONFIRMED)

    soup = get_soup(logged_in, "/en/my/shifts/")

    def titles(section_id):
        section = soup.find(id=section_id).find_parent("section")
        return [
            card.select_one(".signup-card__title").text.strip() for card in section.select(".signup-card")
        ]

    assert titles("upcoming-heading") == ["Sweeping Chaharbagh", "Library workshop"]  # soonest first
    assert titles("waiting-heading") == ["Sweeping Chaharbagh"]
    assert titles("past-heading") == ["Library workshop", "Sweeping Chaharbagh"]
    assert len(soup.select(".signup-card")) == 5
    waiting = soup.find(id="waiting-heading").find_parent("section").select_one(".signup-card")
    assert waiting.select_one(".signup-badge").text.strip() == "Number 1 in line"
    past = soup.find(id="past-heading").find_parent("section").select(".signup-badge")
    assert [badge.text.strip() for badge in past] == ["Cancelled", "Ended"]
    actions = [a["href"] for a in soup.select(".signup-card__actions a")]
    cancel_links = [href for href in actions if "/cancel/" in href]
    assert len([href for href in actions if href.endswith(".ics")]) == 2  # one per upcoming place
    assert len(cancel_links) == 3 and all(link.startswith("/en/my/sign-ups/") for link in cancel_links)
    first = soup.select_one(".signup-card")
    assert first.select_one(".signup-card__title a")["href"] == page_url(call, "en")
    assert "Chaharbagh" not in first.select_one(".signup-card__service").text
    assert first.select_one("dd").text.split()[-1] == timezone.localtime(soon.ends_at).strftime("%H:%M")


def test_my_shifts_in_persian_is_right_to_left_with_persian_digits(logged_in, person):
    shift = full_shift(publish_call())
    signup_create(shift=shift, volunteer=person)

    soup = get_soup(logged_in, "/my/shifts/")

    assert soup.html["dir"] == "rtl" and soup.html["lang"] == "fa"
    # Titles are the test data's own; everything the page itself writes is in Persian digits.
    for card in soup.select(".signup-card"):
        card.select_one(".signup-card__title").decompose()
    main = soup.select_one("main").text
    assert PERSIAN_DIGIT.search(main) and not WESTERN_DIGIT.search(main)
    assert soup.select_one(".site-nav").find("a", href="/my/shifts/")


def test_my_shifts_when_there_are_none_points_to_the_open_calls(logged_in):
    publish_call()  # makes the listing page

    soup = get_soup(logged_in, "/en/my/shifts/")

    assert soup.html["dir"] == "ltr"
    assert len(soup.select(".empty")) == 3
    assert soup.select_one(".empty a")["href"] == "/en/calls/"
    assert not soup.select(".signup-card")


def test_my_shifts_costs_the_same_queries_for_one_or_many(logged_in, person):
    calls = [publish_call() for _ in range(3)]
    signup_create(shift=add_shift(calls[0]), volunteer=person)
    logged_in.get("/my/shifts/")
    with CaptureQueriesContext(connection) as one:
        logged_in.get("/my/shifts/")
    for index, call in enumerate(calls):  # one person's shifts never overlap
        shift = full_shift(call, starts_in=datetime.timedelta(days=4 + index))
        signup_create(shift=shift, volunteer=person)
        signup_create(shift=add_shift(call, starts_in=datetime.timedelta(days=8 + index)), volunteer=person)

    with CaptureQueriesContext(connection) as seven:
        response = logged_in.get("/my/shifts/")

    assert len(soup_of(response).select(".signup-card")) == 7
    assert len(seven) == len(one)


def test_the_account_page_links_to_my_shifts(logged_in):
    soup = get_soup(logged_in, reverse("volunteers:account"))

    assert soup.select_one("main").find("a", href="/my/shifts/")


def signup_create_directly(shift, person) -> SignUp:
    """A confirmed place on a shift that may already be under way (the service refuses those)."""
    return SignUp.objects.create(shift=shift, volunteer=person, status=SignUp.Status.CONFIRMED)


def test_a_shift_checked_out_of_is_under_past_not_upcoming(logged_in, person):
    call = publish_call(title_en="Sweeping Chaharbagh")
    shift = add_shift(call, starts_in=datetime.timedelta(minutes=-30), hours=3)  # under way
    signup = signup_create_directly(shift, person)
    SignUp.objects.filter(pk=signup.pk).update(
        checked_in_at=shift.starts_at, checked_out_at=timezone.now() - datetime.timedelta(minutes=1)
    )

    soup = get_soup(logged_in, "/en/my/shifts/")

    upcoming = soup.find(id="upcoming-heading").find_parent("section")
    past = soup.find(id="past-heading").find_parent("section")
    assert not upcoming.select(".signup-card") and len(past.select(".signup-card")) == 1
    assert "/cancel/" not in str(past)


def test_no_cancel_link_is_offered_once_it_would_be_refused(logged_in, person, settings):
    settings.SIGNUP_CANCELLATION_CUTOFF_MINUTES = 120
    call = publish_call()
    soon = signup_create_directly(add_shift(call, starts_in=datetime.timedelta(minutes=60)), person)
    later = signup_create_directly(add_shift(call, starts_in=datetime.timedelta(days=3)), person)

    soup = get_soup(logged_in, "/en/my/shifts/")

    links = [a["href"] for a in soup.select(".signup-card__actions a") if "/cancel/" in a["href"]]
    assert links == [f"/en/my/sign-ups/{later.pk}/cancel/confirm/?next=/en/my/shifts/"]
    assert "Too late to cancel online" in soup.text
    assert soon.pk not in [int(link.split("/")[4]) for link in links]
