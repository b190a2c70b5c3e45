"""Dates as people type them: Jalali (۱۳۷۰/۰۶/۳۱) or Gregorian (1991-09-22), in any digits."""

import datetime
import re

import jdatetime

from core.localization import ascii_digits

from .errors import ProfileInvalid

# Year, month and day separated by "-", "/", "." or the Arabic decimal separator "٫" that Persian keyboards
# put where others have ".".
DATE_PATTERN = re.compile(r"^(\d{4})\s*[-/.\u066b]\s*(\d{1,2})\s*[-/.\u066b]\s*(\d{1,2})$")
# Jalali years are in the 1300s and 1400s, Gregorian ones in the 1900s and 2000s: a year below this is Jalali.
FIRST_GREGORIAN_YEAR = 1700


def date_parse(text: str | None, *, field: str = "date_of_birth") -> datetime.date | None:
    """The date in `text`, None when it is empty; ProfileInvalid (naming `field`) when it is no date."""
    value = ascii_digits(text or "").strip()
    if not value:
        return None
    match = DATE_PATTERN.match(value)
    if not match:
        raise ProfileInvalid.date(field)
    year, month, day = (int(part) for part in match.groups())
    try:
        if year < FIRST_GREGORIAN_YEAR:
            return jdatetime.date(year, month, day).togregorian()
        return datetime.date(year, month, day)
    except ValueError:
        raise ProfileInvalid.date(field) from None


def jalali_text(value: datetime.date | None) -> str:
    """The date as year/month/day in the Jalali calendar with ASCII digits, as the profile form shows it."""
    if value is None:
        return ""
    jalali = jdatetime.date.fromgregorian(date=value)
    return f"{jalali.year:04}/{jalali.month:02}/{jalali.day:02}"
