"""Reads of citizen voice: the public list and pages, the author's view, the staff inbox, and the
monitoring figures, which are computed from the timeline and nothing typed in."""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from city.models import Department, Holiday
from city.permissions import departments_for_staff
from city.working_time import working_hours_between
from core.localization import jalali_month_of

from .models import Category, Item, Step

PUBLIC_STATUSES = (Item.Status.OPEN, Item.Status.ANSWERED, Item.Status.REOPENED, Item.Status.CLOSED)


def subjects() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).select_related("department")


def public_items(
    *, kind: str = "", department: int | None = None, district: int | None = None, status: str = ""
):
    """Published items (never merged ones), newest first, filtered as the public list asks."""
    items = (
        Item.objects.filter(published_at__isnull=False, status__in=PUBLIC_STATUSES)
        .select_related("department", "category", "district")
        .order_by("-published_at", "-pk")
    )
    if kind:
        items = items.filter(kind=kind)
    if department:
        items = items.filter(department_id=department)
    if district:
        items = items.filter(district_id=district)
    if status == "awaiting":
        items = items.filter(status__in=[Item.Status.OPEN, Item.Status.REOPENED])
    elif status in Item.Status.values:
        items = items.filter(status=status)
    return items


def public_item(tracking_code: str) -> Item | None:
    return public_items().filter(tracking_code=tracking_code).first()


def item_by_code(tracking_code: str) -> Item | None:
    return Item.objects.select_related("department", "category").filter(tracking_code=tracking_code).first()


def item_for_author(tracking_code: str, key: str) -> Item | None:
    item = item_by_code(tracking_code)
    if item is None or not key or not _same(item.author_key, key):
        return None
    return item


def _same(expected: str, given: str) -> bool:
    from django.utils.crypto import constant_time_compare

    return constant_time_compare(expected, given)


def items_of(user) -> QuerySet[Item]:
    return Item.objects.filter(author=user).select_related("department", "category").order_by("-received_at")


def timeline(item: Item) -> list[Step]:
    return list(item.steps.select_related("department", "to_department", "actor"))


def staff_inbox(*, user, show: str = "awaiting") -> QuerySet[Item]:
    """The items of the departments the member of staff acts for (transferred ones follow their new
    department), never a complaint about their own decision; the most pressing first."""
    items = (
        Item.objects.filter(department__in=departments_for_staff(user=user))
        .exclude(not_for=user)
        .select_related("department", "category", "district")
    )
    now = timezone.now()
    if show == "awaiting":
        items = items.filter(status__in=[Item.Status.OPEN, Item.Status.REOPENED]).order_by("due_at", "pk")
    elif show == "overdue":
        items = items.filter(status__in=[Item.Status.OPEN, Item.Status.REOPENED], due_at__lt=now).order_by(
            "due_at", "pk"
        )
    elif show == "answered":
        items = items.filter(status__in=[Item.Status.ANSWERED, Item.Status.CLOSED]).order_by("-answered_at")
    else:
        items = items.order_by("-received_at", "-pk")
    return items


def staff_item(*, user, item_id: int) -> Item | None:
    return staff_inbox(user=user, show="all").filter(pk=item_id).first()


# --- Monitoring ------------------------------------------------------------------------------------------


def _percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile: a value someone actually waited, not an interpolation."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass
class MonthFigures:
    """One department's month: items received in it and how they were answered."""

    department: Department
    year: int
    month: int
    received: int = 0
    answered: int = 0
    answered_in_time: int = 0
    reopened: int = 0
    hours_to_answer: list[float] = field(default_factory=list)
    hours_to_close: list[float] = field(default_factory=list)
    ratings: list[int] = field(default_factory=list)

    @property
    def share_in_time(self) -> float | None:
        return self.answered_in_time / self.answered if self.answered else None

    @property
    def reopen_rate(self) -> float | None:
        return self.reopened / self.answered if self.answered else None

    @property
    def median_to_answer(self) -> float | None:
        return _percentile(self.hours_to_answer, 0.5)

    @property
    def p90_to_answer(self) -> float | None:
        return _percentile(self.hours_to_answer, 0.9)

    @property
    def median_to_close(self) -> float | None:
        return _percentile(self.hours_to_close, 0.5)

    @property
    def p90_to_close(self) -> float | None:
        return _percentile(self.hours_to_close, 0.9)

    @property
    def average_rating(self) -> float | None:
        return sum(self.ratings) / len(self.ratings) if self.ratings else None


