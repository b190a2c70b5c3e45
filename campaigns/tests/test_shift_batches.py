"""Staff make shifts in bulk: a weekly series with dates to skip, or a copy of a call's shifts moved by some
days. Dates are the city's (Asia/Tehran, which keeps +03:30 all year since 2022), previews list what will be
made, and making a batch twice makes nothing the second time."""

import datetime

import jdatetime
import pytest
from django.utils import timezone

from campaigns.errors import CampaignErrorCode, ShiftBatchRefused
from campaigns.models import CallSchedule, Shift
from campaigns.selectors import call_list
from campaigns.services import (
    SHIFT_BATCH_MAX,
    PlannedShiftState,
    ShiftSeries,
    shift_copy_create,
    shift_copy_plan,
    shift_series_create,
    shift_series_plan,
)
from campaigns.tests.factories import add_shift, publish_call
from campaigns.tests.test_admin_calls import staff_of
from core.errors import DomainError

pytestmark = pytest.mark.django_db

MONDAY, FRIDAY, SATURDAY = 0, 4, 5
TEHRAN = datetime.timedelta(hours=3, minutes=30)


def jalali(year, month, day) -> datetime.date:
    return jdatetime.date(year, month, day).togregorian()


def series(**fields) -> ShiftSeries:
    values = {
        "weekdays": frozenset({FRIDAY}),
        "first_date": jalali(1405, 9, 20),
        "last_date": jalali(1405, 10, 15),
        "starts_at": datetime.time(8, 0),
        "duration": datetime.timedelta(hours=3, minutes=30),
        "capacity": 12,
        "team_places": 4,
        "checkin_radius_m": 150,
        **fields,
    }
    return ShiftSeries(**values)


@pytest.fixture
def long_ago():
    """A `now` before every date the tests plan, so that none of them is in the past."""
    return timezone.make_aware(datetime.datetime(2025, 1, 1))


@pytest.fixture
def staff():
    return staff_of("urban_services")


def jalali_starts(shifts) -> list[str]:
    return [
        jdatetime.datetime.fromgregorian(datetime=timezone.localtime(shift.starts_at)).strftime(
            "%Y/%m/%d %H:%M"
        )
        for shift in shifts
    ]


def test_a_weekly_series_runs_across_a_jalali_month_boundary(staff, long_ago):
    call = publish_call()

    batch = shift_series_plan(call=call, series=series(), actor=staff, now=long_ago)

    # Fridays from Friday 20 Azar to 15 Dey 1405 (Azar has 30 days): both ends included.
    assert jalali_starts(batch.shifts) == [
        "1405/09/20 08:00", "1405/09/27 08:00", "1405/10/04 08:00", "1405/10/11 08:00",
    ]  # fmt: skip
    assert [timezone.localtime(shift.starts_at).date() for shift in batch.shifts] == [
        datetime.date(2026, 12, 11), datetime.date(2026, 12, 18), datetime.date(2026, 12, 25),
        datetime.date(2027, 1, 1),
    ]  # fmt: skip
    assert all(timezone.localtime(shift.starts_at).weekday() == FRIDAY for shift in batch.shifts)
    assert [shift.ends_at - shift.starts_at for shift in batch.shifts] == [datetime.timedelta(hours=3.5)] * 4
    assert {(s.capacity, s.team_places, s.checkin_radius_m, s.state) for s in batch.shifts} == {
        (12, 4, 150, PlannedShiftState.NEW)
    }
    assert not Shift.objects.filter(call=call).exists()  # a plan makes nothing


