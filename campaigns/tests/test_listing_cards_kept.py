"""The listing's cards are kept in each process (`{% kept_in_process %}`): a call shown on many listing
pages (other filters, other page addresses) has its card rendered once, and shows at once a change of its
free places, of its closure, of the call itself or of the language."""

import json
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.test.signals import template_rendered
from django.utils import translation

from campaigns.models import OpenCallPage
from campaigns.services import call_close, call_index_ensure, signup_create
from campaigns.tests.factories import PersonFactory, add_shift
from campaigns.tests.test_listing_speed import committed, make_call  # these tests commit, as requests do

pytestmark = pytest.mark.usefixtures("empty_cache")

CARD = "campaigns/includes/call_card.html"


@pytest.fixture
def cards_rendered():
    """How many times the card template was rendered."""
    rendered = []

    def note(sender, template, **kwargs):
        if template.name == CARD:
            rendered.append(template.name)

    template_rendered.connect(note)
    yield rendered
    template_rendered.disconnect(note)


def card(client, url, call, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").select_one(f'li[data-call-id="{call.pk}"]')


def free_places(found) -> str:
    return found.select("dd")[1].text.strip()


@committed
def test_a_card_is_rendered_once_for_every_listing_page_that_shows_it(cards_rendered):
    listing_url = call_index_ensure().url
    call = make_call(district=1)
    add_shift(call, capacity=3)
    reader = Client()

    first = card(reader, listing_url, call)
    assert len(cards_rendered) == 1
    listed = first.parent
    assert [child.name for child in listed.find_all(recursive=False)] == ["li"]
    assert not listed.find_all(string=lambda text: text.strip(), recursive=False)  # nothing but cards
    # Other pages showing the same call: rendered, each of them, but not its card.
    for params in ({"district": 1}, {"has_free_places": "on"}, {"utm_source": "sms"}):
        assert str(card(reader, listing_url, call, **params)) == str(first)
    assert len(cards_rendered) == 1


@committed
def test_a_kept_card_shows_a_change_of_free_places_closure_call_and_language_at_once(cards_rendered):
    listing_url = call_index_ensure().url
    call = make_call(district=1)
    shift = add_shift(call, capacity=3)
    reader = Client()
    assert free_places(card(reader, listing_url, call)) == "۳"

    signup_create(shift=shift, volunteer=PersonFactory())
    assert free_places(card(reader, listing_url, call, district=1)) == "۲"

    call_close(call=call, actor=None, reason="باران")
    closed = card(reader, listing_url, call, district=1, page=1)
    assert "call-card--closed" in closed["class"]

    call.title = "پاکسازی بوستان"
    call.save_revision().publish()
    assert card(reader, listing_url, call, district=1, age=30).a.text == "پاکسازی بوستان"

    english = card(reader, "/en" + listing_url, call, district=1, age=30)
    assert english.a.text == "Sample call"
    assert len(cards_rendered) == 5  # each change, and the other language, rendered anew


def map_point(client, url, call, **params) -> dict:
    response = client.get(url, params)
    script = BeautifulSoup(response.content, "html.parser").select_one("script#calls-map-points")
    return next(point for point in json.loads(script.string) if point["id"] == call.pk)


@committed
def test_a_calls_address_on_the_map_is_built_once_and_follows_its_slug_and_the_language(monkeypatch):
    listing_url = call_index_ensure().url
    call = make_call(district=1, latitude=Decimal("32.65"), longitude=Decimal("51.67"))
    add_shift(call, capacity=3)
    built = []
    get_url = OpenCallPage.get_url

    def counted_get_url(page, *args, **kwargs):
        built.append(page.pk)
        return get_url(page, *args, **kwargs)

    monkeypatch.setattr(OpenCallPage, "get_url", counted_get_url)
    reader = Client()

    urls = {
        map_point(reader, listing_url, call, **params)["url"] for params in ({}, {"district": 1}, {"age": 30})
    }

    # Built once for the map and once for the card, each kept for the other pages; once more by the test.
    assert urls == {call.get_url()} and built.count(call.pk) == 3
    with translation.override("en"):
        english_url = call.get_url()
    assert english_url.startswith("/en/")
    assert map_point(reader, "/en" + listing_url, call)["url"] == english_url
    call.slug = "moved-call"
    call.save_revision().publish()
    assert map_point(reader, listing_url, call, district=1)["url"].rstrip("/").endswith("/moved-call")
