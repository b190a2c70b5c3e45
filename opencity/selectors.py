"""The open city's figures, computed from records (approved completions, decisions, vouchers, citizen
voice timelines) and never typed in. A figure about fewer than MIN_PEOPLE people is suppressed: it is
there as a row, marked, without its numbers, so nobody is singled out.

Each dataset is a list of plain rows (ids, both languages' names, numbers), kept in the cache for a few
minutes: past months change rarely, and the page must answer fast for everyone."""

from __future__ import annotations

import datetime
import math
import time
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Min, Sum
from django.utils import timezone

from campaigns.models import Shift
from city.models import Department, District, Service
from core.localization import jalali_month_of
from rewards.models import Voucher
from verification.models import Completion, CompletionPhoto, ImpactFigure, ImpactMeasure, Verification
from voice.selectors import monitoring

from .models import FiguresSnapshot

MIN_PEOPLE = 5
# Rows read at a time from the big tables: the refresh's memory stays flat whatever their size.
CHUNK = 10_000
# The datasets are computed by a beat task every few minutes (services.figures_refresh) and kept in the
# database and the cache, so no reader waits for them.
KEPT_SECONDS = 3600
# Datasets by month: each also has a stable address per Jalali month.
MONTHLY_DATASETS = (
    "work_by_department", "work", "impact", "districts", "verification", "rewards", "voice", "savings",
)  # fmt: skip
DATASETS = (*MONTHLY_DATASETS, "equity")
# Equity looks at the last EQUITY_DAYS; a district or service whose participation is below EQUITY_SHARE of
# the city's is under-served.
EQUITY_DAYS = 90
EQUITY_SHARE = 0.5


def _percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _names(obj) -> dict:
    return {"name_fa": obj.name_fa, "name_en": obj.name_en or obj.name_fa}


def _approved_work():
    """(hours, person, shift, shift's start, service, district) of every approved completion."""
    return Completion.objects.filter(status=Completion.Status.APPROVED).values_list(
        "approved_hours", "signup__volunteer_id", "signup__shift_id", "signup__shift__starts_at",
        "signup__shift__call__service_id", "signup__shift__call__district_id",
    )  # fmt: skip


def _work_by(group_of) -> dict[tuple, dict]:
    """Approved work summed by (Jalali year, month, group_of(service id, district id)): hours, people and
    shifts."""
    groups: dict[tuple, dict] = defaultdict(lambda: {"hours": Decimal(0), "people": set(), "shifts": set()})
    for hours, person_id, shift_id, starts_at, service_id, district_id in _approved_work().iterator(
        chunk_size=CHUNK
    ):
        group = groups[(*jalali_month_of(starts_at), group_of(service_id, district_id))]
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
        for (year, month, department_id), group in _work_by(
            lambda service_id, _district_id: departments_of[service_id]
        ).items()
    ]
    return sorted(rows, key=lambda row: (-row["year"], -row["month"], row["department_id"]))


def impact_rows() -> list[dict]:
    """What the work achieved per Jalali month (of the shift), service and measure: the figures staff
    approved with the hours (a checklist item: how many reports observed it, of how many). Suppressed for
    fewer than MIN_PEOPLE people."""
    groups: dict[tuple, dict] = defaultdict(lambda: {"total": Decimal(0), "reports": 0, "people": set()})
    figures = ImpactFigure.objects.filter(
        completion__status=Completion.Status.APPROVED, approved_value__isnull=False
    ).values_list(
        "measure_id", "approved_value", "completion__signup__volunteer_id",
        "completion__signup__shift__starts_at",
    )  # fmt: skip
    for measure_id, value, person_id, starts_at in figures.iterator(chunk_size=CHUNK):
        group = groups[(*jalali_month_of(starts_at), measure_id)]
        group["total"] += value
        group["reports"] += 1
        group["people"].add(person_id)
    measures = {
        measure.pk: measure
        for measure in ImpactMeasure.objects.filter(pk__in={key[2] for key in groups}).select_related(
            "service__department"
        )
    }
    rows = []
    for (year, month, measure_id), group in groups.items():
        measure = measures[measure_id]
        service = measure.service
        shown = len(group["people"]) >= MIN_PEOPLE
        rows.append(
            {
                "year": year,
                "month": month,
                "department_id": service.department_id,
                "department": _names(service.department),
                "service": service.slug,
                "service_name": {"name_fa": service.short_name_fa, "name_en": service.short_name_en},
                "measure": measure.key,
                "measure_kind": measure.kind,
                "measure_name": {"name_fa": measure.name_fa, "name_en": measure.name_en or measure.name_fa},
                "unit": {"name_fa": measure.unit_fa, "name_en": measure.unit_en or measure.unit_fa},
                "suppressed": not shown,
                "total": str(group["total"].normalize()) if shown else None,
                "reports": group["reports"] if shown else None,
            }
        )
    return sorted(rows, key=lambda row: (-row["year"], -row["month"], row["department_id"], row["service"]))


