"""Staff add and list shifts in their own calendar: Jalali dates in Persian digits typed or picked in
the Persian admin, Gregorian in the English one."""

import datetime

import pytest
from django.utils import timezone, translation

from campaigns.forms import LocalDateTimeField
from campaigns.models import Shift
from campaigns.tests.factories import add_shift, publish_call
from campaigns.tests.test_admin_calls import staff_of

pytestmark = pytest.mark.django_db


def local(year, month, day, hour, minute=0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


@pytest.mark.parametrize(
    "typed",
    [
        "۱۴۰۵/۰۹/۱۴ ۰۴:۰۰",  # Persian digits, as a Persian keyboard types them
        "1405/09/14 04:00",
        "1405/9/14 4:00",
        "2026-12-05 04:00",
        "2026-12-05T04:00",  # what a datetime-local input sends
        "٢٠٢٦-١٢-٠٥ ٠٤:٠٠",  # Arabic-Indic digits
    ],
)
def test_a_shift_time_is_read_in_either_calendar_and_any_digits(typed):
    assert LocalDateTimeField().clean(typed) == local(2026, 12, 5, 4)


@pytest.mark.parametrize("typed", ["1405/13/01 04:00", "1405/09/14", "tomorrow", "1405/09/14 25:00"])
def test_a_shift_time_that_is_not_one_is_refused_with_an_example(typed):
    from django.core.exceptions import ValidationError

    with translation.override("en"), pytest.raises(ValidationError, match="1405/09/14 08:30"):
        LocalDateTimeField().clean(typed)


def test_staff_add_a_shift_typing_jalali_dates_in_persian_digits(client):
    call = publish_call()
    client.force_login(staff_of("urban_services"))

    form = client.get(f"/admin/campaigns_shift/new/?call={call.pk}").content.decode()
    response = client.post(
        "/admin/campaigns_shift/new/",
        {
            "call": call.pk,
            "starts_at": "۱۴۰۵/۰۹/۱۴ ۰۴:۰۰",
            "ends_at": "۱۴۰۵/۰۹/۱۴ ۰۷:۳۰",
            "capacity": "۱۰",
            "team_places": "0",
            "checkin_radius_m": "200",
            "signups_close_at": "",
        },
    )

    assert "data-date-picker" in form and "js/jalali-picker.js" in form
    assert response.status_code == 302, response.content.decode()[:2000]
    shift = Shift.objects.get(call=call)
    assert (shift.starts_at, shift.ends_at) == (local(2026, 12, 5, 4), local(2026, 12, 5, 7, 30))


def test_the_shift_form_and_list_show_times_in_the_readers_calendar(client):
    call = publish_call()
    shift = add_shift(call)
    Shift.objects.filter(pk=shift.pk).update(
        starts_at=local(2026, 12, 5, 4), ends_at=local(2026, 12, 5, 7, 30)
    )
    client.force_login(staff_of("urban_services"))

    persian_form = client.get(f"/admin/campaigns_shift/edit/{shift.pk}/").content.decode()
    persian_list = client.get("/admin/campaigns_shift/").content.decode()

    assert 'value="۱۴۰۵/۰۹/۱۴ ۰۴:۰۰"' in persian_form
    assert "۱۴ آذر ۱۴۰۵" in persian_list and "۰۷:۳۰" in persian_list
    assert "2026-12-05" not in persian_list and "04:00" not in persian_list
