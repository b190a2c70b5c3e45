import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from core import localization


@pytest.mark.parametrize(
    ("gregorian", "jalali"),
    [
        (datetime.date(2026, 3, 21), "۱ فروردین ۱۴۰۵"),  # Nowruz 1405
        (datetime.date(2026, 11, 22), "۱ آذر ۱۴۰۵"),
        (datetime.date(2025, 3, 20), "۳۰ اسفند ۱۴۰۳"),  # last day of a leap year
    ],
)
def test_persian_dates_are_jalali_with_persian_digits(gregorian, jalali):
    assert localization.format_date(gregorian, language="fa") == jalali


def test_english_dates_are_gregorian():
    assert localization.format_date(datetime.date(2026, 3, 21), language="en") == "21 March 2026"


def test_aware_datetimes_are_shown_in_tehran_time():
    # 21:00 UTC on 20 March is 00:30 on 21 March in Tehran: already the new year.
    moment = datetime.datetime(2026, 3, 20, 21, 0, tzinfo=ZoneInfo("UTC"))

    assert localization.format_date(moment, with_time=True, language="fa") == "۱ فروردین ۱۴۰۵، ساعت ۰۰:۳۰"
    assert localization.format_date(moment, with_time=True, with_weekday=True, language="en") == (
        "Saturday 21 March 2026, 00:30"
    )


def test_the_same_instant_is_shown_in_whichever_time_zone_is_active():
    # format_date keeps its answers per process: the same instant in another zone is another answer.
    moment = datetime.datetime(2026, 3, 20, 20, 0, tzinfo=datetime.UTC)
    shown = []
    for zone in ("Asia/Tehran", "UTC", "Asia/Tehran"):
        with timezone.override(ZoneInfo(zone)):
            shown.append(localization.format_date(moment, with_time=True, language="en"))
    assert shown == ["20 March 2026, 23:30", "20 March 2026, 20:00", "20 March 2026, 23:30"]
    assert localization.format_date(datetime.date(2026, 3, 21), language="en") == "21 March 2026"
    assert localization.format_date(datetime.datetime(2026, 3, 21, 0, 0), with_time=True, language="en") == (
        "21 March 2026, 00:00"
    )


def test_numbers_use_persian_digits_and_separators_in_persian():
    assert localization.format_number(1234567, language="fa") == "۱٬۲۳۴٬۵۶۷"
    assert localization.format_number(Decimal("4.50"), language="fa") == "۴٫۵"
    assert localization.format_number(1234567, language="en") == "1,234,567"
    assert localization.format_number(Decimal("0.898"), language="fa") == "۰٫۸۹۸"
    assert localization.format_number(Decimal("0.962"), language="en") == "0.962"
    assert localization.format_number(Decimal("12000"), language="en") == "12,000"


def test_figures_keep_their_published_decimals():
    assert localization.format_fixed(4, 2, language="en") == "4.00"
    assert localization.format_fixed(0.94, 3, language="en") == "0.940"
    assert localization.format_fixed(Decimal("3.5"), 2, language="fa") == "۳٫۵۰"
    assert localization.format_fixed(1234.5, 1, language="fa") == "۱٬۲۳۴٫۵"


def test_typed_persian_and_arabic_digits_read_as_ascii():
    assert localization.ascii_digits("۰۹۱۲ ٣٤٥") == "0912 345"


class Bilingual:
    name_fa = "نام"
    name_en = ""


def test_bilingual_fields_fall_back_to_persian_when_english_is_missing():
    thing = Bilingual()

    with translation.override("en"):
        assert localization.localized(thing, "name") == "نام"
    thing.name_en = "Name"
    with translation.override("en"):
        assert localization.localized(thing, "name") == "Name"
    with translation.override("fa"):
        assert localization.localized(thing, "name") == "نام"


def test_a_local_number_prints_in_the_digits_of_the_language_active_when_printed():
    number = localization.LocalNumber(5)
    with translation.override("fa"):
        assert str(number) == "۵"
    with translation.override("en"):
        assert str(number) == "5"
    assert number + 1 == 6
