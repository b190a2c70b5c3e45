"""Signing up for shifts through the API, as three people: volunteer A, volunteer B and someone not logged in.

Every response is also checked for the other volunteer's phone number and e-mail address: no endpoint here
may show anyone's personal data but the caller's own.
"""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction

from campaigns.models import OpenCallPage, SignUp
from campaigns.services import call_close, signup_create
from campaigns.tests.factories import PersonFactory, add_shift, publish_call
from volunteers.services import api_token_create

pytestmark = pytest.mark.django_db

ENGLISH = {"accept-language": "en"}


class Volunteer:
    """A person with an API client that sends their token; every response is checked for leaks."""

    def __init__(self):
        self.person = PersonFactory()
        _, secret = api_token_create(user=self.person, name="test")
        self.client = Client(headers={"authorization": f"Bearer {secret}", **ENGLISH})
        self.others: list = []  # people whose personal data must never reach this volunteer

    def _checked(self, response):
        content = response.content.decode()
        for other in self.others:
            assert other.phone not in content and other.email not in content, content
        return response

    def sign_up(self, shift):
        return self._checked(self.client.post(f"/api/v1/shifts/{shift.pk}/signups"))

    def cancel(self, signup_id):
        return self._checked(self.client.delete(f"/api/v1/signups/{signup_id}"))

    def my_signups(self, **params):
        return self._checked(self.client.get("/api/v1/me/signups", params))


@pytest.fixture
def volunteer_a():
    return Volunteer()


@pytest.fixture
def volunteer_b(volunteer_a):
    b = Volunteer()
    b.others.append(volunteer_a.person)
    volunteer_a.others.append(b.person)
    return b


@pytest.fixture
def anonymous():
    return Client(headers=ENGLISH)


def error_code(response) -> str:
    return response.json()["error"]["code"]


# --- Signing up ------------------------------------------------------------------------------------------


def test_a_free_place_confirms_the_volunteer_at_once(volunteer_a, volunteer_b):
    call = publish_call()
    shift = add_shift(call, capacity=2)

    response = volunteer_a.sign_up(shift)

    assert response.status_code == 201, response.content
    body = response.json()
    signup = SignUp.objects.get()
    assert body["id"] == signup.pk and signup.volunteer == volunteer_a.person
    assert (body["status"], body["waitlist_position"], body["cancelled_at"]) == ("confirmed", None, None)
    assert body["shift"]["id"] == shift.pk
    assert body["call"] == {"id": call.pk, "title": call.title_en, "url": f"http://testserver{call.url}"}
    shift.refresh_from_db()
    assert shift.confirmed_count == 1


def test_a_full_shift_puts_people_in_line_in_order(volunteer_a, volunteer_b):
    shift = add_shift(publish_call(), capacity=1)
    signup_create(shift=shift, volunteer=PersonFactory())

    a = volunteer_a.sign_up(shift).json()
    b = volunteer_b.sign_up(shift).json()

    assert (a["status"], a["waitlist_position"]) == ("waitlisted", 1)
    assert (b["status"], b["waitlist_position"]) == ("waitlisted", 2)


def test_signing_up_twice_is_a_conflict(volunteer_a, volunteer_b):
    shift = add_shift(publish_call())
    volunteer_a.sign_up(shift)

    again = volunteer_a.sign_up(shift)

    assert again.status_code == 409
    assert again.json() == {
        "error": {"code": "already_signed_up", "message": "You have already signed up for this shift."}
    }
    assert SignUp.objects.count() == 1


def test_closed_calls_past_shifts_and_passed_deadlines_are_refused_with_their_code(volunteer_a):
    closed_call = publish_call()
    closed = add_shift(closed_call)
    call_close(call=closed_call, actor=None)
    over = add_shift(publish_call(), starts_in=datetime.timedelta(hours=-5), hours=2)
    deadline_passed = add_shift(
        publish_call(), signups_close_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=1)
    )

    responses = [volunteer_a.sign_up(shift) for shift in (closed, over, deadline_passed)]

    assert [(response.status_code, error_code(response)) for response in responses] == [
        (400, "call_closed"),
        (400, "shift_over"),
        (400, "signups_closed"),
    ]
    assert not SignUp.objects.exists()


