"""Leaderboard periods: all time, and Jalali months in the city's time zone.

A month's key is "YYYY-MM" in the Jalali calendar ("1404-05" is Mordad 1404): the municipality, its
volunteers and its reports count months the Jalali way, and a month ends at midnight Tehran time, not UTC.
"""

import datetime

import jdatetime
from django.utils import timezone

from core.localization import JALALI_MONTHS_FA, is_persian, localize_digits

ALL_TIME = "all"


def month_key(moment: datetime.datetime | None = None) -> str:
    """The Jalali month `moment` falls in (now when None), as "YYYY-MM"."""
    moment = moment or timezone.now()
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    jalali = jdatetime.date.fromgregorian(date=moment.date())
    return f"{jalali.year:04d}-{jalali.month:02d}"


def periods_of(moment: datetime.datetime) -> tuple[str, str]:
    """The periods a ledger entry made at `moment` counts in."""
    return (ALL_TIME, month_key(moment))


def month_label(key: str, language: str | None = None) -> str:
    """ "مرداد ۱۴۰۴" in Persian, "Mordad 1404" in English."""
    year, month = (int(part) for part in key.split("-"))
    if is_persian(language):
        return f"{JALALI_MONTHS_FA[month - 1]} {localize_digits(year, language)}"
    return f"{jdatetime.date(year, month, 1).strftime('%B')} {year}"