def test_the_series_keeps_its_hour_over_nowruz_as_tehran_has_no_daylight_saving(staff, long_ago):
    call = publish_call()
    # Saturdays and Mondays from 20 Esfand 1405 to 20 Farvardin 1406: across the year's end and the days
    # Tehran's clocks used to go forward (1-2 Farvardin).
    plan = series(
        weekdays=frozenset({SATURDAY, MONDAY}),
        first_date=jalali(1405, 12, 20),
        last_date=jalali(1406, 1, 20),
        starts_at=datetime.time(17, 30),
        duration=datetime.timedelta(hours=2),
    )

    batch = shift_series_plan(call=call, series=plan, actor=staff, now=long_ago)

    assert jalali_starts(batch.shifts) == [
        "1405/12/22 17:30", "1405/12/24 17:30", "1405/12/29 17:30", "1406/01/02 17:30",
        "1406/01/07 17:30", "1406/01/09 17:30", "1406/01/14 17:30", "1406/01/16 17:30",
    ]  # fmt: skip
    assert {timezone.localtime(shift.starts_at).utcoffset() for shift in batch.shifts} == {TEHRAN}
    assert {shift.starts_at.astimezone(datetime.UTC).time() for shift in batch.shifts} == {
        datetime.time(14, 0)
    }


def test_a_shift_over_midnight_ends_the_next_day(staff, long_ago):
    call = publish_call()
    plan = series(starts_at=datetime.time(22, 0), duration=datetime.timedelta(hours=4))

    first = shift_series_plan(call=call, series=plan, actor=staff, now=long_ago).shifts[0]

    assert timezone.localtime(first.ends_at) == timezone.localtime(first.starts_at) + datetime.timedelta(
        hours=4
    )
    assert timezone.localtime(first.ends_at).time() == datetime.time(2, 0)


def test_dates_to_skip_are_left_out_and_listed(staff, long_ago):
    call = publish_call()
    holiday = jalali(1405, 9, 27)
    not_in_the_series = jalali(1405, 9, 28)  # a Saturday

    batch = shift_series_plan(
        call=call,
        series=series(skip_dates=frozenset({holiday, not_in_the_series})),
        actor=staff,
        now=long_ago,
    )

    assert jalali_starts(batch.shifts) == ["1405/09/20 08:00", "1405/10/04 08:00", "1405/10/11 08:00"]
    assert batch.skipped_dates == (holiday,)


def test_making_a_series_twice_makes_its_shifts_once(staff):
    call = publish_call()
    today = timezone.localdate()
    plan = series(
        weekdays=frozenset(range(7)),
        first_date=today + datetime.timedelta(days=1),
        last_date=today + datetime.timedelta(days=14),
    )
    # A shift the call already has at one of the series' times is left as it is.
    already = Shift.objects.create(
        call=call,
        starts_at=timezone.make_aware(datetime.datetime.combine(plan.first_date, plan.starts_at)),
        ends_at=timezone.make_aware(datetime.datetime.combine(plan.first_date, datetime.time(9))),
        capacity=3,
    )

    first = shift_series_create(call=call, series=plan, actor=staff)
    second = shift_series_create(call=call, series=plan, actor=staff)

    assert len(first.created) == 13 and len(first.existing) == 1
    assert second.created == () and len(second.existing) == 14
    assert Shift.objects.filter(call=call).count() == 14
    assert Shift.objects.get(pk=already.pk).capacity == 3


def test_days_already_past_are_not_made(staff):
    call = publish_call()
    today = timezone.localdate()
    plan = series(
        weekdays=frozenset(range(7)),
        first_date=today - datetime.timedelta(days=3),
        last_date=today + datetime.timedelta(days=3),
        starts_at=datetime.time(0, 0),
    )

    batch = shift_series_create(call=call, series=plan, actor=staff)

    assert len(batch.past) == 4 and len(batch.created) == 3
    assert all(shift.starts_at > timezone.now() for shift in Shift.objects.filter(call=call))


