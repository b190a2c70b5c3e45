"""Team reservations racing individual sign-ups, assignments and the release task on PostgreSQL: threads
with their own connections, released together, never put a shift over its places or its teams over their
share, and release unassigned places exactly once. Skips without PostgreSQL (fails on CI)."""

import datetime

import pytest
from django.db.models import Sum

from campaigns.models import Shift, SignUp, TeamReservation
from campaigns.services import (
    signup_create,
    team_places_release_due,
    team_reservation_assign,
    team_reservation_create,
)
from campaigns.tests.factories import PersonFactory, add_shift, publish_call
from campaigns.tests.teams import Ngo
from campaigns.tests.test_signup_concurrency import on_postgresql, run_together  # noqa: F401

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def outcome(work):
    try:
        result = work()
    except Exception as error:  # the code is what the test compares
        return getattr(error, "code", repr(error))
    return getattr(result, "status", "reserved")


def assert_shift_consistent(shift: Shift) -> None:
    """The counters on the shift row are exactly what its rows say, and within its limits."""
    shift.refresh_from_db()
    reservations = TeamReservation.objects.filter(shift=shift)
    places = reservations.aggregate(total=Sum("places"))["total"] or 0
    assigned = reservations.aggregate(total=Sum("assigned_count"))["total"] or 0
    confirmed = SignUp.objects.filter(shift=shift, status="confirmed").count()
    assert shift.confirmed_count == confirmed
    assert shift.team_reserved_count == places <= shift.team_places
    assert shift.team_unassigned_count == places - assigned
    assert shift.confirmed_count + shift.team_unassigned_count <= shift.capacity
    for reservation in reservations:
        assert (
            reservation.assigned_count
            == SignUp.objects.filter(reservation=reservation, status="confirmed").count()
        )


def test_twenty_threads_mixing_sign_ups_and_team_reservations_never_overfill_the_shift():
    # given a shift of 10 places, 6 of them for teams, and more demand than that from both sides
    shift = add_shift(publish_call(), capacity=10, team_places=6)
    ngos = [Ngo(members=0) for _ in range(10)]
    people = PersonFactory.create_batch(10)
    jobs = [("reserve", ngo) for ngo in ngos] + [("sign up", person) for person in people]

    # when they all go at once
    def run(job):
        kind, who = job
        if kind == "reserve":
            return outcome(
                lambda: team_reservation_create(shift=shift, team=who.team, places=2, actor=who.manager)
            )
        return outcome(lambda: signup_create(shift=shift, volunteer=who))

    outcomes = run_together(run, jobs)

    # then no place was given twice, teams stayed within their share and every place went to someone
    assert_shift_consistent(shift)
    reserved = outcomes[:10].count("reserved")
    confirmed = outcomes[10:].count("confirmed")
    assert reserved <= 3
    assert set(outcomes[:10]) <= {"reserved", "team_places_full", "not_enough_places"}
    assert set(outcomes[10:]) <= {"confirmed", "waitlisted"}
    assert 2 * reserved + confirmed == 10
    assert outcomes[10:].count("waitlisted") == 10 - confirmed


def test_assignments_sign_ups_and_two_release_runs_at_once_release_once_and_fill_the_line_in_order(settings):
    # given a shift whose team holds 6 of its 8 places, 2 members assigned, and a line of 4
    settings.TEAM_PLACES_RELEASE_HOURS = 24
    shift = add_shift(publish_call(), capacity=8, team_places=6, starts_in=datetime.timedelta(days=3))
    ngo = Ngo(members=6)
    reservation = team_reservation_create(shift=shift, team=ngo.team, places=6, actor=ngo.manager)
    for member in ngo.members[:2]:
        team_reservation_assign(reservation=reservation, member=member, actor=ngo.manager)
    for person in PersonFactory.create_batch(6):
        signup_create(shift=shift, volunteer=person)  # 2 confirmed, 4 in line
    line = list(SignUp.objects.filter(shift=shift, status="waitlisted").order_by("waitlist_position"))
    newcomers = PersonFactory.create_batch(4)
    Shift.objects.filter(pk=shift.pk).update(
        starts_at=shift.starts_at - datetime.timedelta(days=2, hours=12),
        ends_at=shift.ends_at - datetime.timedelta(days=2, hours=12),
    )

    # when two release runs, two more assignments and four sign-ups all happen at once
    jobs = (
        [("release", None)] * 2
        + [("assign", member) for member in ngo.members[2:4]]
        + [("sign up", person) for person in newcomers]
    )

    def run(job):
        kind, who = job
        if kind == "release":
            return team_places_release_due()
        if kind == "assign":
            return outcome(
                lambda: team_reservation_assign(reservation=reservation, member=who, actor=ngo.manager)
            )
        return outcome(lambda: signup_create(shift=shift, volunteer=who))

    outcomes = run_together(run, jobs)

    # then the reservation was released by one run only, and the line moved up in its order
    assert sorted(outcomes[:2]) == [0, 1]
    assert_shift_consistent(shift)
    reservation.refresh_from_db()
    assert reservation.released_at is not None
    assigned = 2 + outcomes[2:4].count("confirmed")
    assert reservation.places == reservation.assigned_count == assigned
    assert reservation.released_places == 6 - assigned
    assert shift.confirmed_count == shift.capacity == 8
    statuses = [SignUp.objects.get(pk=signup.pk).status for signup in line]
    promoted = statuses.count("confirmed")
    assert statuses == ["confirmed"] * promoted + ["waitlisted"] * (4 - promoted)
