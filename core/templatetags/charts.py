"""`{% load charts %}`: bar charts drawn on the server as inline SVG (see cms/charts.py).

    {% column_chart data title=_("Verified hours per month") unit=_("hours") %}
    {% bar_chart data title=_("Points by service") unit=_("points") %}

Each chart is a titled <figure> holding an SVG (role="img", with <title> and a <desc> that sums it up)
and a visually hidden table of the same figures for screen readers; with nothing to show, a short note
instead of an empty drawing.
"""

import itertools

from django import template
from django.utils import translation
from django.utils.translation import gettext as _

from core import charts
from core.localization import format_number

register = template.Library()

_chart_numbers = itertools.count(1)


def _summary(data: list[charts.Datum], unit: str) -> str:
    """The <desc>: how many bars, the total, and the largest one, in words."""
    total = sum(datum.value for datum in data)
    biggest = max(data, key=lambda datum: datum.value)
    return _("%(count)s bars, %(total)s %(unit)s in all; the largest is %(label)s with %(value)s.") % {
        "count": format_number(len(data)),
        "total": format_number(total),
        "unit": unit,
        "label": biggest.label,
        "value": format_number(biggest.value),
    }


def _context(data, *, title: str, unit: str, label_heading: str, empty: str, total_heading: str = ""):
    data = list(data or [])
    has_figures = any(datum.value or datum.total for datum in data)
    rtl = translation.get_language_bidi()
    return {
        "chart_id": f"chart-{next(_chart_numbers)}",
        "title": title,
        "unit": unit,
        "label_heading": label_heading or _("Item"),
        "total_heading": total_heading,
        "empty": empty or _("Nothing to show yet."),
        "data": data,
        "has_figures": has_figures,
        "description": _summary(data, unit) if has_figures else "",
        "direction": "rtl" if rtl else "ltr",
        "rtl": rtl,
    }


@register.inclusion_tag("includes/charts/column_chart.html")
def column_chart(data, title: str, unit: str = "", label_heading: str = "", empty: str = ""):
    """Vertical bars, e.g. one per month, oldest first from the reader's starting side."""
    context = _context(data, title=title, unit=unit, label_heading=label_heading, empty=empty)
    if context["has_figures"]:
        context["layout"] = charts.column_layout(context["data"], rtl=context["rtl"])
    return context


@register.inclusion_tag("includes/charts/bar_chart.html")
def bar_chart(
    data, title: str, unit: str = "", label_heading: str = "", empty: str = "", total_heading: str = ""
):
    """Horizontal bars, one per row under its label; with `total_heading`, each datum's `total` is the
    track its value fills (the table gets a column for it)."""
    context = _context(
        data, title=title, unit=unit, label_heading=label_heading, empty=empty, total_heading=total_heading
    )
    if context["has_figures"]:
        context["layout"] = charts.row_layout(context["data"], rtl=context["rtl"])
    return context
