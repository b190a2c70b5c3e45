from django import template

from core.localization import format_fixed, format_jalali_month, format_number

register = template.Library()


@register.simple_tag
def jalali_month(year: int, month: int) -> str:
    return format_jalali_month(year, month)


@register.filter
def share(value) -> str:
    """A share as a whole percentage in the reader's digits; a dash when there is nothing to share."""
    if value is None:
        return "—"
    return f"{format_number(round(value * 100))}٪" if format_number(1) == "۱" else f"{round(value * 100)}%"


@register.filter
def hours(value) -> str:
    if value is None:
        return "—"
    return format_fixed(value, 1)
