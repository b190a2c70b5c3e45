"""The home page is kept whole for readers without a session, and follows every change it shows at once."""

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.services import call_index_ensure, signup_create
from campaigns.tests.factories import PersonFactory, add_shift
from campaigns.tests.test_listing_speed import make_call
from cms.models import HomePage

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
