import datetime

import pytest

from campaigns.errors import SignUpConflict, SignUpRefused
from campaigns.models import SignUp
from campaigns.services import call_close, signup_cancel, signup_create
from campaigns.tests.factories import PersonFactory, add_shift, publish_call

pytestmark = pytest.mark.django_db


def test_people_are_confirmed_until_the_shift_is_full_then_wait_in_line():
    shift = add_shift(publish_call(), capacity=2)
    people = PersonFactory.create_batch(4)

    signups = [signup_create(shift=shift, volunteer=person) for person in people]

    assert [(s.status, s.waitlist_position) for s in signups] == [
        ("confirmed", None),
        ("confirmed", None),
        ("waitlisted", 1),
        ("waitlisted", 2),
    ]
    shift.refresh_from_db()
    assert shift.confirmed_count == 2 and shift.free_places == 0


def test_a_cancelled_place_goes_to_the_first_in_line_and_they_are_told(
    django_capture_on_commit_callbacks, mailoutbox
):
    shift = add_shift(publish_call(), capacity=1)
    first, second, third = PersonFactory.create_batch(3)
    confirmed = signup_create(shift=shift, volunteer=first)
    signup_create(shift=shift, volunteer=second)
    signup_create(shift=shift, volunteer=third)

    with django_capture_on_commit_callbacks(execute=True):
        signup_cancel(signup=confirmed)

    statuses = dict(SignUp.objects.filter(shift=shift).values_list("volunteer__username", "status"))
    assert statuses == {
        first.username: "cancelled",
        second.username: "confirmed",
        third.username: "waitlisted",
    }
    shift.refresh_from_db()
    assert shift.confirmed_count == 1
    assert [message.to for message in mailoutbox] == [[second.email]]


def test_cancelling_the_last_confirmed_place_with_nobody_waiting_frees_it():
    shift = add_shift(publish_call(), capacity=3)
    signup = signup_create(shift=shift, volunteer=PersonFactory())

    signup_cancel(signup=signup)

    shift.refresh_from_db()
    assert shift.confirmed_count == 0
    with pytest.raises(SignUpConflict):
        signup_cancel(signup=signup)


def test_nobody_signs_up_twice_for_one_shift_but_may_again_after_cancelling():
    shift = add_shift(publish_call())
    person = PersonFactory()
    signup = signup_create(shift=shift, volunteer=person)

    with pytest.raises(SignUpConflict) as refused:
        signup_create(shift=shift, volunteer=person)
    assert refused.value.code == "already_signed_up"

    signup_cancel(signup=signup)
    assert signup_create(shift=shift, volunteer=person).status == "confirmed"


@pytest.mark.parametrize(
    ("make_shift", "code"),
    [
        (lambda call: add_shift(call, starts_in=datetime.timedelta(hours=-5), hours=2), "shift_over"),
        (
            lambda call: add_shift(
                call, signups_close_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=1)
            ),
            "signups_closed",
        ),
    ],
)
def test_past_shifts_and_passed_deadlines_take_no_sign_ups(make_shift, code):
    shift = make_shift(publish_call())

    with pytest.raises(SignUpRefused) as refused:
        signup_create(shift=shift, volunteer=PersonFactory())

    assert refused.value.code == code
    assert not SignUp.objects.exists()


def test_closed_and_unpublished_calls_take_no_sign_ups():
    closed_call, unpublished_call = publish_call(), publish_call()
    closed_shift, unpublished_shift = add_shift(closed_call), add_shift(unpublished_call)
    call_close(call=closed_call, actor=None)
    unpublished_call.unpublish()

    for shift in (closed_shift, unpublished_shift):
        with pytest.raises(SignUpRefused) as refused:
            signup_create(shift=shift, volunteer=PersonFactory())
        assert refused.value.code == "call_closed"


def test_a_confirmed_place_cannot_be_given_up_online_after_the_cutoff(settings):
    settings.SIGNUP_CANCELLATION_CUTOFF_MINUTES = 120
    shift = add_shift(publish_call(), starts_in=datetime.timedelta(minutes=90), capacity=1)
    confirmed = signup_create(shift=shift, volunteer=PersonFactory())
    waiting = signup_create(shift=shift, volunteer=PersonFactory())

    with pytest.raises(SignUpRefused) as refused:
        signup_cancel(signup=confirmed)
    left_the_line = signup_cancel(signup=waiting)

    assert refused.value.code == "cancellation_closed"
    assert SignUp.objects.get(pk=confirmed.pk).status == "confirmed"
    assert left_the_line.status == "cancelled"