def test_a_series_is_limited_in_size(staff, long_ago):
    call = publish_call()
    every_day = frozenset(range(7))
    first = jalali(1405, 1, 1)

    just_enough = shift_series_plan(
        call=call,
        series=series(
            weekdays=every_day, first_date=first, last_date=first + datetime.timedelta(SHIFT_BATCH_MAX - 1)
        ),
        actor=staff,
        now=long_ago,
    )
    with pytest.raises(ShiftBatchRefused) as refused:
        shift_series_create(
            call=call,
            series=series(
                weekdays=every_day, first_date=first, last_date=first + datetime.timedelta(SHIFT_BATCH_MAX)
            ),
            actor=staff,
        )
    with pytest.raises(ShiftBatchRefused):  # a series of centuries is refused before its dates are listed
        shift_series_plan(
            call=call, series=series(weekdays=every_day, last_date=datetime.date(9999, 1, 1)), actor=staff
        )

    assert len(just_enough.shifts) == SHIFT_BATCH_MAX
    assert refused.value.code == CampaignErrorCode.SHIFT_BATCH_TOO_LARGE
    assert "۲۰۱" in str(refused.value.message) and "۲۰۰" in str(refused.value.message)
    assert not Shift.objects.filter(call=call).exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"weekdays": frozenset()},
        {"last_date": jalali(1405, 9, 1)},
        {"duration": datetime.timedelta(0)},
        {"duration": datetime.timedelta(hours=25)},
        {"capacity": 0},
        {"team_places": 13},
    ],
)
def test_a_series_that_makes_no_sense_is_refused(staff, fields):
    with pytest.raises(ShiftBatchRefused) as refused:
        shift_series_plan(call=publish_call(), series=series(**fields), actor=staff)

    assert refused.value.code == CampaignErrorCode.SHIFT_BATCH_INVALID


def test_only_staff_of_the_calls_department_make_its_shifts():
    call = publish_call()
    other = staff_of("traffic")

    with pytest.raises(DomainError) as refused:
        shift_series_create(call=call, series=series(), actor=other)

    assert refused.value.code == CampaignErrorCode.NOT_DEPARTMENT_STAFF
    assert not Shift.objects.filter(call=call).exists()


def test_the_listing_shows_the_next_shift_of_a_series_as_soon_as_it_is_made(staff):
    call = publish_call()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    plan = series(
        weekdays=frozenset(range(7)),
        first_date=tomorrow,
        last_date=tomorrow + datetime.timedelta(days=20),
        capacity=5,
        team_places=0,
    )

    batch = shift_series_create(call=call, series=plan, actor=staff)

    first_start = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(8)))
    schedule = CallSchedule.objects.get(call=call)
    assert (schedule.next_shift_starts_at, schedule.free_places) == (first_start, 21 * 5)
    assert schedule.valid_until == batch.created[0].signup_deadline
    listed = call_list().get(pk=call.pk)
    assert (listed.next_shift_starts_at, listed.free_places) == (first_start, 105)


def test_the_listing_page_shows_the_series_next_shift_and_free_places(client, staff):
    from campaigns.services import call_index_ensure
    from core.localization import format_date

    call = publish_call()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    shift_series_create(
        call=call,
        series=series(weekdays=frozenset(range(7)), first_date=tomorrow, last_date=tomorrow, capacity=7),
        actor=staff,
    )

    page = client.get(call_index_ensure().url, {"has_free_places": "on"}).content.decode()

    first_start = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(8)))
    assert call.title in page
    assert format_date(first_start, with_time=True, with_weekday=True, language="fa") in page


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_listings_kept_counts_by_date_are_forgotten_when_a_series_is_made(staff):
    # Counts are kept only outside transactions: this test commits.
    from django.core.cache import cache

    from campaigns.selectors import CallFilters, call_list_count

    cache.clear()
    call = publish_call()
    in_a_week = timezone.localdate() + datetime.timedelta(days=7)
    by_date = CallFilters(date_from=in_a_week, date_to=in_a_week)
    assert call_list_count(filters=by_date) == 0  # now kept in the cache

    shift_series_create(
        call=call,
        series=series(weekdays=frozenset(range(7)), first_date=in_a_week, last_date=in_a_week),
        actor=staff,
    )

    assert call_list_count(filters=by_date) == 1
    cache.clear()


