"""Groups and single people racing for the last places on PostgreSQL: a group gets all its places or none,
the shift never holds more people than places, and its counter is exactly the places of those confirmed
(guests included), also after cancellations hand places down the line at the same moment."""

import pytest

from campaigns.models import Shift, SignUp
from campaigns.services import signup_cancel, signup_create
from campaigns.tests.factories import PersonFactory, add_shift, publish_call
from campaigns.tests.test_signup_concurrency import run_together
from tests.pytest_servers import require_postgresql

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def on_postgresql(request):
    require_postgresql(request, "Parallel sign-ups need PostgreSQL's row locks.")


def places_of_confirmed(shift: Shift) -> int:
    return sum(signup.places for signup in SignUp.objects.filter(shift=shift, status=SignUp.Status.CONFIRMED))


def test_groups_and_singles_racing_never_overfill_and_the_counter_stays_exact():
    shift = add_shift(publish_call(max_guests=3), capacity=10)
    people = [(PersonFactory(), ["الف", "ب"] if index % 2 else []) for index in range(16)]

    run_together(lambda entry: signup_create(shift=shift, volunteer=entry[0], guest_names=entry[1]), people)

    shift.refresh_from_db()
    assert shift.confirmed_count == places_of_confirmed(shift) <= shift.capacity
    # Nobody who would have fitted was left waiting: a single person always fits while a place is free.
    assert (
        shift.capacity - shift.confirmed_count < 1
        or not SignUp.objects.filter(shift=shift, status=SignUp.Status.WAITLISTED, guests=0).exists()
    )
    assert SignUp.objects.filter(shift=shift).count() == 16


def test_cancellations_at_once_hand_places_down_the_line_exactly():
    shift = add_shift(publish_call(max_guests=3), capacity=6)
    holders = [signup_create(shift=shift, volunteer=PersonFactory(), guest_names=["الف"]) for _ in range(3)]
    for index in range(8):
        signup_create(
            shift=shift, volunteer=PersonFactory(), guest_names=["ب", "پ"] if index % 3 == 0 else []
        )

    run_together(lambda signup: signup_cancel(signup=signup), holders)

    shift.refresh_from_db()
    assert shift.confirmed_count == places_of_confirmed(shift) <= shift.capacity
    # The freed places went down the line: whoever still waits is a group too big for what is left.
    free = shift.capacity - shift.confirmed_count
    waiting = SignUp.objects.filter(shift=shift, status=SignUp.Status.WAITLISTED)
    assert waiting.exists() and all(signup.places > free for signup in waiting)
    assert shift.confirmed_count >= shift.capacity - 2