def test_shifts_of_unknown_draft_unpublished_and_private_calls_do_not_exist(volunteer_a):
    draft = add_shift(publish_call(live=False))
    unpublished_call = publish_call()
    unpublished = add_shift(unpublished_call)
    unpublished_call.unpublish()
    private_call = publish_call()
    private = add_shift(private_call)
    PageViewRestriction.objects.create(page=private_call, restriction_type="login")

    responses = [volunteer_a.sign_up(shift) for shift in (draft, unpublished, private)]
    unknown = volunteer_a.client.post("/api/v1/shifts/999999/signups")

    for response in [*responses, unknown]:
        assert response.status_code == 404
        assert error_code(response) == "shift_not_found"
    assert unknown.json()["error"]["message"] == "There is no shift number 999999 open to the public."
    assert not SignUp.objects.exists()


def test_a_call_past_its_expiry_takes_no_sign_ups_and_one_before_it_does(volunteer_a):
    # The shift's look-up is composed once per process with stand-in values (core.compiled_queries):
    # the time of each request must reach it.
    expired_call = publish_call()
    expired = add_shift(expired_call)
    expiring_call = publish_call()
    expiring = add_shift(expiring_call)
    now = timezone.now()
    OpenCallPage.objects.filter(pk=expired_call.pk).update(expire_at=now - datetime.timedelta(minutes=1))
    OpenCallPage.objects.filter(pk=expiring_call.pk).update(expire_at=now + datetime.timedelta(days=30))

    gone = volunteer_a.sign_up(expired)
    taken = volunteer_a.sign_up(expiring)

    assert (gone.status_code, error_code(gone)) == (404, "shift_not_found")
    assert taken.status_code == 201, taken.content


def test_someone_not_logged_in_cannot_sign_up(anonymous):
    shift = add_shift(publish_call())

    response = anonymous.post(f"/api/v1/shifts/{shift.pk}/signups")

    assert response.status_code == 401
    assert error_code(response) == "not_authenticated"
    assert not SignUp.objects.exists()


def test_a_browser_session_signs_up_with_its_csrf_token():
    person = PersonFactory()
    shift = add_shift(publish_call())
    browser = Client(enforce_csrf_checks=True, headers=ENGLISH)
    browser.force_login(person)
    browser.cookies.load({"csrftoken": "b" * 32})

    without_csrf = browser.post(f"/api/v1/shifts/{shift.pk}/signups")
    with_csrf = browser.post(f"/api/v1/shifts/{shift.pk}/signups", headers={"x-csrftoken": "b" * 32})

    assert (without_csrf.status_code, error_code(without_csrf)) == (403, "csrf_failed")
    assert with_csrf.status_code == 201
    assert SignUp.objects.get().volunteer == person


# --- Cancelling ------------------------------------------------------------------------------------------


def test_cancelling_a_confirmed_place_gives_it_to_the_first_in_line(volunteer_a, volunteer_b):
    shift = add_shift(publish_call(), capacity=1)
    a_signup = volunteer_a.sign_up(shift).json()
    volunteer_b.sign_up(shift)

    response = volunteer_a.cancel(a_signup["id"])

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["status"], body["waitlist_position"]) == (a_signup["id"], "cancelled", None)
    assert body["cancelled_at"] is not None and body["shift"]["id"] == shift.pk
    b_now = volunteer_b.my_signups().json()["items"]
    assert [(item["status"], item["waitlist_position"]) for item in b_now] == [("confirmed", None)]
    shift.refresh_from_db()
    assert shift.confirmed_count == 1


def test_nobody_else_can_cancel_my_sign_up(volunteer_a, volunteer_b, anonymous):
    shift = add_shift(publish_call())
    a_signup = volunteer_a.sign_up(shift).json()

    by_b = volunteer_b.cancel(a_signup["id"])
    by_anonymous = anonymous.delete(f"/api/v1/signups/{a_signup['id']}")

    assert (by_b.status_code, error_code(by_b)) == (404, "signup_not_found")
    assert by_b.json()["error"]["message"] == f"You have no sign-up number {a_signup['id']}."
    assert (by_anonymous.status_code, error_code(by_anonymous)) == (401, "not_authenticated")
    assert SignUp.objects.get().status == "confirmed"


