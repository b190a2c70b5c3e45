"""The listing's page is kept under the calls' version and the free places of the calls it shows: a sign-up
or closure of a call it does not show leaves it kept; one of a call it shows is on it at once; a page that
filters by free places follows every call's places; a change made while a page is rendered is never kept
behind it."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from campaigns import selectors, views
from campaigns.services import call_close, call_index_ensure, signup_create
from campaigns.tests.factories import PersonFactory, add_shift
from campaigns.tests.test_listing_speed import committed, make_call  # these tests commit, as requests do
from core.cache import versions_read_once

pytestmark = pytest.mark.usefixtures("empty_cache")


@pytest.fixture
def renders(monkeypatch) -> list[str]:
    """The address of each listing page rendered (rather than given from the kept ones)."""
    rendered = []
    original = views._call_listing_page

    def counted(request, **kwargs):
        rendered.append(request.get_full_path())
        return original(request, **kwargs)

    monkeypatch.setattr(views, "_call_listing_page", counted)
    return rendered


def free_places(client, url, call, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    card = BeautifulSoup(response.content, "html.parser").select_one(f'li[data-call-id="{call.pk}"]')
    return card.select("dd")[1].text.strip()


@committed
def test_a_change_of_a_call_the_page_does_not_show_leaves_it_kept(renders):
    listing_url = call_index_ensure().url
    shown, elsewhere = make_call(district=1), make_call(district=2)
    shown_shift, elsewhere_shift = add_shift(shown, capacity=3), add_shift(elsewhere, capacity=3)
    reader, signed_in = Client(), Client()
    signed_in.force_login(PersonFactory())

    assert free_places(reader, listing_url, shown, district=1) == "۳"
    signup_create(shift=elsewhere_shift, volunteer=PersonFactory())
    call_close(call=elsewhere, actor=None, reason="باران")
    assert free_places(reader, listing_url, shown, district=1) == "۳"
    assert free_places(signed_in, listing_url, shown, district=1) == "۳"
    assert len(renders) == 1  # both readers got the kept page

    signup_create(shift=shown_shift, volunteer=PersonFactory())
    assert free_places(reader, listing_url, shown, district=1) == "۲"  # at once
    assert len(renders) == 2
    assert free_places(signed_in, listing_url, shown, district=1) == "۲"
    assert len(renders) == 2  # the page rendered again is kept again


@committed
def test_a_page_of_calls_with_free_places_follows_every_calls_places(renders):
    listing_url = call_index_ensure().url
    shown, other = make_call(district=1), make_call(district=2)
    add_shift(shown, capacity=3)
    other_shift = add_shift(other, capacity=1)
    reader = Client()

    assert free_places(reader, listing_url, shown, district=1, has_free_places="on") == "۳"
    signup_create(shift=other_shift, volunteer=PersonFactory())  # which calls have places changed
    assert free_places(reader, listing_url, shown, district=1, has_free_places="on") == "۳"
    assert len(renders) == 2


@committed
def test_a_change_committed_while_the_page_is_rendered_is_not_kept_behind_it(monkeypatch, renders):
    listing_url = call_index_ensure().url
    shown = make_call(district=1)
    shift = add_shift(shown, capacity=3)
    original = views._call_listing_page  # the counting one
    signed_up = []

    def rendered_while_someone_signs_up(request, **kwargs):
        response = original(request, **kwargs)
        response.render()  # the page as read before the sign-up below commits
        if not signed_up:
            signed_up.append(signup_create(shift=shift, volunteer=PersonFactory()))
        return response

    monkeypatch.setattr(views, "_call_listing_page", rendered_while_someone_signs_up)
    reader = Client()

    assert free_places(reader, listing_url, shown, district=1) == "۳"  # what was read, not kept
    assert free_places(reader, listing_url, shown, district=1) == "۲"
    assert len(renders) == 2


@pytest.fixture
def answers_computed(monkeypatch) -> list[int]:
    """One entry each time the API's listing is computed (rather than given from the kept answers): the
    page of calls is read with the catalogue then."""
    computed = []
    original = selectors.calls_with_catalogue
    monkeypatch.setattr(
        selectors, "calls_with_catalogue", lambda calls: computed.append(1) or original(calls)
    )
    return computed


def api_free_places(client, call, **params) -> int:
    response = client.get("/api/v1/calls", params)
    assert response.status_code == 200
    return next(item["free_places"] for item in response.json()["items"] if item["id"] == call.pk)


@committed
def test_the_apis_listing_is_kept_across_changes_of_calls_it_does_not_list(answers_computed):
    call_index_ensure()
    shown, elsewhere = make_call(district=1), make_call(district=2)
    shown_shift, elsewhere_shift = add_shift(shown, capacity=3), add_shift(elsewhere, capacity=3)
    third_shift = add_shift(make_call(district=2), capacity=3)
    client = Client()

    assert api_free_places(client, shown, district=1) == 3
    signup_create(shift=elsewhere_shift, volunteer=PersonFactory())
    call_close(call=elsewhere, actor=None, reason="باران")
    assert api_free_places(client, shown, district=1) == 3
    assert len(answers_computed) == 1

    signup_create(shift=shown_shift, volunteer=PersonFactory())
    assert api_free_places(client, shown, district=1) == 2  # at once
    assert len(answers_computed) == 2
    api_free_places(client, shown, district=1, has_free_places="true")
    signup_create(shift=third_shift, volunteer=PersonFactory())
    api_free_places(client, shown, district=1, has_free_places="true")
    assert len(answers_computed) == 4  # filtered by free places: follows every call's places


@committed
def test_a_request_reads_the_versions_of_a_change_it_commits_itself():
    # Within a request each version is read once (core.cache.versions_read_once): a change the request
    # commits itself must still be read after it, or the request would give what was kept before it.
    call_index_ensure()
    shift = add_shift(make_call(), capacity=3)

    def versions():
        return selectors.call_list_version(), selectors.call_page_version(shift.call_id)

    with versions_read_once():
        before = versions()
        assert versions() == before  # read once
        signup_create(shift=shift, volunteer=PersonFactory())
        after = versions()

    assert after[0] != before[0] and after[1] != before[1]
