"""Figures of verified work for the dashboards: hours per month (a volunteer's, an NGO's, a department's),
hours per NGO member, and staff's backlog of reports by how long they have waited.

Hours are the hours staff approved, counted in the Jalali month the shift started (when the work was
done, not when someone got round to verifying it). Each reader is a fixed number of queries: the database
sums per day in the city's time zone, and the days are folded into Jalali months here.
"""

import dataclasses
import datetime
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from core.charts import Datum, fold_days_into_months, month_keys, month_start, months_data

from .models import Completion
from .selectors import OPEN_STATUSES, completions_for_staff

MONTHS = 12
ZERO_HOURS = Decimal("0")


def approved_completions() -> QuerySet[Completion]:
    return Completion.objects.filter(status=Completion.Status.APPROVED)


def hours_by_month(
    completions: QuerySet[Completion], *, months: int = MONTHS, now: datetime.datetime | None = None
) -> list[Datum]:
    """Approved hours of `completions` in each of the last `months` Jalali months, oldest first (one
    query)."""
    keys = month_keys(months, now=now)
    days = (
        completions.filter(
            status=Completion.Status.APPROVED, signup__shift__starts_at__gte=month_start(keys[0])
        )
        .annotate(day=TruncDate("signup__shift__starts_at"))
        .order_by()
        .values("day")
        .annotate(hours=Sum("approved_hours"))
    )
    return months_data(keys, fold_days_into_months(days, day_field="day", value_field="hours"))


@dataclasses.dataclass(frozen=True)
class HoursTotals:
    hours: Decimal
    shifts: int


def hours_totals(completions: QuerySet[Completion]) -> HoursTotals:
    """All approved hours of `completions` ever, and how many shifts they were for (one query)."""
    totals = completions.filter(status=Completion.Status.APPROVED).aggregate(
        hours=Coalesce(Sum("approved_hours"), ZERO_HOURS), shifts=Count("pk")
    )
    return HoursTotals(hours=totals["hours"], shifts=totals["shifts"])


# --- Volunteers ----------------------------------------------------------------------------------------


def volunteer_completions(*, user) -> QuerySet[Completion]:
    """Reports on the person's own places (reports a manager made for them included)."""
    return Completion.objects.filter(signup__volunteer_id=user.pk)


# --- NGOs ----------------------------------------------------------------------------------------------


def organisation_completions(*, organisation) -> QuerySet[Completion]:
    """Reports on places the NGO's teams reserved: the work done for the NGO, not its members' own."""
    return Completion.objects.filter(signup__reservation__team__organisation=organisation)


def member_hours(*, organisation, limit: int = 15) -> list[Datum]:
    """Approved hours each person did on the NGO's team places, most first (one query)."""
    rows = (
        organisation_completions(organisation=organisation)
        .filter(status=Completion.Status.APPROVED)
        .order_by()
        .values("signup__volunteer_id", "signup__volunteer__first_name", "signup__volunteer__last_name")
        .annotate(hours=Sum("approved_hours"))
        .order_by("-hours", "signup__volunteer__last_name", "signup__volunteer_id")[:limit]
    )
    return [
        Datum(
            label=f"{row['signup__volunteer__first_name']} {row['signup__volunteer__last_name']}".strip()
            or str(row["signup__volunteer_id"]),
            value=row["hours"],
            key=str(row["signup__volunteer_id"]),
        )
        for row in rows
    ]


# --- Staff ---------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Backlog:
    """Reports waiting for a decision, by how long they have waited since they were (last) sent."""

    under_a_day: int = 0
    one_to_three_days: int = 0
    over_three_days: int = 0

    @property
    def total(self) -> int:
        return self.under_a_day + self.one_to_three_days + self.over_three_days


def backlog_by_age(*, user, now: datetime.datetime | None = None) -> Backlog:
    """The open reports of the person's departments by age: under a day, one to three days, more (one
    query). A report sent again after a rejection waits from when it came back."""
    now = now or timezone.now()
    day_ago, three_days_ago = now - datetime.timedelta(days=1), now - datetime.timedelta(days=3)
    counts = (
        completions_for_staff(user=user)
        .filter(status__in=OPEN_STATUSES)
        .annotate(waiting_since=Coalesce("resubmitted_at", "created_at"))
        .aggregate(
            fresh=Count("pk", filter=Q(waiting_since__gt=day_ago)),
            middle=Count("pk", filter=Q(waiting_since__lte=day_ago, waiting_since__gt=three_days_ago)),
            old=Count("pk", filter=Q(waiting_since__lte=three_days_ago)),
        )
    )
    return Backlog(
        under_a_day=counts["fresh"], one_to_three_days=counts["middle"], over_three_days=counts["old"]
    )


def department_hours_by_month(
    *, user, months: int = MONTHS, now: datetime.datetime | None = None
) -> list[Datum]:
    """Approved hours of shifts of the person's departments per Jalali month (one query: the department
    check is a subquery)."""
    return hours_by_month(completions_for_staff(user=user), months=months, now=now)