def district_rows() -> list[dict]:
    """Verified work per Jalali month and district of the call, and people per thousand residents where the
    district's population is set. Suppressed for fewer than MIN_PEOPLE people."""
    districts = {district.pk: district for district in District.objects.all()}
    rows = []
    for (year, month, district_id), group in _work_by(lambda _service_id, district_id: district_id).items():
        district = districts[district_id]
        figures = _work_figures(group)
        rows.append(
            {
                "year": year,
                "month": month,
                "district_number": district.number,
                "district": _names(district),
                "population": district.population,
                **figures,
                "people_per_thousand": _per_thousand(figures["people"], district.population),
            }
        )
    return sorted(rows, key=lambda row: (-row["year"], -row["month"], row["district_number"]))


def _per_thousand(count: int | None, population: int | None) -> float | None:
    return None if count is None or not population else round(count * 1000 / population, 3)


def equity_rows(now=None) -> list[dict]:
    """Who the work reaches over the last EQUITY_DAYS, against the rest of the city.

    Districts: different people whose work there was approved, per thousand residents, beside the rate of
    every district whose population is set; below EQUITY_SHARE of it, the district is under-served.
    Services: the share of the places offered on their shifts that were taken, against the city's share.
    A district's people are suppressed under MIN_PEOPLE, though whether it is under-served is still said;
    a district is called under-served only where the city's rate would have reached MIN_PEOPLE people, and
    a service only where MIN_PEOPLE places would have been taken at the city's share."""
    since = (now or timezone.now()) - datetime.timedelta(days=EQUITY_DAYS)
    until = now or timezone.now()
    people: dict[int, set] = defaultdict(set)
    work = Completion.objects.filter(
        status=Completion.Status.APPROVED,
        signup__shift__starts_at__gte=since,
        signup__shift__starts_at__lt=until,
    ).values_list("signup__volunteer_id", "signup__shift__call__district_id")
    for person_id, district_id in work.iterator(chunk_size=CHUNK):
        people[district_id].add(person_id)
    districts = list(District.objects.all())
    counted = [district for district in districts if district.population]
    city_people = sum(len(people[district.pk]) for district in counted)
    city_rate = city_people * 1000 / sum(d.population for d in counted) if counted else None
    rows = []
    for district in districts:
        reached = len(people[district.pk])
        rate = reached * 1000 / district.population if district.population else None
        relative = rate / city_rate if rate is not None and city_rate else None
        shown = reached >= MIN_PEOPLE
        # Only said where the city's rate would have reached MIN_PEOPLE there: below that, a gap is chance.
        expected = city_rate * district.population / 1000 if rate is not None and city_rate else 0
        rows.append(
            {
                "kind": "district",
                "key": str(district.number),
                "district": _names(district),
                "population": district.population,
                "suppressed": not shown,
                "people": reached if shown else None,
                "people_per_thousand": _rounded(rate, 3) if shown else None,
                "relative_to_city": _rounded(relative, 2) if shown else None,
                "under_served": expected >= MIN_PEOPLE and relative < EQUITY_SHARE,
            }
        )
    places = (
        Shift.objects.filter(starts_at__gte=since, starts_at__lt=until)
        .values("call__service_id")
        .annotate(offered=Sum("capacity"), taken=Sum("confirmed_count"))
    )
    by_service = {row["call__service_id"]: (row["offered"] or 0, row["taken"] or 0) for row in places}
    offered_all = sum(offered for offered, _taken in by_service.values())
    city_fill = sum(taken for _offered, taken in by_service.values()) / offered_all if offered_all else None
    for service in Service.objects.select_related("department").order_by("department_id", "pk"):
        if service.pk not in by_service:
            continue
        offered, taken = by_service[service.pk]
        fill = taken / offered if offered else None
        relative = fill / city_fill if fill is not None and city_fill else None
        expected = city_fill * offered if city_fill else 0
        rows.append(
            {
                "kind": "service",
                "key": service.slug,
                "service_name": {"name_fa": service.short_name_fa, "name_en": service.short_name_en},
                "places_offered": offered,
                "places_taken": taken,
                "share_taken": _rounded(fill, 3),
                "relative_to_city": _rounded(relative, 2),
                "under_served": expected >= MIN_PEOPLE and relative < EQUITY_SHARE,
            }
        )
    return rows


def under_served_district_ids(now=None) -> list[int]:
    rows = equity_rows(now)
    numbers = [int(row["key"]) for row in rows if row["kind"] == "district" and row["under_served"]]
    return list(District.objects.filter(number__in=numbers).values_list("pk", flat=True))


def savings_rows() -> list[dict]:
    """Per Jalali month and department: what volunteering saved (verified hours times each service's
    contractor cost, for the services that have one) beside the value of the rewards given. Suppressed
    for fewer than MIN_PEOPLE people, as the work it comes from."""
    groups: dict[tuple, dict] = defaultdict(
        lambda: {"saved": 0, "hours_costed": Decimal(0), "hours_uncosted": Decimal(0), "people": set()}
    )
    services = {service.pk: service for service in Service.objects.all()}
    work = _approved_work().iterator(chunk_size=CHUNK)
    for hours, person_id, _shift, starts_at, service_id, _district in work:
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
    for (year, month, service_id), group in _work_by(lambda service_id, _district_id: service_id).items():
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
    for completion_id, reported_at, department_id in reports.iterator(chunk_size=CHUNK):
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


