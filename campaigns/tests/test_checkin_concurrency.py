"""Check-ins racing on PostgreSQL: the same scan submitted many times at once checks a person in (or out)
exactly once, and overlapping no-show runs mark each person once and keep the shift's count right.
Threads have their own database connections (see test_signup_concurrency.py for the harness)."""

import datetime

import pytest
from django.db.models import F

from campaigns.checkin import services as checkin
from campaigns.models import Shift, SignUp
from campaigns.tests.factories import PersonFactory, add_shift, publish_call
from campaigns.tests.test_signup_concurrency import on_postgresql, run_together  # noqa: F401 (fixture)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCANS = 10


def confirmed(shift: Shift, count: int) -> list[SignUp]:
    Shift.objects.filter(pk=shift.pk).update(confirmed_count=F("confirmed_count") + count)
    return [
        SignUp.objects.create(shift=shift, volunteer=person, status=SignUp.Status.CONFIRMED)
        for person in PersonFactory.create_batch(count)
    ]


def scan_at(shift: Shift, signup: SignUp, now: datetime.datetime):
    token = checkin.checkin_token_issue(shift=shift, now=now).token

    def scan(_):
        result = checkin.checkin_scan(token=token, volunteer=signup.volunteer, shift_id=shift.pk, now=now)
        return result.status, result.repeated

    return scan


def test_ten_simultaneous_scans_check_in_once_and_never_check_out():
    shift = add_shift(publish_call())
    [signup] = confirmed(shift, 1)
    arrived = shift.starts_at

    outcomes = run_together(scan_at(shift, signup, arrived), range(SCANS))

    assert sorted(outcomes) == [("checked_in", False)] + [("checked_in", True)] * (SCANS - 1)
    signup.refresh_from_db()
    assert (signup.checked_in_at, signup.checked_out_at) == (arrived, None)


def test_ten_simultaneous_scans_after_checking_in_check_out_once():
    shift = add_shift(publish_call())
    [signup] = confirmed(shift, 1)
    SignUp.objects.filter(pk=signup.pk).update(checked_in_at=shift.starts_at)
    left = shift.ends_at

    outcomes = run_together(scan_at(shift, signup, left), range(SCANS))

    assert sorted(outcomes) == [("checked_out", False)] + [("checked_out", True)] * (SCANS - 1)
    signup.refresh_from_db()
    assert signup.checked_out_at == left


def test_overlapping_no_show_runs_mark_each_person_once():
    call = publish_call()
    shifts = [
        add_shift(call, starts_in=datetime.timedelta(days=-1, hours=hour), capacity=10) for hour in (0, 4)
    ]
    for shift in shifts:
        came, *_ = confirmed(shift, 6)
        SignUp.objects.filter(pk=came.pk).update(checked_in_at=shift.starts_at)

    marked = run_together(lambda _: checkin.signups_mark_no_shows(), range(4))

    assert sum(marked) == 10
    for shift in shifts:
        shift.refresh_from_db()
        assert shift.confirmed_count == 1
        assert SignUp.objects.filter(shift=shift, status=SignUp.Status.NO_SHOW).count() == 5
