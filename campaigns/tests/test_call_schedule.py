"""The denormalised figures the sign-up burst and the listing read: each call's CallSchedule (next shift's
start, free places over the shifts not ended) and each shift's last place in line. After every service that
changes shifts or places they must equal what the rows themselves say."""

import datetime

import pytest
from django.utils import timezone

from campaigns.models import CallSchedule, Shift, SignUp
from campaigns.selectors import CallFilters, call_list
from campaigns.services import (
    call_schedules_refresh_stale,
    signup_cancel,
    signup_create,
    signup_staff_cancel,
    team_places_release_due,
    team_reservation_assign,
    team_reservation_create,
    team_reservation_resize,
    team_reservation_unassign,
)
from campaigns.tests.factories import PersonFactory, add_shift, publish_call
from campaigns.tests.teams import Ngo

pytestmark = pytest.mark.django_db


def from_the_shifts(call, now=None) -> tuple:
    """What the schedule should hold: the shifts still taking sign-ups (not under way, not past their
    closing time), the first start, their free places, and the first closing time, when it goes stale."""
    now = now or timezone.now()
    upcoming = [shift for shift in Shift.objects.filter(call=call) if shift.signup_deadline > now]
    return (
        min((shift.starts_at for shift in upcoming), default=None),
        sum(shift.capacity - shift.confirmed_count - shift.team_unassigned_count for shift in upcoming),
        min((shift.signup_deadline for shift in upcoming), default=None),
    )


def stored(call) -> tuple:
    schedule = CallSchedule.objects.get(call=call)
    return schedule.next_shift_starts_at, schedule.free_places, schedule.valid_until


def assert_schedule_right(call, *, free: int) -> None:
    assert stored(call) == from_the_shifts(call)
    assert stored(call)[1] == free


def test_a_new_call_has_a_schedule_with_nothing_ahead():
    call = publish_call()

    assert stored(call) == (None, 0, None)
    assert [listed.pk for listed in call_list()] == [call.pk]


def test_adding_editing_and_deleting_shifts_rewrites_the_schedule():
    call = publish_call()
    later = add_shift(call, starts_in=datetime.timedelta(days=5), capacity=4)
    assert_schedule_right(call, free=4)

    sooner = add_shift(call, starts_in=datetime.timedelta(days=1), capacity=3)
    assert_schedule_right(call, free=7)
    assert stored(call)[0] == sooner.starts_at

    sooner.capacity = 6
    sooner.save()
    assert_schedule_right(call, free=10)

    sooner.delete()
    assert_schedule_right(call, free=4)
    assert stored(call)[0] == later.starts_at
    add_shift(call, starts_in=-datetime.timedelta(days=3))
    assert_schedule_right(call, free=4)


def test_sign_ups_cancellations_and_promotions_keep_free_places_right():
    call = publish_call()
    shift = add_shift(call, capacity=2)
    add_shift(call, starts_in=datetime.timedelta(days=4), capacity=5)
    first, second, waiting = (signup_create(shift=shift, volunteer=PersonFactory()) for _ in range(3))
    assert [first.status, second.status, waiting.status] == ["confirmed", "confirmed", "waitlisted"]
    assert_schedule_right(call, free=5)

    signup_cancel(signup=first)  # the first in line takes the place
    waiting.refresh_from_db()
    assert waiting.status == SignUp.Status.CONFIRMED
    assert_schedule_right(call, free=5)

    staff = PersonFactory()
    signup_staff_cancel(signup=second, actor=staff, reason="The shift has fewer tasks")
    assert_schedule_right(call, free=6)


def test_team_reservations_keep_free_places_right():
    ngo = Ngo(members=2)
    call = publish_call()
    shift = add_shift(call, capacity=6, team_places=4)

    reservation = team_reservation_create(shift=shift, team=ngo.team, places=3, actor=ngo.manager)
    assert_schedule_right(call, free=3)
    team_reservation_assign(reservation=reservation, member=ngo.members[0], actor=ngo.manager)
    assert_schedule_right(call, free=3)
    reservation = team_reservation_resize(reservation=reservation, places=4, actor=ngo.manager)
    assert_schedule_right(call, free=2)
    reservation = team_reservation_resize(reservation=reservation, places=2, actor=ngo.manager)
    assert_schedule_right(call, free=4)
    team_reservation_unassign(reservation=reservation, member_id=ngo.members[0].pk, actor=ngo.manager)
    assert_schedule_right(call, free=4)


