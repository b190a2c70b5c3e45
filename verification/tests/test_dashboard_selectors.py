"""The figures of verified work behind the dashboards: hours per month, per NGO member, staff's backlog."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from campaigns.tests.factories import PersonFactory, publish_call
from rewards.tests.factories import approval_create
from verification import dashboard_selectors as selectors
from verification.models import Completion
from verification.tests.factories import (
    TRAFFIC_SERVICE,
    ended_shift,
    ended_signup,
    reported,
    staff_of,
    team_place,
    team_with_manager,
)

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2025, 8, 10, 12))  # 19 Mordad 1404


def worked(volunteer, *, at: datetime.datetime, hours: str, **fields):
    return approval_create(volunteer=volunteer, worked_at=at, hours=Decimal(hours), **fields)


def by_month(data) -> dict[str, Decimal]:
    return {datum.key: datum.value for datum in data if datum.value}


def test_hours_per_month_count_approved_work_in_the_month_it_was_done():
    person = PersonFactory()
    worked(person, at=NOW - datetime.timedelta(days=2), hours="2.5")  # Mordad
    worked(person, at=NOW - datetime.timedelta(days=3), hours="1")  # Mordad
    worked(person, at=NOW - datetime.timedelta(days=40), hours="4")  # Tir
    worked(person, at=NOW - datetime.timedelta(days=400), hours="9")  # over a year ago: not shown
    worked(PersonFactory(), at=NOW - datetime.timedelta(days=2), hours="7")  # someone else's
    reported(ended_signup(volunteer=person), hours="2")  # not verified yet

    data = selectors.hours_by_month(selectors.volunteer_completions(user=person), now=NOW)

    assert len(data) == 12 and data[-1].key == "1404-05"
    assert by_month(data) == {"1404-05": Decimal("3.5"), "1404-04": Decimal("4")}
    totals = selectors.hours_totals(selectors.volunteer_completions(user=person))
    assert (totals.hours, totals.shifts) == (Decimal("16.5"), 4)


def test_someone_without_verified_work_gets_twelve_empty_months_and_zero_totals():
    person = PersonFactory()

    data = selectors.hours_by_month(selectors.volunteer_completions(user=person), now=NOW)

    assert [datum.value for datum in data] == [0] * 12
    totals = selectors.hours_totals(selectors.volunteer_completions(user=person))
    assert (totals.hours, totals.shifts) == (0, 0)


def test_hours_per_month_take_one_query(django_assert_num_queries):
    person = PersonFactory()
    for days in (2, 40, 70, 100):
        worked(person, at=NOW - datetime.timedelta(days=days), hours="1")

    with django_assert_num_queries(1):
        selectors.hours_by_month(selectors.volunteer_completions(user=person), now=NOW)


def test_ngo_hours_count_only_work_on_its_teams_places_per_member():
    first, second = (
        PersonFactory(first_name="Ali", last_name="A"),
        PersonFactory(first_name="Bita", last_name="B"),
    )
    manager, team = team_with_manager(first, second)
    for member, hours in ((first, "2"), (second, "3"), (second, "1")):
        completion = reported(team_place(ended_shift(), team, member), hours=hours)
        Completion.objects.filter(pk=completion.pk).update(
            status=Completion.Status.APPROVED, approved_hours=Decimal(hours)
        )
    worked(first, at=timezone.now() - datetime.timedelta(days=1), hours="5")  # on their own: not the NGO's

    members = selectors.member_hours(organisation=team.organisation)

    assert [(datum.label, datum.value) for datum in members] == [
        ("Bita B", Decimal("4")),
        ("Ali A", Decimal("2")),
    ]
    totals = selectors.hours_totals(selectors.organisation_completions(organisation=team.organisation))
    assert totals.hours == Decimal("6")
    assert selectors.member_hours(organisation=team_with_manager()[1].organisation) == []


def test_the_backlog_counts_open_reports_of_the_staffs_departments_by_age():
    now = timezone.now()
    ages = {
        "fresh": datetime.timedelta(hours=3),
        "middle": datetime.timedelta(days=2),
        "old": datetime.timedelta(days=5),
    }
    made = {}
    for name, age in ages.items():
        made[name] = reported(ended_signup())
        Completion.objects.filter(pk=made[name].pk).update(created_at=now - age)
    # Sent again after a rejection yesterday: it waits from then, not from its first sending.
    again = reported(ended_signup())
    Completion.objects.filter(pk=again.pk).update(
        created_at=now - datetime.timedelta(days=10), resubmitted_at=now - datetime.timedelta(hours=30)
    )
    decided = reported(ended_signup())
    Completion.objects.filter(pk=decided.pk).update(status=Completion.Status.REJECTED)
    reported(ended_signup(call=publish_call(service_slug=TRAFFIC_SERVICE)))  # another department's

    backlog = selectors.backlog_by_age(user=staff_of("urban_services"), now=now)

    assert (backlog.under_a_day, backlog.one_to_three_days, backlog.over_three_days) == (1, 2, 1)
    assert backlog.total == 4
    assert selectors.backlog_by_age(user=staff_of("cultural"), now=now).total == 0


def test_department_hours_are_the_staffs_departments_only():
    traffic_call = publish_call(service_slug=TRAFFIC_SERVICE, points_per_hour=10)
    worked(PersonFactory(), at=timezone.now() - datetime.timedelta(hours=30), hours="2")
    worked(PersonFactory(), at=timezone.now() - datetime.timedelta(hours=30), hours="5", call=traffic_call)

    urban = selectors.department_hours_by_month(user=staff_of("urban_services"))

    assert sum(datum.value for datum in urban) == Decimal("2")
