"""Presentation in the reader's language: bilingual fields, Jalali dates and Persian digits.

Domain content that exists in both languages is stored as `<field>_fa` and `<field>_en`; readers get the
field of the active language, falling back to Persian (the city's language) when English is missing.
"""

import datetime
import functools
from decimal import Decimal

import jdatetime
from django.urls import reverse, translate_url
from django.utils import timezone, translation

PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
# Persian and Arabic-Indic digits typed by people, read back as ASCII digits.
ASCII_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")

JALALI_MONTHS_FA = (
    "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
    "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
)  # fmt: skip
JALALI_MONTHS_EN = (
    "Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar",
    "Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand",
)  # fmt: skip
JALALI_WEEKDAYS_FA = ("شنبه", "یکشنبه", "دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه")


def is_persian(language: str | None = None) -> bool:
    return (language or translation.get_language() or "fa").startswith("fa")


def localized(obj, field: str, language: str | None = None) -> str:
    """The `field` of `obj` in the active language, falling back to Persian."""
    if not is_persian(language):
        value = getattr(obj, f"{field}_en", "")
        if value:
            return value
    return getattr(obj, f"{field}_fa")


def persian_digits(value) -> str:
    return str(value).translate(PERSIAN_DIGITS)


def ascii_digits(value: str) -> str:
    return value.translate(ASCII_DIGITS)


def localize_digits(value, language: str | None = None) -> str:
    """Persian digits on Persian pages, ASCII digits on English ones."""
    text = str(value)
    return persian_digits(text) if is_persian(language) else text


def format_number(value, language: str | None = None) -> str:
    """A number with thousands grouped, in the reader's digits (Persian uses the Arabic thousands sign)."""
    if isinstance(value, Decimal):
        text = f"{value:,f}"  # every digit the value holds: 0.898 stays 0.898
    elif isinstance(value, float):
        text = f"{value:,.2f}"
    else:
        text = f"{int(value):,}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if is_persian(language):
        text = text.replace(",", "٬").replace(".", "٫")
        return persian_digits(text)
    return text


class LocalNumber(int):
    """A whole number that prints in the digits of the language active when it is printed: for lazy
    messages (formatted now, rendered later in the reader's language) that also choose a plural by it."""

    def __str__(self) -> str:
        return format_number(int(self))


def format_fixed(value, places: int, language: str | None = None) -> str:
    """A number with exactly `places` decimals, as a study publishes its figures (4.00, 0.940), in the
    reader's digits and decimal sign."""
    text = f"{float(value):,.{places}f}"
    if is_persian(language):
        return persian_digits(text.replace(",", "٬").replace(".", "٫"))
    return text


def format_date(
    value: datetime.date | datetime.datetime,
    *,
    with_time: bool = False,
    with_weekday: bool = False,
    language: str | None = None,
) -> str:
    """A date for people: Jalali with Persian month names in Persian, Gregorian in English.

    Aware datetimes are shown in the site's time zone (Asia/Tehran).
    """
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    # The offset is part of the key: an aware datetime equals the same instant in any other zone.
    offset = value.utcoffset() if isinstance(value, datetime.datetime) else None
    return _format_date(value, offset, with_time, with_weekday, is_persian(language))


# A page shows the same few dates many times (each shift's start in its row, its button, its calendar link)
# and converting to the Jalali calendar is the costly part: the answers are kept per process.
@functools.lru_cache(maxsize=8192)
def _format_date(
    value: datetime.date | datetime.datetime,
    offset: datetime.timedelta | None,
    with_time: bool,
    with_weekday: bool,
    persian: bool,
) -> str:
    if persian:
        jalali = (
            jdatetime.datetime.fromgregorian(datetime=value)
            if isinstance(value, datetime.datetime)
            else jdatetime.date.fromgregorian(date=value)
        )
        text = f"{jalali.day} {JALALI_MONTHS_FA[jalali.month - 1]} {jalali.year}"
        if with_weekday:
            text = f"{JALALI_WEEKDAYS_FA[jalali.weekday()]} {text}"
        if with_time and isinstance(value, datetime.datetime):
            text = f"{text}، ساعت {value:%H:%M}"
        return persian_digits(text)
    text = f"{value.day} {value:%B %Y}"
    if with_weekday:
        text = f"{value:%A} {text}"
    if with_time and isinstance(value, datetime.datetime):
        text = f"{text}, {value:%H:%M}"
    return text


def jalali_month_of(value: datetime.datetime) -> tuple[int, int]:
    """The (year, month) of the Jalali calendar a moment falls in, in the site's time zone."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return _jalali_month_of_day(value.date())


@functools.lru_cache(maxsize=4096)
def _jalali_month_of_day(day: datetime.date) -> tuple[int, int]:
    # figures over many rows ask for few days: the conversion is done once a day
    jalali = jdatetime.date.fromgregorian(date=day)
    return jalali.year, jalali.month


def format_jalali_month(year: int, month: int, language: str | None = None) -> str:
    """A month of the city's calendar: «آذر ۱۴۰۵»; in English its transliterated name with the Gregorian
    months it spans ("Azar 1405 (Nov–Dec 2026)"), since English readers see Gregorian dates elsewhere."""
    if is_persian(language):
        return persian_digits(f"{JALALI_MONTHS_FA[month - 1]} {year}")
    first = jdatetime.date(year, month, 1).togregorian()
    last = (jdatetime.date(year, month, 1) + datetime.timedelta(days=32)).replace(day=1).togregorian()
    last -= datetime.timedelta(days=1)
    span = f"{first:%b}–{last:%b %Y}" if first.year == last.year else f"{first:%b %Y}–{last:%b %Y}"
    return f"{JALALI_MONTHS_EN[month - 1]} {year} ({span})"


def url_in_language(request, language_code: str) -> str:
    """The address of the request's page in `language_code`, with its query string; the home page in that
    language when the address has no counterpart there (a page that does not exist, say).

    A link rather than a form posting to `set_language`: the language of a page is its address prefix
    (/en/), so a link says everything, works without a session, and leaves the page free of a CSRF token,
    the same for every reader.
    """
    with translation.override(language_code):
        home = reverse("wagtail_serve", args=[""])
    if request is None:
        return home
    current = request.get_full_path()
    translated = translate_url(current, language_code)
    if translated == current and translation.get_language() != language_code:
        return home
    return translated
