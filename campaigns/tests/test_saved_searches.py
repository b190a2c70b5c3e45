"""Saved searches: a citizen hears of a new call that matches, once per call however often it is published
and however many of their searches match, in their language, at most three a day; web and API."""

import pytest
from django.core import mail
from django.test import Client

from campaigns.models import SavedSearch, SavedSearchNotice
from campaigns.saved_searches import saved_search_create
from campaigns.tests.factories import PersonFactory, publish_call
from city.models import District, Service
from volunteers.services import api_token_create

pytestmark = pytest.mark.django_db


def test_a_new_matching_call_is_told_once_in_the_persons_language(django_capture_on_commit_callbacks):
    reader = PersonFactory(preferred_language="en")
    saved_search_create(person=reader, district=District.objects.get(number=5))
    saved_search_create(person=reader, service=Service.objects.get(slug="libraries-and-reading-halls"))
    other = PersonFactory()
    saved_search_create(person=other, district=District.objects.get(number=9))
    mail.outbox.clear()

    district = District.objects.get(number=5)
    with django_capture_on_commit_callbacks(execute=True):
        call = publish_call(service_slug="libraries-and-reading-halls", district=district)
    with django_capture_on_commit_callbacks(execute=True):
        call.save_revision().publish()  # published again: nobody hears twice

    assert [message.to for message in mail.outbox] == [[reader.email]]
    assert call.title_en in mail.outbox[0].body and f"/en{call.url}" in mail.outbox[0].body
    assert SavedSearchNotice.objects.filter(person=reader).count() == 1


def test_at_most_three_notices_a_day_and_paused_searches_stay_quiet():
    keen = PersonFactory()
    saved_search_create(person=keen, district=District.objects.get(number=2))
    quiet = PersonFactory()
    paused = saved_search_create(person=quiet, district=District.objects.get(number=2))
    SavedSearch.objects.filter(pk=paused.pk).update(is_active=False)

    for _ in range(5):
        publish_call(district=District.objects.get(number=2))

    assert SavedSearchNotice.objects.filter(person=keen).count() == 3
    assert not SavedSearchNotice.objects.filter(person=quiet).exists()


def test_a_search_needs_something_to_match_and_the_page_and_api_manage_them(client):
    person = PersonFactory()
    client.force_login(person)

    assert client.post("/my/saved-searches/", {"action": "add"}).status_code == 400
    district = District.objects.get(number=4)
    added = client.post("/my/saved-searches/", {"action": "add", "district": district.pk})
    assert added.status_code == 302
    found = SavedSearch.objects.get(person=person)
    client.post("/my/saved-searches/", {"action": "pause", "search": found.pk})
    found.refresh_from_db()
    assert not found.is_active

    _token, secret = api_token_create(user=person, name="test")
    api = Client(headers={"authorization": f"Bearer {secret}", "accept-language": "en"})
    created = api.post(
        "/api/v1/me/saved-searches", data={"service": "tourist-tours"}, content_type="application/json"
    )
    assert created.status_code == 201 and created.json()["service"] == "tourist-tours"
    unknown = api.post("/api/v1/me/saved-searches", data={"district": 99}, content_type="application/json")
    assert unknown.status_code == 400 and unknown.json()["error"]["code"] == "saved_search_unknown"
    assert len(api.get("/api/v1/me/saved-searches").json()) == 2
    assert api.delete(f"/api/v1/me/saved-searches/{created.json()['id']}").status_code == 204
    stranger = Client()
    stranger.force_login(PersonFactory())
    assert stranger.post("/my/saved-searches/", {"action": "delete", "search": found.pk}).status_code == 400
    assert SavedSearch.objects.filter(pk=found.pk).exists()
