"""The home page's upcoming calls and the figures about them."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from campaigns.models import CallClosure
from campaigns.services import call_index_ensure, team_reservation_create
from campaigns.tests.teams import Ngo
from campaigns.tests.test_views_calls import persian_outside_requests, publish_call  # noqa: F401
from cms import selectors

pytestmark = pytest.mark.django_db


def home(client, url="/"):
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def calls():
    """Two calls people can join, and three they cannot: closed, only past shifts, not published."""
    soon = publish_call(title="زود", shifts=[(2, 10, 4), (5, 6, 0)])
    later = publish_call(title="دیر", shifts=[(-1, 20, 0), (9, 3, 3)])
    CallClosure.objects.create(call=publish_call(title="بسته", shifts=[(3, 50, 0)]))
    publish_call(title="گذشته", shifts=[(-3, 50, 0)])
    publish_call(title="پیش‌نویس", shifts=[(3, 50, 0)], publish=False)
    return soon, later


def test_upcoming_calls_are_the_open_ones_soonest_first(calls):
    soon, later = calls

    assert [call.pk for call in selectors.upcoming_calls()] == [soon.pk, later.pk]
    assert [call.pk for call in selectors.upcoming_calls(limit=1)] == [soon.pk]


def test_headline_numbers_count_open_calls_and_their_free_places_ahead(calls):
    numbers = selectors.headline_numbers()

    assert numbers["open_calls"] == 2
    # 6 + 6 places left in the first call's shifts; the second call's one shift ahead is full, and its
    # past shift does not count.
    assert numbers["free_places"] == 12
    assert numbers["services"] == 21


def test_the_home_page_shows_upcoming_calls_as_cards(client, calls):
    listing_url = call_index_ensure().url

    soup = home(client)

    section = soup.select_one(".upcoming-calls")
    assert [a.text.strip() for a in section.select(".call-card__title a")] == ["زود", "دیر"]
    assert [a["href"] for a in section.select(".call-card__title a")] == [call.url for call in calls]
    figures = section.select_one(".upcoming-calls__figures").text
    assert "۲" in figures and "۱۲" in figures
    assert section.find("a", href=listing_url)


def test_the_english_home_page_shows_upcoming_calls_in_english(client, calls):
    soup = home(client, "/en/")

    figures = soup.select_one(".upcoming-calls__figures").text
    assert "2" in figures and "12" in figures
    assert all(a["href"].startswith("/en/") for a in soup.select(".upcoming-calls .call-card__title a"))


def test_without_calls_the_home_page_says_so(client):
    soup = home(client)

    assert soup.select_one(".upcoming-calls .empty")
    assert not soup.select(".upcoming-calls .call-card")


def test_places_held_for_ngo_teams_are_not_counted_as_free():
    call = publish_call(title="تیمی", shifts=[(2, 10, 0)], open_to_teams=True)
    shift = call.shifts.get()
    shift.team_places = 4
    shift.save()
    ngo = Ngo()
    team_reservation_create(shift=shift, team=ngo.team, places=4, actor=ngo.manager)

    assert selectors.headline_numbers()["free_places"] == 6


def test_shifts_whose_sign_ups_closed_are_not_counted_and_their_call_is_not_open():
    call = publish_call(title="بسته‌شده", shifts=[(2, 10, 0)])
    shift = call.shifts.get()
    shift.signups_close_at = timezone.now() - datetime.timedelta(minutes=5)
    shift.save()
    taking = publish_call(title="باز", shifts=[(2, 7, 0)])

    numbers = selectors.headline_numbers()

    assert (numbers["open_calls"], numbers["free_places"]) == (1, 7)
    assert [found.pk for found in selectors.upcoming_calls()] == [taking.pk]
