"""Targets count the city's working time: its week and its holidays, in its time zone."""

import datetime
import zoneinfo

import pytest
from django.test import override_settings

from city.models import Holiday
from city.working_time import working_deadline, working_hours_between

TEHRAN = zoneinfo.ZoneInfo("Asia/Tehran")
pytestmark = pytest.mark.django_db


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=TEHRAN)


def test_hours_within_one_working_day():
    # Saturday 5 December 2026, 09:00 + 3 working hours.
    assert working_deadline(at(5, 9), 3) == at(5, 12)


def test_a_deadline_carries_over_the_evening_and_the_weekly_day_off():
    # Thursday 10 December works 07:30–12:30 (1.5 h left at 11:00); Friday is off; Saturday opens at 07:30.
    assert working_deadline(at(10, 11), 3) == at(12, 9)


def test_received_out_of_hours_counts_from_the_next_opening():
    # Wednesday 22:00: nothing counts until Thursday 07:30.
    assert working_deadline(at(9, 22), 1) == at(10, 8, 30)


def test_a_holiday_is_skipped():
    Holiday.objects.create(date=datetime.date(2026, 12, 12), name_fa="تعطیل")
    assert working_deadline(at(10, 11), 3) == at(13, 9)


def test_working_hours_between_two_moments():
    # Thursday 11:00 → Saturday 09:30: 1.5 h on Thursday and 2 h on Saturday.
    assert working_hours_between(at(10, 11), at(12, 9, 30)) == pytest.approx(3.5)
    assert working_hours_between(at(12, 9, 30), at(10, 11)) == 0


@override_settings(CITY_WORKING_HOURS={0: ("09:00", "17:00")})
def test_the_week_is_configurable():
    # Only Mondays, 9 to 5: Saturday noon + 10 h → Monday 7 December 17:00 (8 h) then Monday 14th 11:00.
    assert working_deadline(at(5, 12), 10) == at(14, 11)


def test_staff_see_the_holidays_with_their_jalali_day(client):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", "root@example.org", "a-long-secret-9")
    client.force_login(admin)
    response = client.get("/admin/snippets/city/holiday/")
    assert response.status_code == 200
    assert "نوروز" in response.content.decode()
    assert "فروردین" in response.content.decode()