def test_cancelling_twice_is_a_conflict(volunteer_a):
    shift = add_shift(publish_call())
    signup_id = volunteer_a.sign_up(shift).json()["id"]
    volunteer_a.cancel(signup_id)

    again = volunteer_a.cancel(signup_id)

    assert (again.status_code, error_code(again)) == (409, "signup_already_cancelled")


def test_an_unknown_sign_up_is_not_found(volunteer_a):
    response = volunteer_a.cancel(999999)

    assert (response.status_code, error_code(response)) == (404, "signup_not_found")


# --- My sign-ups -------------------------------------------------------------------------------------------


def test_my_sign_ups_are_only_mine_upcoming_first_then_past_most_recent_first(volunteer_a, volunteer_b):
    call = publish_call()
    in_a_week = add_shift(call, starts_in=datetime.timedelta(days=7))
    tomorrow = add_shift(call, starts_in=datetime.timedelta(days=1))
    happening_now = add_shift(call, starts_in=datetime.timedelta(hours=-1), hours=3)
    last_month = add_shift(call, starts_in=datetime.timedelta(days=-30))
    yesterday = add_shift(call, starts_in=datetime.timedelta(days=-1))
    for shift in (in_a_week, tomorrow):
        volunteer_a.sign_up(shift)
        volunteer_b.sign_up(shift)
    # Made directly: sign-ups close when a shift starts.
    for shift, person in [
        (happening_now, volunteer_a.person),
        (happening_now, volunteer_b.person),
        (last_month, volunteer_a.person),
        (yesterday, volunteer_a.person),
    ]:
        SignUp.objects.create(shift=shift, volunteer=person, status="confirmed")
    cancelled = volunteer_a.sign_up(add_shift(call, starts_in=datetime.timedelta(days=3))).json()
    volunteer_a.cancel(cancelled["id"])

    response = volunteer_a.my_signups()

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 6
    assert [item["shift"]["id"] for item in body["items"]] == [
        happening_now.pk,
        tomorrow.pk,
        cancelled["shift"]["id"],
        in_a_week.pk,
        yesterday.pk,
        last_month.pk,
    ]
    assert {item["id"] for item in body["items"]} == set(
        SignUp.objects.filter(volunteer=volunteer_a.person).values_list("pk", flat=True)
    )
    assert body["items"][2]["status"] == "cancelled"
    assert set(body["items"][0]) == {
        "id",
        "status",
        "waitlist_position",
        "created_at",
        "cancelled_at",
        "cancelled_by_organisers",
        "cancellation_reason",
        "guest_names",
        "team",
        "shift",
        "call",
    }
    assert body["items"][0]["call"]["title"] == call.title_en


def test_my_sign_ups_come_in_pages(volunteer_a):
    call = publish_call()
    for days in range(1, 6):
        volunteer_a.sign_up(add_shift(call, starts_in=datetime.timedelta(days=days)))

    second_page = volunteer_a.my_signups(page=2, page_size=2).json()
    past_the_end = volunteer_a.my_signups(page=9, page_size=2).json()

    assert second_page["count"] == 5 and len(second_page["items"]) == 2
    assert past_the_end == {"items": [], "count": 5}


def test_a_call_no_longer_published_has_no_link(volunteer_a):
    call = publish_call()
    volunteer_a.sign_up(add_shift(call))
    call.unpublish()

    item = volunteer_a.my_signups().json()["items"][0]

    assert item["call"] == {"id": call.pk, "title": call.title_en, "url": None}


def test_someone_not_logged_in_has_no_sign_ups(anonymous):
    response = anonymous.get("/api/v1/me/signups")

    assert (response.status_code, error_code(response)) == (401, "not_authenticated")


def test_my_sign_ups_cost_the_same_queries_for_one_or_many(volunteer_a):
    calls = [publish_call() for _ in range(3)]
    volunteer_a.sign_up(add_shift(calls[0]))
    volunteer_a.my_signups()  # the first request warms Wagtail's per-process caches
    with CaptureQueriesContext(connection) as one:
        volunteer_a.my_signups()
    for index, call in enumerate(calls):
        for days in (3, 4):
            # one person's shifts never overlap
            volunteer_a.sign_up(add_shift(call, starts_in=datetime.timedelta(days=days + 2 * index)))

    with CaptureQueriesContext(connection) as seven:
        response = volunteer_a.my_signups()

    assert response.json()["count"] == 7
    assert len(seven) == len(one)
