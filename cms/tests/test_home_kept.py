"""The home page is kept whole for readers without a session, and follows every change it shows at once."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.services import call_close, call_index_ensure, call_reopen, signup_create
from campaigns.tests.factories import PersonFactory, add_shift
from campaigns.tests.test_listing_speed import make_call
from cms.models import HomePage

PERSIAN_DIGITS = str.maketrans("0123456789,", "۰۱۲۳۴۵۶۷۸۹٬")

# The versions that drop a kept page are set once a change commits, as in a request: these tests commit.
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def home(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    return response, queries


def figures(response) -> str:
    return BeautifulSoup(response.content, "html.parser").select_one(".upcoming-calls__figures").get_text()


@committed
def test_a_reader_without_a_session_gets_the_kept_home_page_until_a_place_is_taken(client):
    call_index_ensure()
    shift = add_shift(make_call(title="کارگاه سفالگری"), capacity=3)
    first, _ = home(client)
    again, again_queries = home(client)

    assert again.content == first.content
    assert "Cookie" in again["Vary"]
    # nothing of the page is worked out again: not the figures, not the calls
    assert not any("campaigns_" in query["sql"] for query in again_queries.captured_queries)
    assert "۳" in figures(again)

    signup_create(shift=shift, volunteer=PersonFactory())
    after, _ = home(client)

    assert "۲" in figures(after)


@committed
def test_the_kept_home_page_follows_its_own_introduction(client):
    home(client)
    page = HomePage.objects.get()
    page.intro_fa = "<p>شهر را با هم اداره کنیم.</p>"
    page.save_revision().publish()

    after, _ = home(client)

    assert "شهر را با هم اداره کنیم." in after.content.decode()


@committed
def test_a_signed_in_reader_gets_a_home_page_of_their_own(client):
    home(client)
    client.force_login(PersonFactory())

    page, _ = home(client)

    header = BeautifulSoup(page.content, "html.parser").select_one("header")
    assert header.find("a", href=reverse("volunteer:my_shifts")) is not None


@committed
def test_a_signed_in_readers_home_page_counts_the_headline_once_and_again_after_a_place_is_taken(client):
    call_index_ensure()
    shift = add_shift(make_call(), capacity=3)
    client.force_login(PersonFactory())

    def counted(response_queries) -> bool:  # the headline's sum of free places over open calls
        return any(
            query["sql"].startswith("SELECT COALESCE(SUM(") for query in response_queries.captured_queries
        )

    first, first_queries = home(client)
    again, again_queries = home(client)
    signup_create(shift=shift, volunteer=PersonFactory())
    after, after_queries = home(client)

    assert counted(first_queries) and not counted(again_queries) and counted(after_queries)
    assert "۳" in figures(again) and "۲" in figures(after)


def reader_menu(response) -> set[str]:
    header = BeautifulSoup(response.content, "html.parser").select_one("header nav")
    return {link["href"] for link in header.find_all("a")}


@committed
def test_a_signed_in_reader_gets_the_kept_page_with_their_own_header_and_no_one_elses(client):
    from django.test import Client

    call_index_ensure()
    add_shift(make_call(title="کارگاه سفالگری"), capacity=3)
    someone = Client()
    someone.force_login(PersonFactory())
    # The page is kept on a signed-in reader's first visit, as a reader without a session gets it.
    first, _ = home(someone)
    client.force_login(PersonFactory())
    again, again_queries = home(client)
    anonymous, _ = home(Client())

    assert {reverse("volunteer:my_shifts"), reverse("volunteers:account")} <= reader_menu(again)
    assert reverse("volunteers:login") not in reader_menu(again)
    assert not any("campaigns_" in query["sql"] for query in again_queries.captured_queries)
    assert again.content.replace(b"\n", b"") != anonymous.content.replace(b"\n", b"")
    assert reverse("volunteers:login") in reader_menu(anonymous)
    assert reverse("volunteer:my_shifts") not in reader_menu(anonymous)
    assert figures(again) == figures(anonymous) == figures(first)


@committed
def test_a_reader_with_a_message_waiting_or_staff_gets_the_page_rendered_for_them(client, admin_user):
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpResponse
    from django.test import Client, RequestFactory

    home(Client())  # kept
    client.force_login(PersonFactory())
    storage, carrier = CookieStorage(RequestFactory().get("/")), HttpResponse()
    storage.add(25, "ثبت شد")
    storage.update(carrier)
    client.cookies[CookieStorage.cookie_name] = carrier.cookies[CookieStorage.cookie_name].value
    with_message, _ = home(client)
    staff = Client()
    staff.force_login(admin_user)
    staff_page, _ = home(staff)

    assert "ثبت شد" in with_message.content.decode()
    assert "wagtail-userbar" in staff_page.content.decode()
    assert reverse("wagtailadmin_home") in reader_menu(staff_page)


def calls_shown(response) -> list[int]:
    cards = BeautifulSoup(response.content, "html.parser").select(".upcoming-calls li[data-call-id]")
    return [int(card["data-call-id"]) for card in cards]


@pytest.fixture
def renders(monkeypatch) -> list[int]:
    """One entry for each time the home page is rendered (rather than given kept)."""
    rendered = []
    original = HomePage.get_context

    def counted(self, request, *args, **kwargs):
        rendered.append(1)
        return original(self, request, *args, **kwargs)

    monkeypatch.setattr(HomePage, "get_context", counted)
    return rendered


@committed
def test_a_sign_up_for_a_call_it_does_not_show_leaves_the_page_kept_with_the_citys_figures_current(
    client, renders
):
    from django.test import Client

    from cms.selectors import HOME_PAGE_CALLS

    call_index_ensure()
    shifts = [
        add_shift(make_call(), starts_in=datetime.timedelta(days=2 + number), capacity=3)
        for number in range(HOME_PAGE_CALLS + 1)
    ]
    later = shifts[-1]  # the one call the page has no room for
    signed_in = Client()
    signed_in.force_login(PersonFactory())
    first, _ = home(client)
    assert later.call_id not in calls_shown(first) and len(calls_shown(first)) == HOME_PAGE_CALLS

    signup_create(shift=later, volunteer=PersonFactory())
    after, _ = home(client)
    after_signed_in, _ = home(signed_in)

    assert len(renders) == 1  # kept across the sign-up
    total = 3 * (HOME_PAGE_CALLS + 1)
    assert f"{total:,}".translate(PERSIAN_DIGITS) in figures(first)
    assert figures(after) == figures(after_signed_in)
    assert f"{total - 1:,}".translate(PERSIAN_DIGITS) in figures(after)
    assert calls_shown(after) == calls_shown(first)

    signup_create(shift=shifts[0], volunteer=PersonFactory())  # a call it shows
    home(client)

    assert len(renders) == 2


@committed
def test_a_call_reopened_comes_back_onto_the_kept_page(client):
    from cms.selectors import HOME_PAGE_CALLS

    call_index_ensure()
    shifts = [
        add_shift(make_call(), starts_in=datetime.timedelta(days=2 + number), capacity=3)
        for number in range(HOME_PAGE_CALLS + 1)
    ]
    soonest = shifts[0].call
    staff = PersonFactory()
    call_close(call=soonest, actor=staff)
    closed, _ = home(client)

    call_reopen(call=soonest)
    reopened, _ = home(client)

    assert soonest.pk not in calls_shown(closed)
    assert calls_shown(reopened)[0] == soonest.pk
