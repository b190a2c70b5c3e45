"""The open city's figures are recomputed here from the rows they come from; groups of fewer than five
people are suppressed; the page, the downloads and the API say the same."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone, translation

from campaigns.models import Shift
from campaigns.tests.factories import PersonFactory, publish_call
from city.models import District, Service
from core.localization import jalali_month_of
from opencity import selectors, services
from rewards.models import EarningRule
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
    services.figures_refresh()  # as the beat does
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
    services.figures_refresh()  # as the beat does
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


def work_in(district_number: int, people: int, *, hours: str = "2"):
    call = publish_call(district=District.objects.get(number=district_number))
    return [approval_create(volunteer=PersonFactory(), call=call, hours=hours) for _ in range(people)]


def test_districts_count_people_per_thousand_residents_where_the_population_is_set():
    District.objects.filter(number=1).update(population=2000)
    work_in(1, 6)
    work_in(2, 5)
    work_in(3, 2)

    rows = {row["district_number"]: row for row in selectors.district_rows()}

    one = rows[1]
    assert (one["people"], one["population"], one["people_per_thousand"]) == (6, 2000, 3.0)
    assert Decimal(one["hours"]) == 12
    assert rows[2]["people"] == 5 and rows[2]["people_per_thousand"] is None  # no population set
    assert rows[3]["suppressed"] is True and rows[3]["people_per_thousand"] is None


def test_equity_names_the_districts_and_services_below_half_the_citys_figure():
    # districts 1 and 2 have the same residents; 6 people worked in 1, 2 people in 2
    District.objects.filter(number__in=(1, 2)).update(population=10_000)
    work_in(1, 6)
    work_in(2, 2)
    long_ago = timezone.now() - datetime.timedelta(days=selectors.EQUITY_DAYS + 5)
    for _ in range(10):  # outside the window: does not count
        approval_create(volunteer=PersonFactory(), call=publish_call(district=District.objects.get(number=2)),
                        worked_at=long_ago)  # fmt: skip

    rows = selectors.equity_rows()

    districts = {row["key"]: row for row in rows if row["kind"] == "district"}
    # the city: 8 people per 20,000 residents, 0.4 a thousand; district 1: 0.6 (1.5×), district 2: 0.2 (0.5×)
    assert districts["1"]["people_per_thousand"] == 0.6 and districts["1"]["relative_to_city"] == 1.5
    assert districts["1"]["under_served"] is False
    assert districts["2"]["suppressed"] is True and districts["2"]["people"] is None
    assert districts["2"]["under_served"] is False  # 0.5× is not below half
    assert districts["3"]["population"] is None and districts["3"]["under_served"] is False
    District.objects.filter(number=2).update(population=20_000)  # now 0.1 against 8/30,000
    # nobody in district 3, but at the city's rate fewer than five people would have been: not said
    District.objects.filter(number=3).update(population=1_000)
    cache.clear()
    assert selectors.under_served_district_ids() == [District.objects.get(number=2).pk]

    by_service = {row["key"]: row for row in rows if row["kind"] == "service"}
    street = by_service["street-sweeping-and-cleaning"]
    since = timezone.now() - datetime.timedelta(days=selectors.EQUITY_DAYS)
    shifts = Shift.objects.filter(starts_at__gte=since)
    assert street["places_offered"] == sum(shift.capacity for shift in shifts)
    assert street["places_taken"] == sum(shift.confirmed_count for shift in shifts)


def test_a_district_bonus_that_follows_equity_takes_the_under_served_districts():
    District.objects.filter(number__in=(1, 2)).update(population=10_000)
    work_in(1, 9)
    work_in(2, 1)
    following = EarningRule.objects.create(name="محله‌های کم‌برخوردار", kind="district", points=20,
                                           districts_follow_equity=True)  # fmt: skip
    following.districts.set([District.objects.get(number=1)])
    by_hand = EarningRule.objects.create(name="دستی", kind="district", points=20)
    by_hand.districts.set([District.objects.get(number=1)])

    assert services.equity_bonus_refresh() == 1
    assert services.equity_bonus_refresh() == 0  # nothing changed since

    assert list(following.districts.values_list("number", flat=True)) == [2]
    assert list(by_hand.districts.values_list("number", flat=True)) == [1]


def test_each_month_has_a_stable_address_on_the_site_and_in_the_api():
    street_work(5, hours="3")
    (row,) = selectors.work_rows()
    year, month = row["year"], row["month"]
    services.figures_refresh()  # as the beat does
    client = Client()

    by_month = client.get(f"/open-city/data/work/{year}-{month:02d}.json").json()
    assert (by_month["year"], by_month["month"], by_month["rows"][0]["hours"]) == (year, month, row["hours"])
    assert client.get(f"/open-city/data/work/{year - 1}-{month:02d}.json").json()["rows"] == []
    assert client.get(f"/open-city/data/work/{year}-13.json").status_code == 404
    assert client.get(f"/open-city/data/equity/{year}-{month:02d}.json").status_code == 404  # not monthly
    api = client.get(f"/api/v1/open-city/work/{year}/{month}").json()
    assert api["rows"] == by_month["rows"]
    assert client.get(f"/api/v1/open-city/work/{year}/13").status_code == 422
    assert client.get(f"/api/v1/open-city/equity/{year}/{month}").status_code == 422
    csv_text = client.get(f"/open-city/data/work/{year}-{month:02d}.csv").content.decode("utf-8-sig")
    assert next(csv.DictReader(io.StringIO(csv_text)))["hours"] == row["hours"]


def test_equity_downloads_have_every_column_of_districts_and_services():
    work_in(1, 5)

    services.figures_refresh()  # as the beat does
    text = Client().get("/open-city/data/equity.csv").content.decode("utf-8-sig")

    rows = list(csv.DictReader(io.StringIO(text)))
    assert {"district_fa", "service_en", "places_offered", "people_per_thousand"} <= set(rows[0])
    assert {row["kind"] for row in rows} == {"district", "service"}


def test_impact_is_the_sum_of_what_staff_approved_and_small_groups_are_suppressed():
    from verification.models import ImpactFigure, ImpactMeasure

    bags = ImpactMeasure.objects.get(service__slug="street-sweeping-and-cleaning", key="waste-bags")
    approvals = street_work(6)
    for number, approval in enumerate(approvals):
        ImpactFigure.objects.create(completion=approval.completion, measure=bags, value=number + 10,
                                    approved_value=number + 1)  # fmt: skip
    revoked = approvals[0].completion
    revoked.status = Completion.Status.REVOKED
    revoked.save()
    pending = street_work(1)[0].completion
    Completion.objects.filter(pk=pending.pk).update(status=Completion.Status.PENDING)
    ImpactFigure.objects.create(completion=pending, measure=bags, value=50)

    (row,) = selectors.impact_rows()

    counted = ImpactFigure.objects.filter(completion__status=Completion.Status.APPROVED)
    assert Decimal(row["total"]) == sum(figure.approved_value for figure in counted) == 2 + 3 + 4 + 5 + 6
    assert (row["reports"], row["measure"], row["unit"]["name_en"]) == (5, "waste-bags", "bags")
    assert row["suppressed"] is False
    services.figures_refresh()  # as the beat does
    page = Client().get("/en/open-city/").content.decode()
    assert "20 bags" in page
    Completion.objects.filter(pk=approvals[1].completion.pk).update(status=Completion.Status.REVOKED)
    assert selectors.impact_rows()[0]["suppressed"] is True  # four people left


def test_the_beat_refresh_computes_every_dataset_and_the_page_reads_what_it_kept():
    street_work(5)
    took = services.figures_refresh()
    assert set(took) == set(selectors.DATASETS)

    street_work(5)  # after the refresh: the page shows the kept figures until the next one
    (row,) = Client().get("/api/v1/open-city/work").json()["rows"]
    assert row["people"] == 5
    services.figures_refresh()
    (row,) = Client().get("/api/v1/open-city/work").json()["rows"]
    assert row["people"] == 10


def test_the_page_is_rendered_once_per_refresh_and_language():
    street_work(5, hours="3")
    services.figures_refresh()  # as the beat does
    client = Client()
    first = client.get("/en/open-city/").content.decode()
    assert "15.0" in first

    street_work(5, hours="1")
    selectors.dataset("work_by_department")  # still the kept figures
    assert client.get("/en/open-city/").content.decode() == first
    services.figures_refresh()
    assert "20.0" in client.get("/en/open-city/").content.decode()
    assert "۲۰٫۰" in client.get("/open-city/").content.decode()


def test_readers_ask_for_a_refresh_once_when_the_figures_are_missing_or_old(
    django_capture_on_commit_callbacks,
):
    from opencity.models import FiguresSnapshot

    street_work(5, hours="3")
    client = Client()

    with django_capture_on_commit_callbacks() as asked:
        first = client.get("/en/open-city/")
        client.get("/api/v1/open-city/work")  # a second reader meanwhile: no second refresh
    assert first.status_code == 200 and "No approved work yet." in first.content.decode()
    assert len(asked) == 1
    asked[0]()  # the worker runs it
    assert "15.0" in client.get("/en/open-city/").content.decode()

    # The cache emptied (or Redis down): the figures come from the database, nothing is computed again.
    cache.clear()
    assert client.get("/api/v1/open-city/work").json()["rows"][0]["hours"] == "15.00"
    snapshot = FiguresSnapshot.objects.get()
    assert snapshot.refresh_asked_at is None

    # Old figures (the beat stopped): the next reader asks again, once.
    FiguresSnapshot.objects.update(computed_at=timezone.now() - datetime.timedelta(hours=1))
    cache.clear()
    with django_capture_on_commit_callbacks() as asked_again:
        client.get("/open-city/")
        client.get("/open-city/")
    assert len(asked_again) == 1


def test_the_latest_months_figures_are_drawn_as_bars_beside_the_tables():
    street_work(6, hours="2")  # 12 hours for the urban services
    traffic = publish_call(service_slug="street-traffic-information")
    for _ in range(5):
        approval_create(volunteer=PersonFactory(), call=traffic, hours="1")  # 5 hours for traffic
    services.figures_refresh()

    page = Client().get("/en/open-city/").content.decode()

    assert 'style="inline-size: 100%"' in page  # the longest: urban services' 12 hours
    assert 'style="inline-size: 42%"' in page  # traffic's 5 of 12
    assert "Hours approved in" in page and "Reports decided within the target in" in page
