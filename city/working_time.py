"""The city's working time: the hours its offices work on each day of the week, less its holidays.

Targets the city sets itself ("a complaint is answered within three working days") count only this time:
an item received on a Wednesday afternoon is not late on Saturday morning because a weekend and a holiday
passed. The week is configured in settings.CITY_WORKING_HOURS (weekday → opening and closing time, in the
city's time zone; Python's weekdays, so Saturday is 5), the holidays are `Holiday` rows staff keep.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from .models import Holiday

# Iran's public offices: Saturday to Wednesday 7:30–14:30, Thursday morning; Friday is the weekly day off.
DEFAULT_WORKING_HOURS = {
    5: ("07:30", "14:30"),
    6: ("07:30", "14:30"),
    0: ("07:30", "14:30"),
    1: ("07:30", "14:30"),
    2: ("07:30", "14:30"),
    3: ("07:30", "12:30"),
}
# A target further than this is a mistake in the configuration, not a real promise to a citizen.
MAX_DAYS_AHEAD = 366


def _clock(text: str) -> datetime.time:
    hours, minutes = text.split(":")
    return datetime.time(int(hours), int(minutes))


def working_week() -> dict[int, tuple[datetime.time, datetime.time]]:
    configured = getattr(settings, "CITY_WORKING_HOURS", None) or DEFAULT_WORKING_HOURS
    week = {int(day): (_clock(opens), _clock(closes)) for day, (opens, closes) in configured.items()}
    if not any(opens < closes for opens, closes in week.values()):
        raise ImproperlyConfigured("CITY_WORKING_HOURS has no working hours on any day.")
    return week


def _holidays_between(first: datetime.date, last: datetime.date) -> set[datetime.date]:
    return set(Holiday.objects.filter(date__range=(first, last)).values_list("date", flat=True))


def _working_periods(start: datetime.datetime, days: int, holidays: Iterable[datetime.date] | None = None):
    """The city's working periods (aware datetimes) from the day of `start` on, for `days` days."""
    zone = timezone.get_default_timezone()
    local_start = timezone.localtime(start, zone)
    first_day = local_start.date()
    week = working_week()
    closed = (
        set(holidays)
        if holidays is not None
        else _holidays_between(first_day, first_day + datetime.timedelta(days=days))
    )
    for offset in range(days):
        day = first_day + datetime.timedelta(days=offset)
        if day in closed or day.weekday() not in week:
            continue
        opens, closes = week[day.weekday()]
        if opens >= closes:
            continue
        yield (
            timezone.make_aware(datetime.datetime.combine(day, opens), zone),
            timezone.make_aware(datetime.datetime.combine(day, closes), zone),
        )


def working_deadline(
    start: datetime.datetime, hours: float, *, holidays: Iterable[datetime.date] | None = None
) -> datetime.datetime:
    """The moment `hours` of the city's working time have passed after `start`."""
    left = datetime.timedelta(hours=float(hours))
    if left <= datetime.timedelta(0):
        return start
    for opens, closes in _working_periods(start, MAX_DAYS_AHEAD, holidays):
        begin = max(opens, start)
        if begin >= closes:
            continue
        if begin + left <= closes:
            return begin + left
        left -= closes - begin
    raise ImproperlyConfigured(f"{hours} working hours do not fit in {MAX_DAYS_AHEAD} days.")


def working_hours_between(
    start: datetime.datetime, end: datetime.datetime, *, holidays: Iterable[datetime.date] | None = None
) -> float:
    """How many of the city's working hours lie between `start` and `end`."""
    if end <= start:
        return 0.0
    days = (timezone.localtime(end).date() - timezone.localtime(start).date()).days + 1
    total = datetime.timedelta(0)
    for opens, closes in _working_periods(start, days, holidays):
        begin, finish = max(opens, start), min(closes, end)
        if finish > begin:
            total += finish - begin
    return total.total_seconds() / 3600
