"""My data: everything Hamyar holds about a person, in one archive only they can download, until it expires;
nothing of anyone else in it."""

import datetime
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from campaigns.tests.factories import PersonFactory
from credentials import exports
from credentials.models import DataExport
from rewards.models import LedgerEntry

from .test_certificates import verified

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_person_asks_for_their_data_and_downloads_an_archive_of_everything_about_them(
    client, django_capture_on_commit_callbacks
):
    person = PersonFactory(first_name="سارا", email="sara@example.org")
    stranger = PersonFactory(email="stranger@example.org")
    with django_capture_on_commit_callbacks(execute=True):  # the points are credited after the approval
        verified(person, service_slug="street-sweeping-and-cleaning", hours="3")
        verified(stranger, service_slug="street-sweeping-and-cleaning", hours="2")
    client.force_login(person)

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/account/my-data/").status_code == 302
    export = DataExport.objects.get(person=person)
    response = client.get(f"/account/my-data/{export.pk}/hamyar-data.zip")

    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(archive.namelist())
    for table in (
        "profile",
        "signups",
        "reports",
        "decisions",
        "ledger",
        "badges",
        "ngo_memberships",
        "vouchers",
    ):
        assert {f"{table}.json", f"{table}.csv"} <= names
    profile = json.loads(archive.read("profile.json"))
    assert profile[0]["email"] == "sara@example.org"
    reports = json.loads(archive.read("reports.json"))
    assert [Decimal(row["approved_hours"]) for row in reports] == [Decimal("3")]
    assert "stranger@example.org" not in b"".join(archive.read(name) for name in names).decode(
        "utf-8", "ignore"
    )
    ledger = json.loads(archive.read("ledger.json"))
    held = LedgerEntry.objects.filter(account__user=person)
    assert ledger and sum(row["amount"] for row in ledger) == held.aggregate(total=Sum("amount"))["total"]


def test_only_its_owner_downloads_it_and_only_until_it_expires(client):
    person = PersonFactory()
    export = exports.data_export_request(person=person)
    exports.data_export_build(export_id=export.pk)
    url = f"/account/my-data/{export.pk}/hamyar-data.zip"

    client.force_login(PersonFactory())
    assert client.get(url).status_code == 404
    client.force_login(person)
    assert client.get(url).status_code == 200

    later = timezone.now() + datetime.timedelta(days=exports.EXPORT_DAYS, minutes=1)
    assert exports.data_exports_delete_expired(now=later) == 1
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(url).status_code == 404


def test_asking_again_at_once_does_not_build_another_archive():
    person = PersonFactory()

    assert exports.data_export_request(person=person) == exports.data_export_request(person=person)
    assert DataExport.objects.filter(person=person).count() == 1


def test_the_archive_holds_what_the_person_said_to_the_city_and_nothing_of_anyone_elses():
    from voice.tests.factories import limits_cleared, received

    limits_cleared()
    person = PersonFactory(phone="09121230002")
    received(author=person, title="با حساب")
    received(mobile="09121230002", title="بدون حساب")
    received(mobile="09129999999", title="از دیگری")

    archive = zipfile.ZipFile(io.BytesIO(exports.archive_bytes(person)))

    said = json.loads(archive.read("citizen_voice.json"))
    assert sorted(row["title"] for row in said) == ["با حساب", "بدون حساب"]
    steps = json.loads(archive.read("citizen_voice_steps.json"))
    assert [row["action"] for row in steps] == ["received", "received"]
