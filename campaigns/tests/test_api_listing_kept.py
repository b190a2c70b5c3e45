"""The API's listing answers with each call's part kept in this process (campaigns.api._listed_calls_answer):
byte for byte what ninja renders from CallOut, a call's part made once for every page that lists it, and a
change of its free places, closure, the call itself or the language shown at once."""

import json

import pytest
from django.test import Client, RequestFactory
from django.utils import translation
from ninja.responses import NinjaJSONEncoder

from campaigns import api
from campaigns.schemas import CallOut
from campaigns.selectors import CallFilters, call_list, calls_with_catalogue
from campaigns.services import call_close, signup_create
from campaigns.tests.factories import PersonFactory, add_shift
from campaigns.tests.test_listing_speed import committed, make_call  # these tests commit, as requests do

pytestmark = pytest.mark.usefixtures("empty_cache")


@pytest.fixture
def calls_validated(monkeypatch) -> list[int]:
    """The id of each call ninja's CallOut validated for an answer."""
    validated = []
    original = CallOut.model_validate

    def counted(call, **kwargs):
        validated.append(call.pk)
        return original(call, **kwargs)

    monkeypatch.setattr(CallOut, "model_validate", counted)
    return validated


def as_ninja_renders(language: str, **filters) -> bytes:
    """The answer as ninja renders a validated PagedCallOut of the same calls."""
    request = RequestFactory().get("/api/v1/calls", secure=False)
    with translation.override(language):
        calls = calls_with_catalogue(call_list(filters=CallFilters(**filters))[:20])
        page = api.PagedCallOut.model_validate(
            {"items": calls, "count": call_list(filters=CallFilters(**filters)).count()},
            context={"request": request},
        )
        return json.dumps(page.model_dump(), cls=NinjaJSONEncoder).encode()


@committed
def test_the_answer_is_what_ninja_renders_and_each_call_is_made_once(calls_validated):
    first, second = make_call(district=1), make_call(district=2)
    add_shift(first, capacity=3)
    add_shift(second, capacity=2)
    client = Client()

    everything = client.get("/api/v1/calls")
    in_district = client.get("/api/v1/calls", {"district": 1})
    english = client.get("/api/v1/calls", HTTP_ACCEPT_LANGUAGE="en")

    assert everything.content == as_ninja_renders("fa")
    assert in_district.content == as_ninja_renders("fa", district=1)
    assert english.content == as_ninja_renders("en")
    assert json.loads(english.content)["items"][0]["title"] == "Sample call"
    # Each call made once per language, though three answers listed them.
    assert sorted(calls_validated[:4]) == sorted([first.pk, second.pk, first.pk, second.pk])
    assert len(calls_validated) == 4


@committed
def test_a_kept_part_shows_a_change_of_places_closure_and_call_at_once():
    call = make_call(district=1)
    shift = add_shift(call, capacity=3)
    client = Client()

    def listed(**params) -> dict:
        return json.loads(client.get("/api/v1/calls", params).content)["items"][0]

    assert listed()["free_places"] == 3
    signup_create(shift=shift, volunteer=PersonFactory())
    assert listed(district=1)["free_places"] == 2
    call_close(call=call, actor=None, reason="باران")
    assert listed(district=1, page_size=5)["is_closed"] is True
    call.title = "پاکسازی بوستان"
    call.save_revision().publish()
    assert listed(district=1, page_size=6)["title"] == "پاکسازی بوستان"


@committed
def test_each_scheme_and_host_gets_its_own_addresses():
    call = make_call(district=1)
    add_shift(call, capacity=3)
    client = Client()

    def url(**headers) -> str:
        return json.loads(client.get("/api/v1/calls", **headers).content)["items"][0]["url"]

    assert url().startswith("http://testserver/")
    assert url(secure=True).startswith("https://testserver/")
    assert url(HTTP_HOST="localhost").startswith("http://localhost/")
    assert url().startswith("http://testserver/")