def test_released_team_places_return_to_the_free_places():
    ngo = Ngo(members=1)
    call = publish_call()
    shift = add_shift(call, capacity=5, team_places=3)
    team_reservation_create(shift=shift, team=ngo.team, places=3, actor=ngo.manager)
    assert_schedule_right(call, free=2)

    later = timezone.now() + datetime.timedelta(days=1, hours=23)
    assert team_places_release_due(now=later) == 1
    assert_schedule_right(call, free=5)


def test_a_schedule_made_stale_by_a_shift_starting_is_read_right_and_rewritten_by_beat():
    call = publish_call()
    first = add_shift(call, starts_in=datetime.timedelta(days=1), hours=2, capacity=3)
    second = add_shift(call, starts_in=datetime.timedelta(days=3), capacity=7)
    # The first shift is under way: sign-ups have closed, so it is no longer the call's next shift and its
    # places are not free to anyone.
    while_the_first_is_on = first.starts_at + datetime.timedelta(minutes=1)

    listed = call_list(now=while_the_first_is_on).get()
    assert (listed.next_shift_starts_at, listed.free_places) == (second.starts_at, 7)
    assert stored(call)[0] == first.starts_at  # stale until beat runs

    assert call_schedules_refresh_stale(now=while_the_first_is_on) == 1
    expected = (second.starts_at, 7, second.starts_at)
    assert stored(call) == from_the_shifts(call, now=while_the_first_is_on) == expected
    assert call_schedules_refresh_stale(now=while_the_first_is_on) == 0


def test_a_shift_whose_sign_ups_closed_is_not_the_next_and_its_places_are_not_free():
    call = publish_call()
    closing_now = add_shift(call, starts_in=datetime.timedelta(days=1), capacity=5)
    closes_at = timezone.now() + datetime.timedelta(minutes=1)
    Shift.objects.filter(pk=closing_now.pk).update(signups_close_at=closes_at)
    later = add_shift(call, starts_in=datetime.timedelta(days=4), capacity=2)
    after_closing = timezone.now() + datetime.timedelta(minutes=2)

    listed = call_list(now=after_closing).get()

    assert (listed.next_shift_starts_at, listed.free_places) == (later.starts_at, 2)


def test_the_listing_orders_by_the_schedule_and_filters_free_places():
    full_soon = publish_call()
    add_shift(full_soon, starts_in=datetime.timedelta(days=1), capacity=1)
    signup_create(shift=Shift.objects.get(call=full_soon), volunteer=PersonFactory())
    later = publish_call()
    add_shift(later, starts_in=datetime.timedelta(days=2))
    nothing_ahead = publish_call()

    assert [call.pk for call in call_list()] == [full_soon.pk, later.pk, nothing_ahead.pk]
    assert [call.pk for call in call_list(filters=CallFilters(has_free_places=True))] == [later.pk]


def test_places_in_line_are_never_given_twice():
    shift = add_shift(publish_call(), capacity=1)
    signup_create(shift=shift, volunteer=PersonFactory())
    line = [signup_create(shift=shift, volunteer=PersonFactory()) for _ in range(3)]
    assert [signup.waitlist_position for signup in line] == [1, 2, 3]

    signup_cancel(signup=line[-1])
    latecomer = signup_create(shift=shift, volunteer=PersonFactory())

    shift.refresh_from_db()
    assert latecomer.waitlist_position == 4
    assert shift.waitlist_last_position == 4


def test_staff_editing_a_shift_never_writes_back_the_last_place_in_line():
    shift = add_shift(publish_call(), capacity=1)
    edited = Shift.objects.get(pk=shift.pk)  # as a staff form loaded it, before the sign-ups
    for _ in range(3):
        signup_create(shift=shift, volunteer=PersonFactory())

    edited.capacity = 2
    edited.save()

    shift.refresh_from_db()
    assert (shift.capacity, shift.waitlist_last_position) == (2, 2)
