"""Charts drawn on the server as inline SVG: the figures, and the geometry that places them.

Selectors return `Datum` lists; `core.templatetags.charts` turns them into SVG through
templates/includes/charts/. No JavaScript and no external files: a chart is readable as soon as the page
is, on a 390px phone, and mirrors itself on right-to-left pages (the first item and the value axis sit
on the reader's starting side). Every number shown goes through `core.localization.format_number`, so
Persian pages show Persian digits.

The drawing is in viewBox units and scales with the width of its container; the text scales with it.
"""

import dataclasses
import datetime
import math
from decimal import Decimal

import jdatetime
from django.utils import timezone

from core.localization import JALALI_MONTHS_FA, format_number, is_persian, localize_digits

Number = int | Decimal


@dataclasses.dataclass(frozen=True)
class Datum:
    """One bar: `label` as the table and the bar's tooltip name it, `short_label` under the bar when the
    full one is too long (a month's name without its year); `total`, when given, is drawn as the track
    that `value` fills (e.g. places assigned out of places reserved)."""

    label: str
    value: Number
    short_label: str = ""
    total: Number | None = None
    key: str = ""


# --- Jalali months -----------------------------------------------------------------------------------


def month_keys(count: int, *, now: datetime.datetime | None = None) -> list[str]:
    """The last `count` Jalali months up to now's (Tehran time), oldest first, as "YYYY-MM"."""
    today = timezone.localtime(now or timezone.now()).date()
    jalali = jdatetime.date.fromgregorian(date=today)
    year, month = jalali.year, jalali.month
    keys = []
    for _step in range(count):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    keys.reverse()
    return keys


def month_key_of(day: datetime.date) -> str:
    jalali = jdatetime.date.fromgregorian(date=day)
    return f"{jalali.year:04d}-{jalali.month:02d}"


def month_start(key: str) -> datetime.datetime:
    """Midnight (Tehran time) at the start of the Jalali month `key`."""
    year, month = (int(part) for part in key.split("-"))
    first_day = jdatetime.date(year, month, 1).togregorian()
    return timezone.make_aware(datetime.datetime.combine(first_day, datetime.time.min))


def month_name(key: str, language: str | None = None) -> str:
    """The month's name alone: "مرداد" in Persian, "Mordad" in English."""
    year, month = (int(part) for part in key.split("-"))
    if is_persian(language):
        return JALALI_MONTHS_FA[month - 1]
    return jdatetime.date(year, month, 1).strftime("%B")


def month_label(key: str, language: str | None = None) -> str:
    """ "مرداد ۱۴۰۴" in Persian, "Mordad 1404" in English."""
    return f"{month_name(key, language)} {localize_digits(int(key[:4]), language)}"


def months_data(keys: list[str], values: dict[str, Number]) -> list[Datum]:
    """One bar per month of `keys`, zero where `values` has nothing."""
    return [
        Datum(label=month_label(key), short_label=month_name(key), value=values.get(key, 0), key=key)
        for key in keys
    ]


def fold_days_into_months(rows, *, day_field: str, value_field: str) -> dict[str, Number]:
    """Sums per day (grouped by the database in the site's time zone) added up per Jalali month."""
    months: dict[str, Number] = {}
    for row in rows:
        if row[day_field] is None:
            continue
        key = month_key_of(row[day_field])
        months[key] = months.get(key, 0) + (row[value_field] or 0)
    return months


# --- Geometry ----------------------------------------------------------------------------------------

WIDTH = 360
FONT = 11
SMALL_FONT = 9


def nice_ceiling(value: Number) -> Number:
    """The smallest 1, 2, 2.5 or 5 × 10ⁿ at or above `value`: a top for the value axis with round ticks."""
    if value <= 0:
        return 1
    exponent = math.floor(math.log10(float(value)))
    for step in (1, 2, 2.5, 5, 10):
        candidate = Decimal(str(step)) * Decimal(10) ** exponent
        if candidate >= value:
            return int(candidate) if candidate == candidate.to_integral_value() else candidate
    return 10 ** (exponent + 1)  # pragma: no cover - the loop always ends at 10 × 10ⁿ


def _x(position: float, *, rtl: bool) -> float:
    """A horizontal position measured from the reader's starting side."""
    return round(WIDTH - position if rtl else position, 2)


