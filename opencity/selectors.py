"""The open city's figures, computed from records (approved completions, decisions, vouchers, citizen
voice timelines) and never typed in. A figure about fewer than MIN_PEOPLE people is suppressed: it is
there as a row, marked, without its numbers, so nobody is singled out.

Each dataset is a list of plain rows (ids, both languages' names, numbers), kept in the cache for a few
minutes: past months change rarely, and the page must answer fast for everyone."""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Min

from city.models import Department, Service
from core.localization import jalali_month_of
from rewards.models import Voucher
from verification.models import Completion, Verification
from voice.selectors import monitoring

MIN_PEOPLE = 5
KEPT_SECONDS = 600
DATASETS = ("work_by_department", "work", "verification", "rewards", "voice", "savings")


def _percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _names(obj) -> dict:
    return {"name_fa": obj.name_fa, "name_en": obj.name_en or obj.name_fa}


def _approved_work():
    """(hours, person, shift, shift's start, service) of every approved completion."""
    return Completion.objects.filter(status=Completion.Status.APPROVED).values_list(
        "approved_hours", "signup__volunteer_id", "signup__shift_id", "signup__shift__starts_at",
        "signup__shift__call__service_id",
    )  # fmt: skip


def _work_by(group_of) -> dict[tuple, dict]:
    """Approved work summed by (Jalali year, month, group_of(service id)): hours, people and shifts."""
    groups: dict[tuple, dict] = defaultdict(lambda: {"hours": Decimal(0), "people": set(), "shifts": set()})
    for hours, person_id, shift_id, starts_at, service_id in _approved_work():
        group = groups[(*jalali_month_of(starts_at), group_of(service_id))]
        group["hours"] += hours or Decimal(0)
        group["people"].add(person_id)
        group["shifts"].add(shift_id)
    return groups


def _work_figures(group: dict) -> dict:
    """A group's figures, or none of them when it is about fewer than MIN_PEOPLE people."""
    shown = len(group["people"]) >= MIN_PEOPLE
    return {
        "suppressed": not shown,
        "hours": str(group["hours"]) if shown else None,
        "people": len(group["people"]) if shown else None,
        "shifts": len(group["shifts"]) if shown else None,
    }


def work_by_department_rows() -> list[dict]:
    """Verified work per Jalali month and department, each person counted once a month: the page's table,
    whose bigger groups are suppressed less often than a service's."""
    departments_of = dict(Service.objects.values_list("pk", "department_id"))
    departments = {department.pk: department for department in Department.objects.all()}
    rows = [
        {
            "year": year,
            "month": month,
            "department_id": department_id,
            "department": _names(departments[department_id]),
            **_work_figures(group),
        }
        for (year, month, department_id), group in _work_by(departments_of.__getitem__).items()
    ]
    return sorted(rows, key=lambda row: (-row["year"], -row["month"], row["department_id"]))


def savings_rows() -> list[dict]:
    """Per Jalali month and department: what volunteering saved (verified hours times each service's
    contractor cost, for the services that have one) beside the value of the rewards given. Suppressed
    for fewer than MIN_PEOPLE people, as the work it comes from."""
    groups: dict[tuple, dict] = defaultdict(
        lambda: {"saved": 0, "hours_costed": Decimal(0), "hours_uncosted": Decimal(0), "people": set()}
    )
    services = {service.pk: service for service in Service.objects.all()}
    for hours, person_id, _shift_id, starts_at, service_id in _approved_work():
        service = services[service_id]
        year, month = jalali_month_of(starts_at)
        group = groups[(year, month, service.department_id)]
        group["people"].add(person_id)
        if service.contractor_hour_cost is None:
            group["hours_uncosted"] += hours or Decimal(0)
        else:
            group["hours_costed"] += hours or Decimal(0)
            group["saved"] += int((hours or Decimal(0)) * service.contractor_hour_cost)
    rewards: dict[tuple, int] = defaultdict(int)
    for issued_at, department_id, value in Voucher.objects.filter(cancelled_at__isnull=True).values_list(
        "issued_at", "reward__department_id", "value_rials"
    ):
        rewards[(*jalali_month_of(issued_at), department_id)] += value
    departments = {department.pk: department for department in Department.objects.all()}
    rows = []
    for (year, month, department_id), group in groups.items():
        shown = len(group["people"]) >= MIN_PEOPLE
        rows.append(
            {
                "year": year,
                "month": month,
                "department_id": department_id,
                "department": _names(departments[department_id]),
                "suppressed": not shown,
                "saved_rials": group["saved"] if shown else None,
                "hours_costed": str(group["hours_costed"]) if shown else None,
                "hours_without_cost": str(group["hours_uncosted"]) if shown else None,
                "rewards_rials": rewards.get((year, month, department_id), 0) if shown else None,
            }
        )
    return sorted(rows, key=lambda row: (-row["year"], -row["month"], row["department_id"]))