# --- Copies -------------------------------------------------------------------------------------------


def test_a_calls_shifts_are_copied_to_another_call_of_the_department(staff):
    source = publish_call()
    target = publish_call()
    first = add_shift(source, starts_in=datetime.timedelta(days=3), capacity=8, team_places=2)
    Shift.objects.filter(pk=first.pk).update(signups_close_at=first.starts_at - datetime.timedelta(hours=2))
    add_shift(source, starts_in=datetime.timedelta(days=10), capacity=5, checkin_radius_m=80)

    batch = shift_copy_create(source=source, target=target, offset=datetime.timedelta(0), actor=staff)
    again = shift_copy_create(source=source, target=target, offset=datetime.timedelta(0), actor=staff)

    copies = list(Shift.objects.filter(call=target).order_by("starts_at"))
    originals = list(Shift.objects.filter(call=source).order_by("starts_at"))
    assert len(batch.created) == 2 and again.created == ()
    assert [(c.starts_at, c.ends_at, c.capacity, c.team_places, c.checkin_radius_m, c.signups_close_at)
            for c in copies] == [
        (o.starts_at, o.ends_at, o.capacity, o.team_places, o.checkin_radius_m, o.signups_close_at)
        for o in originals
    ]  # fmt: skip
    assert CallSchedule.objects.get(call=target).next_shift_starts_at == originals[0].starts_at


def test_an_earlier_week_is_copied_a_week_later_keeping_the_hour(staff):
    call = publish_call()
    week = series(
        weekdays=frozenset({SATURDAY, MONDAY}),
        first_date=timezone.localdate() + datetime.timedelta(days=1),
        last_date=timezone.localdate() + datetime.timedelta(days=7),
    )
    made = shift_series_create(call=call, series=week, actor=staff).created

    batch = shift_copy_create(
        source=call,
        target=call,
        offset=datetime.timedelta(weeks=1),
        first_date=week.first_date,
        last_date=week.last_date,
        actor=staff,
    )

    assert len(made) == 2 and len(batch.created) == 2
    assert [shift.starts_at for shift in batch.created] == [
        shift.starts_at + datetime.timedelta(weeks=1) for shift in made
    ]
    assert {timezone.localtime(shift.starts_at).time() for shift in batch.created} == {datetime.time(8)}


def test_copies_that_would_be_in_the_past_are_not_made(staff):
    call = publish_call()
    soon = add_shift(call, starts_in=datetime.timedelta(days=1))

    batch = shift_copy_create(source=call, target=call, offset=datetime.timedelta(days=-7), actor=staff)

    assert [shift.state for shift in batch.shifts] == [PlannedShiftState.PAST]
    assert list(Shift.objects.filter(call=call)) == [soon]


def test_copies_stay_within_the_department_and_the_limit(staff):
    source = publish_call()
    elsewhere = publish_call(service_slug="street-traffic-information")
    add_shift(source)

    with pytest.raises(DomainError):
        shift_copy_plan(source=source, target=elsewhere, offset=datetime.timedelta(0), actor=staff_of_both())
    with pytest.raises(ShiftBatchRefused):
        shift_copy_plan(source=source, target=source, offset=datetime.timedelta(0), actor=staff)

    Shift.objects.bulk_create(
        Shift(
            call=source,
            starts_at=timezone.now() + datetime.timedelta(days=2, hours=n),
            ends_at=timezone.now() + datetime.timedelta(days=2, hours=n + 1),
            capacity=1,
        )
        for n in range(SHIFT_BATCH_MAX)
    )
    with pytest.raises(ShiftBatchRefused) as refused:
        shift_copy_plan(source=source, target=source, offset=datetime.timedelta(days=7), actor=staff)
    assert refused.value.code == CampaignErrorCode.SHIFT_BATCH_TOO_LARGE


def staff_of_both():
    from campaigns.tests.factories import PersonFactory

    return PersonFactory(is_superuser=True, is_staff=True)