def value_axis(largest: Number, *, most_ticks: int = 5) -> tuple[Number, list[Number]]:
    """The top of the value axis and its ticks from zero, a round step apart (1, 2, 2.5 or 5 × 10ⁿ, at
    least 1), with no more than `most_ticks` steps."""
    step = max(nice_ceiling(Decimal(str(largest)) / most_ticks), 1) if largest > 0 else 1
    steps = max(math.ceil(Decimal(str(largest)) / Decimal(str(step))), 1)
    ticks = [step * index for index in range(steps + 1)]
    return ticks[-1], ticks


def column_layout(data: list[Datum], *, rtl: bool) -> dict:
    """Vertical bars, oldest first from the reader's start; the value axis on the starting side."""
    axis_width, end_pad, top, plot_height, label_room = 40, 6, 14, 150, 62
    plot_width = WIDTH - axis_width - end_pad
    top_value, ticks = value_axis(max((datum.value for datum in data), default=0))
    baseline = top + plot_height
    step = plot_width / max(len(data), 1)
    bar_width = step * 0.62
    rotation = 45 if rtl else -45

    def height_of(value: Number) -> float:
        return round(float(value) / float(top_value) * plot_height, 2) if value > 0 else 0

    grid = [
        {
            "y": round(baseline - height_of(value), 2),
            "label": format_number(value),
            "label_x": _x(axis_width - 5, rtl=rtl),
        }
        for value in ticks
    ]
    bars = []
    for index, datum in enumerate(data):
        centre = axis_width + step * index + step / 2
        height = height_of(datum.value)
        x = _x(centre + (-bar_width / 2 if not rtl else bar_width / 2), rtl=rtl)
        bars.append(
            {
                "datum": datum,
                "x": x,
                "y": round(baseline - height, 2),
                "width": round(bar_width, 2),
                "height": height,
                "centre": _x(centre, rtl=rtl),
                "value_y": round(baseline - height - 4, 2),
                "value_text": format_number(datum.value) if datum.value else "",
                "label_y": baseline + 12,
                "label": datum.short_label or datum.label,
                "rotation": rotation,
            }
        )
    return {
        "width": WIDTH,
        "height": baseline + label_room,
        "baseline": baseline,
        "plot_start": _x(axis_width, rtl=rtl),
        "plot_end": _x(WIDTH - end_pad, rtl=rtl),
        "grid": grid,
        "bars": bars,
        "font": FONT,
        "small_font": SMALL_FONT,
    }


def row_layout(data: list[Datum], *, rtl: bool) -> dict:
    """Horizontal bars, one per row, each under its label (labels never get cut short on a phone); bars
    grow from the reader's starting side, the figure just past the bar's end."""
    pad, row_height, label_height, bar_height = 4, 40, 15, 16
    bar_room = (WIDTH - 2 * pad) * 0.74
    top_value = max((max(datum.value, datum.total or 0) for datum in data), default=0) or 1
    rows = []
    for index, datum in enumerate(data):
        top = index * row_height
        length = round(float(datum.value) / float(top_value) * bar_room, 2) if datum.value > 0 else 0
        track = None
        if datum.total is not None:
            track = round(float(datum.total) / float(top_value) * bar_room, 2) if datum.total > 0 else 0
        drawn = max(length, track or 0)
        value_text = format_number(datum.value)
        rows.append(
            {
                "datum": datum,
                "label_x": _x(pad, rtl=rtl),
                "label_y": top + label_height - 3,
                "bar_y": top + label_height + 2,
                "bar_x": _x(pad + length, rtl=rtl) if rtl else _x(pad, rtl=rtl),
                "bar_width": length,
                "track_x": (_x(pad + track, rtl=rtl) if rtl else _x(pad, rtl=rtl))
                if track is not None
                else None,
                "track_width": track,
                "value_x": _x(pad + drawn + 5, rtl=rtl),
                "value_y": top + label_height + 2 + bar_height - 4,
                "value_text": value_text,
                "total_text": format_number(datum.total) if datum.total is not None else "",
            }
        )
    return {
        "width": WIDTH,
        "height": max(len(data), 1) * row_height + pad,
        "rows": rows,
        "bar_height": bar_height,
        "font": FONT,
        "small_font": SMALL_FONT,
    }