PUBLIC_PHOTO_REPORTS = 12
PHOTOS_KEY = "opencity:photos:v1"


def _public_photo_reports():
    return Completion.objects.filter(
        status=Completion.Status.APPROVED, photos_public=True, photos_withheld_at__isnull=True
    )


def public_photos() -> list[dict]:
    """The latest approved work whose reporter allowed its photos to be public and staff did not keep them
    off: service, district and month, and the photos' ids, before and after; never who did it. Kept until
    a report's publicity changes (opencity.apps)."""

    def compute() -> list[dict]:
        reports = (
            _public_photo_reports()
            .filter(photos__kind=CompletionPhoto.Kind.AFTER)
            .distinct()
            .select_related("signup__shift__call__service", "signup__shift__call__district")
            .prefetch_related("photos")
            .order_by("-signup__shift__starts_at", "-pk")[:PUBLIC_PHOTO_REPORTS]
        )
        rows = []
        for report in reports:
            call = report.signup.shift.call
            year, month = jalali_month_of(report.signup.shift.starts_at)
            photos = list(report.photos.all())
            rows.append(
                {
                    "year": year,
                    "month": month,
                    "service_name": {
                        "name_fa": call.service.short_name_fa,
                        "name_en": call.service.short_name_en,
                    },
                    "district": _names(call.district),
                    "before": [photo.pk for photo in photos if photo.kind == CompletionPhoto.Kind.BEFORE],
                    "after": [photo.pk for photo in photos if photo.kind == CompletionPhoto.Kind.AFTER],
                }
            )
        return rows

    return cache.get_or_set(PHOTOS_KEY, compute, KEPT_SECONDS)


def public_photo_get(photo_id: int) -> CompletionPhoto | None:
    """A photo the public may see now: checked on every request, so a consent taken back holds at once."""
    return CompletionPhoto.objects.filter(pk=photo_id, completion__in=_public_photo_reports()).first()


def public_photos_forget(**_payload) -> None:
    cache.delete(PHOTOS_KEY)
    version_bump()


VERSION_KEY = "opencity:version"


def version() -> str:
    """Changes whenever the figures or the public photos do: rendered parts of the page are kept under it."""
    at = computed_at()
    return f"{at.timestamp() if at else 0}-{cache.get_or_set(VERSION_KEY, 1, None)}"


def version_bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not there (a cache emptied): any new number will do
        cache.set(VERSION_KEY, int(time.time()), None)


def _rounded(value, places: int = 1):
    return None if value is None else round(value, places)


_COMPUTE = {
    "work_by_department": work_by_department_rows,
    "work": work_rows,
    "verification": verification_rows,
    "rewards": rewards_rows,
    "voice": voice_rows,
    "savings": savings_rows,
    "districts": district_rows,
    "impact": impact_rows,
    "equity": equity_rows,
}


SNAPSHOT_KEY = "opencity:snapshot:v1"
# The beat refreshes the figures every REFRESH_SECONDS; older than twice that, a reader asks for a refresh.
REFRESH_SECONDS = 300


def datasets_compute() -> tuple[dict[str, list[dict]], dict[str, float]]:
    """Every dataset computed from the records now, and the seconds each took."""
    rows, took = {}, {}
    for name, compute in _COMPUTE.items():
        start = time.perf_counter()
        rows[name] = compute()
        took[name] = time.perf_counter() - start
    return rows, took


def snapshot() -> FiguresSnapshot | None:
    """The figures as last computed: from the cache, else from the database (and kept again)."""
    kept = cache.get(SNAPSHOT_KEY)
    if kept is not None:
        return kept
    found = FiguresSnapshot.objects.filter(pk=1).first()
    if found is not None and found.computed_at is not None:
        cache.set(SNAPSHOT_KEY, found, KEPT_SECONDS)
    return found


COMPUTED_AT_KEY = "opencity:computed-at:v1"


def computed_at() -> datetime.datetime | None:
    """When the kept figures were computed: a small key of its own, so that a reader whose page part is
    kept never loads the figures themselves."""
    kept = cache.get(COMPUTED_AT_KEY)
    if kept is None:
        kept = FiguresSnapshot.objects.filter(pk=1).values_list("computed_at", flat=True).first() or ""
        cache.set(COMPUTED_AT_KEY, kept, KEPT_SECONDS)
    return kept or None


def figures_are_stale(now=None) -> bool:
    at = computed_at()
    return at is None or (now or timezone.now()) - at > datetime.timedelta(seconds=2 * REFRESH_SECONDS)


def dataset(name: str) -> list[dict]:
    """A dataset's rows as last computed (an empty list before the first computation)."""
    found = snapshot()
    return found.datasets.get(name, []) if found is not None else []


def dataset_month(name: str, year: int, month: int) -> list[dict]:
    """A monthly dataset's rows of one Jalali month: what its stable address serves."""
    return [row for row in dataset(name) if row["year"] == year and row["month"] == month]