def _first(
    steps: list[Step], actions: tuple[str, ...], after: datetime.datetime | None = None
) -> Step | None:
    for step in steps:
        if step.action in actions and (after is None or step.at >= after):
            return step
    return None


def monitoring(
    *, since: datetime.datetime | None = None, department: int | None = None
) -> list[MonthFigures]:
    """Per department and Jalali month of receipt: received, answered within target, median and 90th
    percentile working hours to the first answer and to the close, the share reopened and the average
    rating. Computed from every item's timeline: the department is the one that answered it (else the one
    holding it), and the target the one in force where it was answered, counted from when it got there."""
    from .services import target_hours

    items = Item.objects.exclude(status=Item.Status.MERGED)
    if since is not None:
        items = items.filter(received_at__gte=since)
    steps_by_item: dict[int, list[Step]] = defaultdict(list)
    for step in (
        Step.objects.filter(item__in=items)
        .order_by("at", "pk")
        .only("item_id", "action", "at", "department_id", "to_department_id", "rating")
    ):
        steps_by_item[step.item_id].append(step)
    departments = {found.pk: found for found in Department.objects.all()}
    # Read once: counting working hours for every item would otherwise ask for the holidays each time.
    holidays = set(Holiday.objects.values_list("date", flat=True))
    targets: dict[tuple[str, int], int] = {}
    figures: dict[tuple[int, int, int], MonthFigures] = {}
    for item in items.only("pk", "kind", "department_id", "received_at"):
        steps = steps_by_item.get(item.pk, [])
        received = _first(steps, (Step.Action.RECEIVED,))
        if received is None:
            continue
        answer = _first(steps, (Step.Action.ANSWERED,))
        department_id = answer.department_id if answer else item.department_id
        if department is not None and department_id != department:
            continue
        year, month = jalali_month_of(received.at)
        key = (department_id, year, month)
        month_figures = figures.setdefault(key, MonthFigures(departments[department_id], year, month))
        month_figures.received += 1
        if answer is None:
            continue
        month_figures.answered += 1
        month_figures.hours_to_answer.append(working_hours_between(received.at, answer.at, holidays=holidays))
        # The clock of the department that answered started when the item reached it.
        arrived = received.at
        for step in steps:
            if step.at > answer.at:
                break
            if step.action == Step.Action.TRANSFERRED and step.to_department_id == department_id:
                arrived = step.at
        if (item.kind, department_id) not in targets:
            targets[(item.kind, department_id)] = target_hours(
                kind=item.kind, department=departments[department_id]
            )
        target = targets[(item.kind, department_id)]
        if working_hours_between(arrived, answer.at, holidays=holidays) <= target:
            month_figures.answered_in_time += 1
        closed = _first(steps, (Step.Action.RATED, Step.Action.CLOSED), after=answer.at)
        if closed is not None:
            to_close = working_hours_between(received.at, closed.at, holidays=holidays)
            month_figures.hours_to_close.append(to_close)
        if any(step.action == Step.Action.REOPENED for step in steps):
            month_figures.reopened += 1
        month_figures.ratings.extend(
            step.rating for step in steps if step.action == Step.Action.RATED and step.rating
        )
    return sorted(
        figures.values(),
        key=lambda found: (-found.year, -found.month, found.department.sort_order, found.department.pk),
    )


def map_points(items: QuerySet[Item]) -> list[dict]:
    """The public items that have a place, for the map (nothing but what the public page shows)."""
    return [
        {
            "code": item.tracking_code,
            "title": item.shown_title,
            "kind": item.kind,
            "status": item.status,
            "lat": float(item.latitude),
            "lng": float(item.longitude),
        }
        for item in items.filter(~Q(latitude=None), ~Q(longitude=None))[:500]
    ]
