"""Citizen voice for apps (/api/v1) and for 311 apps and dashboards (/open311/v2)."""

import pytest
from django.test import Client
from django.utils import translation

from campaigns.tests.factories import PersonFactory
from verification.tests.factories import staff_of
from voice import services
from voice.models import Item
from voice.open311 import key_create
from volunteers.services import api_token_create

from .factories import limits_cleared, received, subject

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh():
    limits_cleared()


def as_person(person=None) -> tuple[Client, object]:
    person = person or PersonFactory()
    return Client(headers={"authorization": f"Bearer {api_token_create(user=person)[1]}"}), person


def test_a_person_sends_an_item_rates_the_answer_and_reopens_it():
    client, person = as_person()
    created = client.post(
        "/api/v1/voice/items",
        {
            "kind": "problem",
            "subject_id": subject().pk,
            "title": "چاله",
            "body": "عمیق",
            "latitude": "32.65",
            "longitude": "51.66",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    code = created.json()["tracking_code"]
    assert created.json()["author_url"].endswith(f"/voice/i/{code}/{Item.objects.get().author_key}/")
    assert Item.objects.get().channel == "api"

    services.item_answer(item_id=Item.objects.get().pk, by=staff_of(), text="پر شد")
    mine = client.get("/api/v1/me/voice/items").json()
    assert mine["count"] == 1 and mine["items"][0]["answers"][0]["text"] == "پر شد"

    assert (
        client.post(
            f"/api/v1/voice/items/{code}/rating", {"rating": 6}, content_type="application/json"
        ).status_code
        == 422
    )
    assert (
        client.post(
            f"/api/v1/voice/items/{code}/rating", {"rating": 2}, content_type="application/json"
        ).status_code
        == 200
    )
    reopened = client.post(
        f"/api/v1/voice/items/{code}/reopen", {"reason": "هنوز هست"}, content_type="application/json"
    )
    assert reopened.json()["status"] == "reopened"
    again = client.post(
        f"/api/v1/voice/items/{code}/reopen", {"reason": "باز"}, content_type="application/json"
    )
    assert (
        again.status_code == 409
        and again.json()["error"]["code"] == "not_answered"
        or again.json()["error"]["code"] in ("reopen_used", "reopen_too_late")
    )


def test_someone_elses_item_is_not_found_and_refusals_are_in_the_readers_language():
    item = received()
    client, _ = as_person()
    assert (
        client.post(
            f"/api/v1/voice/items/{item.tracking_code}/rating", {"rating": 3}, content_type="application/json"
        ).status_code
        == 404
    )
    refused = client.post(
        "/api/v1/voice/items",
        {"kind": "problem", "subject_id": subject().pk, "title": "x", "body": "y"},
        content_type="application/json",
        headers={"accept-language": "en"},
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "place_needed"
    assert "pin" in refused.json()["error"]["message"]
    unknown = client.post(
        "/api/v1/voice/items",
        {"kind": "idea", "subject_id": 999999, "title": "x", "body": "y"},
        content_type="application/json",
    )
    assert unknown.status_code == 400 and unknown.json()["error"]["code"] == "subject_unknown"


def test_anyone_reads_subjects_public_items_tracking_and_monitoring():
    staff = staff_of()
    item = received(public_allowed=True, body="متن خصوصی با ۰۹۱۲")
    services.item_publish(item_id=item.pk, by=staff, public_title="چاله", public_body="چاله‌ای در خیابان")
    hidden = received()
    client = Client()
    assert len(client.get("/api/v1/voice/subjects").json()) > 21
    listed = client.get("/api/v1/voice/items").json()
    assert [found["tracking_code"] for found in listed["items"]] == [item.tracking_code]
    assert listed["items"][0]["text"] == "چاله‌ای در خیابان"
    tracked = client.get(f"/api/v1/voice/items/{hidden.tracking_code}/status").json()
    assert tracked["status"] == "open" and "body" not in tracked and "title" not in tracked
    assert client.get(f"/api/v1/voice/items/{hidden.tracking_code}").status_code == 404
    assert client.get("/api/v1/voice/monitoring").json()[0]["received"] == 2


def test_open311_services_and_a_request_created_with_a_key():
    client = Client()
    services_list = client.get("/open311/v2/services.json").json()
    code = services_list[0]["service_code"]
    assert client.get(f"/open311/v2/services/{code}.json").json() == {"service_code": code, "attributes": []}
    assert client.get("/open311/v2/services/999999.json").status_code == 404

    refused = client.post(
        "/open311/v2/requests.json", {"service_code": code, "description": "x", "phone": "09121112233"}
    )
    assert refused.status_code == 403 and refused.json()[0]["code"] == 403
    _, key = key_create(name="City dashboard")
    no_phone = client.post(
        "/open311/v2/requests.json",
        {"api_key": key, "service_code": code, "description": "x", "lat": "32.6", "long": "51.6"},
    )
    assert no_phone.status_code == 400
    created = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": key,
            "service_code": code,
            "description": "Broken light",
            "lat": "32.6",
            "long": "51.6",
            "phone": "09121112233",
            "locale": "en",
        },
    )
    assert created.status_code == 201, created.content
    request_id = created.json()[0]["service_request_id"]
    item = Item.objects.get(tracking_code=request_id)
    assert (item.channel, item.mobile, item.language) == ("api", "09121112233", "en")

    # Not published: its status, never its words or place.
    shown = client.get(f"/open311/v2/requests/{request_id}.json").json()[0]
    assert shown["status"] == "open" and shown["description"] == "" and shown["lat"] is None
    assert client.get("/open311/v2/requests.json").json() == []
    assert client.get("/open311/v2/requests.json", {"start_date": "yesterday"}).status_code == 400


def test_open311_lists_published_requests_with_their_answer():
    staff = staff_of()
    item = received(public_allowed=True)
    services.item_publish(item_id=item.pk, by=staff, public_title="", public_body="چاله")
    services.item_answer(item_id=item.pk, by=staff, text="پر شد")
    listed = Client().get("/open311/v2/requests.json", {"status": "closed"}).json()
    assert [
        (found["service_request_id"], found["status_notes"], found["description"]) for found in listed
    ] == [(item.tracking_code, "پر شد", "چاله")]
    assert Client().get("/open311/v2/requests.json", {"status": "open"}).json() == []
    with translation.override("en"):
        assert Client().get("/open311/v2/services.json?locale=en").json()[0]["group"]


def test_an_app_adds_photos_to_its_item_without_their_location_and_only_soon_after():
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from verification.tests.factories import jpeg_with_gps

    client, person = as_person()
    item = received(author=person)
    url = f"/api/v1/voice/items/{item.tracking_code}/photos"

    added = client.post(
        url, {"photos": [SimpleUploadedFile("a.jpg", jpeg_with_gps(), content_type="image/jpeg")]}
    )
    assert added.status_code == 200, added.content
    with Image.open(item.photos.get().image) as stored:
        assert not stored.getexif()
    too_many = client.post(
        url,
        {
            "photos": [
                SimpleUploadedFile(f"{n}.jpg", jpeg_with_gps(), content_type="image/jpeg") for n in range(4)
            ]
        },
    )
    assert too_many.status_code == 400 and too_many.json()["error"]["code"] == "too_many_photos"
    not_a_photo = client.post(
        url, {"photos": [SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")]}
    )
    assert not_a_photo.status_code == 400

    Item.objects.filter(pk=item.pk).update(received_at=item.received_at - datetime.timedelta(hours=2))
    late = client.post(
        url, {"photos": [SimpleUploadedFile("b.jpg", jpeg_with_gps(), content_type="image/jpeg")]}
    )
    assert late.status_code == 409 and late.json()["error"]["code"] == "photos_too_late"
    other, _ = as_person()
    assert other.post(url, {"photos": []}).status_code == 404


def test_open311s_request_list_asks_the_same_few_queries_however_many_requests(django_assert_max_num_queries):
    staff = staff_of()
    for _ in range(6):
        item = received(public_allowed=True)
        services.item_publish(item_id=item.pk, by=staff, public_title="", public_body="چاله")
    with django_assert_max_num_queries(4):
        listed = Client().get("/open311/v2/requests.json").json()
    assert len(listed) == 6
