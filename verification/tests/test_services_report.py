"""Reporting a shift as done: who may, when, how many hours, once (and once more after a rejection)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from campaigns.models import SignUp
from campaigns.tests.factories import PersonFactory, add_shift, publish_call
from core.errors import DomainError
from verification import selectors
from verification.models import Completion
from verification.services import completion_reject, completion_report
from verification.tests.factories import (
    URBAN_SERVICE,
    confirmed_signup,
    ended_shift,
    ended_signup,
    image_bytes,
    reported,
    staff_of,
    team_place,
    team_with_manager,
    upload,
)

pytestmark = pytest.mark.django_db


def refused_code(call) -> str:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value.code


def test_a_volunteer_reports_their_ended_shift():
    signup = ended_signup(hours=3)

    completion = completion_report(
        signup=signup, actor=signup.volunteer, hours="2.5", note="  Swept the whole street.  "
    )

    assert completion.status == Completion.Status.PENDING
    assert completion.hours == Decimal("2.50")
    assert completion.note == "Swept the whole street."
    assert completion.reported_by == signup.volunteer
    assert completion.submission_count == 1


def test_persian_digits_and_decimal_separator_are_understood():
    signup = ended_signup(hours=3)

    completion = completion_report(signup=signup, actor=signup.volunteer, hours="۲٫۵")

    assert completion.hours == Decimal("2.50")


@pytest.mark.parametrize("hours", ["0", "-1", "abc", "", "NaN", "Infinity", "1e9"])
def test_hours_must_be_a_number_above_zero(hours):
    signup = ended_signup()

    code = refused_code(lambda: completion_report(signup=signup, actor=signup.volunteer, hours=hours))

    assert code == "hours_invalid"


@pytest.mark.parametrize("hours", ["0.001", "0.004", "0.005", "۰٫۰۰۳"])
def test_hours_that_round_to_zero_are_refused_and_the_shift_can_still_be_reported(hours):
    signup = ended_signup()

    code = refused_code(lambda: completion_report(signup=signup, actor=signup.volunteer, hours=hours))

    assert code == "hours_invalid"
    assert not Completion.objects.exists()
    assert reported(signup, hours="0.006").hours == Decimal("0.01")  # the smallest unit, rounded up to


def test_hours_never_exceed_the_shift_length():
    signup = ended_signup(hours=3)

    assert refused_code(lambda: reported(signup, hours="3.01")) == "hours_above_limit"
    assert reported(signup, hours="3").hours == Decimal("3.00")


def test_hours_are_bounded_by_check_in_and_check_out():
    shift = ended_shift(hours=3)
    signup = confirmed_signup(
        shift,
        checked_in_at=shift.starts_at + datetime.timedelta(minutes=30),
        checked_out_at=shift.starts_at + datetime.timedelta(minutes=90),
    )

    assert selectors.hours_limit(signup) == Decimal("1.00")
    assert refused_code(lambda: reported(signup, hours="1.5")) == "hours_above_limit"
    assert reported(signup, hours="1").hours == Decimal("1.00")


def test_time_checked_in_before_the_shift_or_after_it_counts_for_nothing():
    shift = ended_shift(hours=2)
    signup = confirmed_signup(
        shift,
        checked_in_at=shift.starts_at - datetime.timedelta(minutes=45),  # early, waiting at the gate
        checked_out_at=shift.ends_at + datetime.timedelta(minutes=30),  # lingering after the end
    )

    assert selectors.hours_limit(signup) == Decimal("2.00")
    assert refused_code(lambda: reported(signup, hours="2.5")) == "hours_above_limit"


def test_checked_in_without_check_out_is_bounded_by_the_shift_end():
    shift = ended_shift(hours=3)
    signup = confirmed_signup(shift, checked_in_at=shift.starts_at + datetime.timedelta(hours=1))

    assert selectors.hours_limit(signup) == Decimal("2.00")
    assert refused_code(lambda: reported(signup, hours="2.5")) == "hours_above_limit"


def test_a_shift_not_over_cannot_be_reported():
    shift = add_shift(
        publish_call(service_slug=URBAN_SERVICE), starts_in=datetime.timedelta(hours=-1), hours=3
    )
    signup = confirmed_signup(shift)

    assert refused_code(lambda: reported(signup, hours="1")) == "shift_not_over"


def test_a_started_shift_can_be_reported_after_checking_out():
    shift = add_shift(
        publish_call(service_slug=URBAN_SERVICE), starts_in=datetime.timedelta(hours=-2), hours=3
    )
    signup = confirmed_signup(
        shift, checked_in_at=shift.starts_at, checked_out_at=timezone.now() - datetime.timedelta(minutes=5)
    )

    completion = reported(signup, hours="1.5")

    assert completion.status == Completion.Status.PENDING


@pytest.mark.parametrize("status", ["waitlisted", "cancelled", "no_show"])
def test_only_confirmed_places_can_be_reported(status):
    signup = ended_signup()
    SignUp.objects.filter(pk=signup.pk).update(
        status=status, waitlist_position=1 if status == "waitlisted" else None
    )
    signup.refresh_from_db()

    assert refused_code(lambda: reported(signup, hours="1")) == "signup_not_confirmed"


def test_someone_else_cannot_report_a_strangers_shift():
    signup = ended_signup()

    assert refused_code(lambda: reported(signup, reported_by=PersonFactory())) == "signup_not_found"
    with pytest.raises(DomainError):
        selectors.signup_get_for_reporter(signup_id=signup.pk, user=PersonFactory())


def test_an_ngo_manager_reports_for_a_member_they_gave_a_team_place():
    member = PersonFactory()
    manager, team = team_with_manager(member)
    signup = team_place(ended_shift(), team, member, reserved_by=manager)

    assert selectors.signup_get_for_reporter(signup_id=signup.pk, user=manager) == signup
    completion = reported(signup, reported_by=manager, hours="2")

    assert completion.reported_by == manager
    assert completion.signup.volunteer == member


def test_an_ngo_manager_cannot_report_a_members_individual_sign_up():
    member = PersonFactory()
    manager, _team = team_with_manager(member)
    signup = ended_signup(volunteer=member)  # signed up alone, not through the team

    assert refused_code(lambda: reported(signup, reported_by=manager)) == "signup_not_found"


def test_one_report_per_sign_up():
    signup = ended_signup()
    reported(signup)

    assert refused_code(lambda: reported(signup, hours="1")) == "already_reported"
    assert Completion.objects.filter(signup=signup).count() == 1


def test_a_rejected_report_may_be_sent_again_once():
    signup = ended_signup()
    staff = staff_of()
    completion = reported(signup, hours="3")
    completion_reject(
        completion=completion, actor=staff, reason="Three hours is more than you were there."
    )

    again = reported(signup, hours="2")

    assert again.pk == completion.pk
    assert again.status == Completion.Status.PENDING
    assert again.hours == Decimal("2.00")
    assert again.submission_count == 2
    assert again.resubmitted_at is not None
    assert not selectors.can_resubmit(again)

    completion_reject(completion=again, actor=staff, reason="Still no.")
    assert refused_code(lambda: reported(signup, hours="1")) == "resubmissions_used"


def test_at_most_four_photos():
    signup = ended_signup()
    photos = [("after", upload(image_bytes("PNG"), f"p{i}.png", "image/png")) for i in range(5)]

    assert (
        refused_code(
            lambda: completion_report(signup=signup, actor=signup.volunteer, hours="1", photos=photos)
        )
        == "too_many_photos"
    )
    assert not Completion.objects.exists()


def test_photos_are_stored_with_their_kind():
    signup = ended_signup()
    photos = [
        ("before", upload(image_bytes("PNG"), "before.png", "image/png")),
        ("after", upload(image_bytes("WEBP"), "after.webp", "image/webp")),
    ]

    completion = completion_report(signup=signup, actor=signup.volunteer, hours="1", photos=photos)

    assert [photo.kind for photo in completion.photos.order_by("pk")] == ["before", "after"]
    assert all(photo.image.name.endswith(".jpg") for photo in completion.photos.all())


def test_resending_with_photos_replaces_the_earlier_ones():
    signup = ended_signup()
    first = completion_report(
        signup=signup,
        actor=signup.volunteer,
        hours="3",
        photos=[("after", upload(image_bytes("PNG"), "a.png", "image/png"))],
    )
    old_name = first.photos.get().image.name
    completion_reject(completion=first, actor=staff_of(), reason="Blurry photo.")

    again = completion_report(
        signup=signup,
        actor=signup.volunteer,
        hours="2",
        photos=[
            ("after", upload(image_bytes("JPEG"), "b.jpg")),
            ("before", upload(image_bytes("JPEG"), "c.jpg")),
        ],
    )

    assert again.photos.count() == 2
    assert old_name not in {photo.image.name for photo in again.photos.all()}