def work_rows() -> list[dict]:
    """Verified work per Jalali month (of the shift), department and service: hours approved, people and
    shifts. Rows about fewer than MIN_PEOPLE people are suppressed."""
    services = {service.pk: service for service in Service.objects.select_related("department")}
    rows = []
    for (year, month, service_id), group in _work_by(lambda service_id: service_id).items():
        service = services[service_id]
        rows.append(
            {
                "year": year,
                "month": month,
                "department_id": service.department_id,
                "department": _names(service.department),
                "service": service.slug,
                "service_name": {"name_fa": service.short_name_fa, "name_en": service.short_name_en},
                **_work_figures(group),
            }
        )
    return sorted(rows, key=lambda row: (-row["year"], -row["month"], row["department_id"], row["service"]))


def verification_rows() -> list[dict]:
    """How fast each department decides on completion reports, per Jalali month of the report: reports,
    decided, median and 90th-percentile hours from report to first decision, share within the target."""
    target = datetime.timedelta(hours=getattr(settings, "VERIFICATION_TARGET_HOURS", 72))
    first_decisions = dict(
        Verification.objects.values("completion_id")
        .annotate(first=Min("created_at"))
        .values_list("completion_id", "first")
    )
    groups: dict[tuple, dict] = defaultdict(lambda: {"reports": 0, "waits": []})
    reports = Completion.objects.values_list(
        "pk", "created_at", "signup__shift__call__service__department_id"
    )
    for completion_id, reported_at, department_id in reports:
        year, month = jalali_month_of(reported_at)
        group = groups[(year, month, department_id)]
        group["reports"] += 1
        decided = first_decisions.get(completion_id)
        if decided is not None:
            group["waits"].append((decided - reported_at).total_seconds() / 3600)
    departments = {department.pk: department for department in Department.objects.all()}
    rows = []
    for (year, month, department_id), group in groups.items():
        waits = group["waits"]
        within = sum(1 for wait in waits if wait <= target.total_seconds() / 3600)
        rows.append(
            {
                "year": year,
                "month": month,
                "department_id": department_id,
                "department": _names(departments[department_id]),
                "reports": group["reports"],
                "decided": len(waits),
                "median_hours": _rounded(_percentile(waits, 0.5)),
                "p90_hours": _rounded(_percentile(waits, 0.9)),
                "share_within_target": _rounded(within / len(waits), 3) if waits else None,
                "target_hours": target.total_seconds() / 3600,
            }
        )
    return sorted(rows, key=lambda row: (-row["year"], -row["month"], row["department_id"]))


def rewards_rows() -> list[dict]:
    """Points spent on each department's rewards per Jalali month of issue (vouchers not cancelled)."""
    groups: dict[tuple, dict] = defaultdict(lambda: {"points": 0, "vouchers": 0, "people": set()})
    vouchers = Voucher.objects.filter(cancelled_at__isnull=True).values_list(
        "issued_at", "reward__department_id", "points_price", "account__user_id"
    )
    for issued_at, department_id, points, person_id in vouchers:
        year, month = jalali_month_of(issued_at)
        group = groups[(year, month, department_id)]
        group["points"] += points
        group["vouchers"] += 1
        group["people"].add(person_id)
    departments = {department.pk: department for department in Department.objects.all()}
    rows = []
    for (year, month, department_id), group in groups.items():
        shown = len(group["people"]) >= MIN_PEOPLE
        rows.append(
            {
                "year": year,
                "month": month,
                "department_id": department_id,
                "department": _names(departments[department_id]),
                "suppressed": not shown,
                "points": group["points"] if shown else None,
                "vouchers": group["vouchers"] if shown else None,
            }
        )
    return sorted(rows, key=lambda row: (-row["year"], -row["month"], row["department_id"]))


def voice_rows() -> list[dict]:
    """Citizen voice per department and month, as voice.selectors.monitoring computes it."""
    return [
        {
            "year": row.year,
            "month": row.month,
            "department_id": row.department.pk,
            "department": _names(row.department),
            "received": row.received,
            "answered": row.answered,
            "answered_within_target": row.answered_in_time,
            "median_hours_to_answer": _rounded(row.median_to_answer),
            "p90_hours_to_answer": _rounded(row.p90_to_answer),
            "reopen_rate": _rounded(row.reopen_rate, 3),
            "average_rating": _rounded(row.average_rating, 2),
        }
        for row in monitoring()
    ]


def _rounded(value, places: int = 1):
    return None if value is None else round(value, places)


_COMPUTE = {
    "work_by_department": work_by_department_rows,
    "work": work_rows,
    "verification": verification_rows,
    "rewards": rewards_rows,
    "voice": voice_rows,
    "savings": savings_rows,
}


def dataset(name: str) -> list[dict]:
    """A dataset's rows, kept for KEPT_SECONDS."""
    return cache.get_or_set(f"opencity:{name}:v1", _COMPUTE[name], KEPT_SECONDS)
