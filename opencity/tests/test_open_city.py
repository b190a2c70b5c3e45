"""The open city's figures are recomputed here from the rows they come from; groups of fewer than five
people are suppressed; the page, the downloads and the API say the same."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from campaigns.tests.factories import PersonFactory, publish_call
from city.models import Service
from core.localization import jalali_month_of
from opencity import selectors
from rewards.tests.factories import approval_create
from verification.models import Completion, Verification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh():
    cache.clear()


def street_work(people: int, *, hours: str = "2.5"):
    call = publish_call(service_slug="street-sweeping-and-cleaning")
    return [approval_create(volunteer=PersonFactory(), call=call, hours=hours) for _ in range(people)]


def test_work_is_what_staff_approved_and_small_groups_are_suppressed():
    approvals = street_work(6)
    publish_call(service_slug="street-traffic-information")
    approval_create(volunteer=PersonFactory(), call=publish_call(service_slug="street-traffic-information"))

    rows = {row["service"]: row for row in selectors.work_rows()}

    street = rows["street-sweeping-and-cleaning"]
    completions = Completion.objects.filter(verifications__in=approvals)
    assert Decimal(street["hours"]) == sum(completion.approved_hours for completion in completions)
    assert street["people"] == 6 and street["shifts"] == 6 and street["suppressed"] is False
    year, month = jalali_month_of(completions.first().signup.shift.starts_at)
    assert (street["year"], street["month"]) == (year, month)
    traffic = rows["street-traffic-information"]
    assert traffic["suppressed"] is True and traffic["hours"] is None and traffic["people"] is None


def test_revoked_or_pending_work_does_not_count():
    approvals = street_work(5)
    Completion.objects.filter(verifications=approvals[0]).update(status=Completion.Status.REVOKED)

    (row,) = selectors.work_rows()

    assert row["suppressed"] is True  # four people left


def test_verification_turnaround_is_from_report_to_first_decision():
    approvals = street_work(3)
    for verification in approvals:
        completion = verification.completion
        Verification.objects.filter(pk=verification.pk).update(
            created_at=completion.created_at + (completion.pk % 3 + 1) * datetime.timedelta(hours=10)
        )

    (row,) = selectors.verification_rows()

    waits = sorted(
        (v.created_at - v.completion.created_at).total_seconds() / 3600
        for v in Verification.objects.select_related("completion")
    )
    assert row["reports"] == row["decided"] == 3
    assert row["median_hours"] == round(waits[1], 1)
    assert row["share_within_target"] == round(sum(1 for wait in waits if wait <= 72) / 3, 3)


def test_the_page_downloads_and_api_say_the_same_in_both_languages():
    street_work(5, hours="3")
    client = Client()

    page = client.get("/open-city/")
    english = client.get("/en/open-city/")
    assert page.status_code == english.status_code == 200
    assert "۱۵٫۰" in page.content.decode()  # 5 × 3 hours, in Persian digits
    assert "15.0" in english.content.decode()

    downloaded = list(
        csv.DictReader(io.StringIO(client.get("/open-city/data/work.csv").content.decode("utf-8-sig")))
    )
    assert downloaded[0]["hours"] == "15.00" and downloaded[0]["people"] == "5"
    as_json = client.get("/open-city/data/work.json").json()
    assert as_json["licence"] and "hours" in as_json["fields"]
    assert as_json["rows"] == client.get("/api/v1/open-city/work").json()["rows"]
    assert client.get("/open-city/data/nothing.csv").status_code == 404
    with translation.override("en"):
        missing = client.get("/api/v1/open-city/nothing", headers={"accept-language": "en"})
    assert missing.status_code == 422


def test_no_name_or_contact_is_ever_in_the_open_data():
    people = [PersonFactory(first_name="نام‌ویژه", phone=f"0912888{index:04d}") for index in range(5)]
    call = publish_call()
    for person in people:
        approval_create(volunteer=person, call=call)
    client = Client()
    everything = (
        "".join(client.get(f"/open-city/data/{name}.json").content.decode() for name in selectors.DATASETS)
        + client.get("/open-city/").content.decode()
    )
    assert "نام‌ویژه" not in everything and "0912888" not in everything


def test_a_department_counts_each_person_once_and_shows_what_its_services_alone_cannot():
    sweeping = publish_call(service_slug="street-sweeping-and-cleaning")
    other_service = (
        Service.objects.filter(department__slug="urban_services")
        .exclude(slug="street-sweeping-and-cleaning")
        .first()
    )
    green = publish_call(service_slug=other_service.slug)
    people = [PersonFactory() for _ in range(5)]
    for person in people[:3]:
        approval_create(volunteer=person, call=sweeping, hours=2)
    for person in people[3:]:
        approval_create(volunteer=person, call=green, hours=2)
    approval_create(volunteer=people[0], call=green, hours=1)  # someone in both services

    by_service = selectors.work_rows()
    (department,) = selectors.work_by_department_rows()

    assert all(row["suppressed"] for row in by_service)  # 3 and 3 people
    assert (department["people"], Decimal(department["hours"]), department["shifts"]) == (5, 11, 6)


def test_savings_are_verified_hours_at_the_contractors_cost_beside_the_rewards_given():
    Service.objects.filter(slug="street-sweeping-and-cleaning").update(contractor_hour_cost=1_000_000)
    street_work(5, hours="2")
    urban = Service.objects.filter(department__slug="urban_services")
    green = urban.filter(contractor_hour_cost__isnull=True).first()
    approval_create(volunteer=PersonFactory(), call=publish_call(service_slug=green.slug), hours=3)

    (row,) = selectors.savings_rows()

    assert row["saved_rials"] == 10 * 1_000_000
    assert Decimal(row["hours_without_cost"]) == 3 and row["rewards_rials"] == 0
