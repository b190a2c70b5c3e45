"""Staff decisions on reports: scoped to their department, never on their own work, a second approver for
large awards, revocation, roster-wide approval, every decision recorded and the volunteer told."""

import datetime
from decimal import Decimal

import pytest

from campaigns.tests.factories import PersonFactory, publish_call
from core.errors import DomainError
from rewards.models import LedgerEntry
from verification import selectors
from verification.models import Completion, Verification
from verification.notices import decision_notify
from verification.services import (
    completion_approve,
    completion_decide,
    completion_reject,
    completion_revoke,
    shift_approve_all,
)
from verification.tests.factories import (
    TRAFFIC_SERVICE,
    confirmed_signup,
    ended_shift,
    ended_signup,
    reported,
    staff_of,
    team_place,
    team_with_manager,
)
from volunteers.sms import OutboxSmsBackend

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    OutboxSmsBackend.outbox.clear()
    yield
    OutboxSmsBackend.outbox.clear()


def refused_code(call) -> str:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value.code


def refused(call) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value


def test_approving_records_who_when_what_and_the_hours(django_capture_on_commit_callbacks):
    completion = reported(ended_signup(hours=3), hours="2.5")
    staff = staff_of()

    with django_capture_on_commit_callbacks(execute=True):
        verification = completion_approve(completion=completion, actor=staff, reason="Looks good")

    completion.refresh_from_db()
    assert completion.status == Completion.Status.APPROVED
    assert completion.approved_hours == Decimal("2.50")
    assert verification.decided_by == staff
    assert verification.decision == Verification.Decision.APPROVE
    assert verification.is_final_approval
    assert verification.hours == Decimal("2.50")
    assert verification.reason == "Looks good"
    assert verification.created_at is not None


def test_approving_with_corrected_hours(django_capture_on_commit_callbacks):
    completion = reported(ended_signup(hours=3), hours="3")

    with django_capture_on_commit_callbacks(execute=True):
        completion_approve(completion=completion, actor=staff_of(), hours="۱٫۵")

    completion.refresh_from_db()
    assert completion.hours == Decimal("3.00")  # what was reported stays on record
    assert completion.approved_hours == Decimal("1.50")


def test_corrected_hours_are_bounded_like_reported_ones():
    completion = reported(ended_signup(hours=3), hours="2")

    error = refused(lambda: completion_approve(completion=completion, actor=staff_of(), hours="4"))

    assert error.code == "hours_above_limit"
    assert error.status_code == 400


@pytest.mark.parametrize("hours", ["0.001", "0.004", "0"])
def test_approving_hours_that_round_to_zero_is_refused(hours):
    completion = reported(ended_signup(hours=3), hours="2")

    with pytest.raises(DomainError) as refused:
        completion_approve(completion=completion, actor=staff_of(), hours=hours)

    assert refused.value.code == "hours_invalid"
    completion.refresh_from_db()
    assert (completion.status, completion.approved_hours) == ("pending", None)
    assert not Verification.objects.exists()


def test_rejecting_needs_a_reason():
    completion = reported(ended_signup())
    staff = staff_of()

    assert refused_code(lambda: completion_reject(completion=completion, actor=staff, reason="  ")) == (
        "reason_required"
    )
    completion_reject(completion=completion, actor=staff, reason="Nobody saw you there.")

    completion.refresh_from_db()
    assert completion.status == Completion.Status.REJECTED
    assert completion.verifications.get().reason == "Nobody saw you there."


def test_the_decide_verb_knows_only_approve_and_reject():
    completion = reported(ended_signup())

    assert (
        refused_code(
            lambda: completion_decide(completion=completion, actor=staff_of(), decision="revoke")
        )
        == "decision_invalid"
    )


def test_staff_of_another_department_do_not_see_or_decide():
    completion = reported(ended_signup())
    traffic_staff = staff_of("traffic")

    error = refused(lambda: completion_approve(completion=completion, actor=traffic_staff))
    assert (error.code, error.status_code) == ("completion_not_found", 404)
    with pytest.raises(DomainError) as caught:
        selectors.completion_get_for_staff(completion_id=completion.pk, user=traffic_staff)
    assert caught.value.status_code == 404
    assert not selectors.completion_queue(user=traffic_staff).exists()


def test_a_volunteer_cannot_verify():
    completion = reported(ended_signup())
    volunteer = PersonFactory()

    error = refused(lambda: completion_approve(completion=completion, actor=volunteer))
    assert (error.code, error.status_code) == ("not_verification_staff", 403)
    assert refused(lambda: selectors.completion_queue(user=volunteer)).status_code == 403


def test_approvers_of_the_department_verify_too(django_capture_on_commit_callbacks):
    completion = reported(ended_signup())

    with django_capture_on_commit_callbacks(execute=True):
        completion_approve(completion=completion, actor=staff_of(approver=True))

    completion.refresh_from_db()
    assert completion.status == Completion.Status.APPROVED


def test_nobody_verifies_their_own_work():
    staff = staff_of()
    completion = reported(ended_signup(volunteer=staff))

    error = refused(lambda: completion_approve(completion=completion, actor=staff))
    assert (error.code, error.status_code) == ("self_verification", 403)
    assert refused_code(lambda: completion_reject(completion=completion, actor=staff, reason="x")) == (
        "self_verification"
    )
    assert not completion.verifications.exists()


def test_the_manager_who_reported_cannot_verify_it_either():
    member = PersonFactory()
    manager, team = team_with_manager(member)
    manager.groups.add(staff_of().groups.get())  # the NGO's manager also works for the department
    completion = reported(team_place(ended_shift(), team, member), reported_by=manager)

    assert refused_code(lambda: completion_approve(completion=completion, actor=manager)) == (
        "self_verification"
    )


def test_a_decided_report_cannot_be_decided_again():
    completion = reported(ended_signup())
    completion_reject(completion=completion, actor=staff_of(), reason="No.")

    error = refused(lambda: completion_approve(completion=completion, actor=staff_of()))
    assert (error.code, error.status_code) == ("already_decided", 409)


def test_a_decision_on_a_report_that_moved_on_is_refused():
    completion = reported(ended_signup())

    error = refused(
        lambda: completion_approve(completion=completion, actor=staff_of(), expected_status="second")
    )
    assert error.code == "already_decided"


# --- Second approver ----------------------------------------------------------------------------------


def big_completion(settings, *, hours="3"):
    """A report worth 3 h × 100 points, above a threshold of 200."""
    settings.VERIFICATION_SECOND_APPROVER_ABOVE_POINTS = 200
    call = publish_call(points_per_hour=100)
    return reported(ended_signup(call=call, hours=3), hours=hours)


def test_estimated_points_are_hours_times_points_per_hour_rounded_down(settings):
    completion = big_completion(settings)

    assert selectors.estimated_points(completion, Decimal("2.505")) == 250
    assert selectors.needs_second_approval(completion)


def test_a_large_award_needs_a_second_different_approver(settings, django_capture_on_commit_callbacks):
    completion = big_completion(settings)
    first, second = staff_of(), staff_of()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first_approval = completion_approve(completion=completion, actor=first)
    completion.refresh_from_db()
    assert completion.status == Completion.Status.AWAITING_SECOND_APPROVAL
    assert not first_approval.is_final_approval
    assert callbacks == []  # no points, no notice yet
    assert not LedgerEntry.objects.exists()

    error = refused(lambda: completion_approve(completion=completion, actor=first))
    assert (error.code, error.status_code) == ("second_approver_must_differ", 403)

    with django_capture_on_commit_callbacks(execute=True):
        final = completion_approve(completion=completion, actor=second)
    completion.refresh_from_db()
    assert completion.status == Completion.Status.APPROVED
    assert final.decision == Verification.Decision.SECOND_APPROVAL
    assert final.is_final_approval
    assert final.hours == Decimal("3.00")
    assert list(completion.verifications.values_list("decision", "is_final_approval")) == [
        ("approve", False),
        ("second", True),
    ]


def test_correcting_hours_below_the_threshold_needs_no_second_approver(
    settings, django_capture_on_commit_callbacks
):
    completion = big_completion(settings)

    with django_capture_on_commit_callbacks(execute=True):
        verification = completion_approve(completion=completion, actor=staff_of(), hours="2")

    assert verification.is_final_approval  # 2 h × 100 = 200, not above 200


def test_the_second_approver_may_reject(settings, django_capture_on_commit_callbacks):
    completion = big_completion(settings)
    completion_approve(completion=completion, actor=staff_of())

    with django_capture_on_commit_callbacks(execute=True):
        completion_reject(
            completion=completion, actor=staff_of(), reason="The photos show another street."
        )

    completion.refresh_from_db()
    assert completion.status == Completion.Status.REJECTED


# --- Points and notices -------------------------------------------------------------------------------


def test_the_final_approval_credits_points_once_through_rewards(django_capture_on_commit_callbacks):
    completion = reported(ended_signup(hours=3), hours="2")  # 2 h × 10 points

    with django_capture_on_commit_callbacks(execute=True):
        verification = completion_approve(completion=completion, actor=staff_of())

    earned = LedgerEntry.objects.get(kind=LedgerEntry.Kind.EARN)
    assert earned.verification_id == verification.pk
    assert earned.amount == 20


def test_revoking_reverses_the_points_and_needs_a_reason(django_capture_on_commit_callbacks):
    completion = reported(ended_signup(hours=3), hours="2")
    with django_capture_on_commit_callbacks(execute=True):
        approval = completion_approve(completion=completion, actor=staff_of())
    staff = staff_of()

    assert refused_code(lambda: completion_revoke(completion=completion, actor=staff, reason="")) == (
        "reason_required"
    )
    with django_capture_on_commit_callbacks(execute=True):
        revocation = completion_revoke(completion=completion, actor=staff, reason="Counted twice.")

    completion.refresh_from_db()
    assert completion.status == Completion.Status.REVOKED
    assert revocation.revokes == approval
    assert revocation.decision == Verification.Decision.REVOKE
    reversal = LedgerEntry.objects.get(kind=LedgerEntry.Kind.REVERSAL)
    assert reversal.verification_id == revocation.pk
    assert reversal.amount == -20
    error = refused(lambda: completion_revoke(completion=completion, actor=staff, reason="again"))
    assert (error.code, error.status_code) == ("not_approved", 409)


def test_only_an_approved_report_can_be_revoked():
    completion = reported(ended_signup())

    assert refused_code(
        lambda: completion_revoke(completion=completion, actor=staff_of(), reason="x")
    ) == ("not_approved")


def test_the_volunteer_is_told_of_an_approval_with_the_hours(mailoutbox, django_capture_on_commit_callbacks):
    signup = ended_signup(hours=3)
    completion = reported(signup, hours="2.5")

    with django_capture_on_commit_callbacks(execute=True):
        verification = completion_approve(completion=completion, actor=staff_of())

    assert [message.to for message in mailoutbox] == [[signup.volunteer.email]]
    assert "۲٫۵" in mailoutbox[0].body
    assert [sms["phone"] for sms in OutboxSmsBackend.outbox] == [signup.volunteer.phone]
    verification.refresh_from_db()
    assert verification.notified_at is not None
    # A repeated task tells nobody twice.
    assert decision_notify(verification_id=verification.pk) is False
    assert len(mailoutbox) == 1


def test_the_volunteer_is_told_of_a_rejection_with_the_reason(mailoutbox, django_capture_on_commit_callbacks):
    signup = ended_signup()
    signup.volunteer.preferred_language = "en"
    signup.volunteer.save()
    completion = reported(signup)

    with django_capture_on_commit_callbacks(execute=True):
        completion_reject(
            completion=completion, actor=staff_of(), reason="The photo is of another street."
        )

    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "Your report was not approved"
    assert "The photo is of another street." in mailoutbox[0].body
    assert "send it again once" in mailoutbox[0].body


def test_the_volunteer_is_told_of_a_revocation(mailoutbox, django_capture_on_commit_callbacks):
    signup = ended_signup()
    completion = reported(signup)
    with django_capture_on_commit_callbacks(execute=True):
        completion_approve(completion=completion, actor=staff_of())
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        completion_revoke(completion=completion, actor=staff_of(), reason="Counted twice by mistake.")

    assert len(mailoutbox) == 1
    assert "Counted twice by mistake." in mailoutbox[0].body


def test_a_first_of_two_approvals_tells_nobody(settings, mailoutbox, django_capture_on_commit_callbacks):
    completion = big_completion(settings)

    with django_capture_on_commit_callbacks(execute=True):
        completion_approve(completion=completion, actor=staff_of())

    assert mailoutbox == []


# --- A shift's roster at once ---------------------------------------------------------------------------


def test_approve_all_skips_own_work_and_sends_large_awards_on(settings, django_capture_on_commit_callbacks):
    settings.VERIFICATION_SECOND_APPROVER_ABOVE_POINTS = 25
    staff = staff_of()
    shift = ended_shift(hours=3)  # 10 points per hour
    ordinary = [reported(confirmed_signup(shift), hours="2") for _ in range(3)]
    large = reported(confirmed_signup(shift), hours="3")
    own = reported(confirmed_signup(shift, staff), hours="2")
    already = reported(confirmed_signup(shift), hours="1")
    completion_reject(completion=already, actor=staff_of(), reason="Not there.")
    other_shift = reported(ended_signup(), hours="1")

    with django_capture_on_commit_callbacks(execute=True):
        result = shift_approve_all(shift=shift, actor=staff)

    assert sorted(result.approved) == sorted(completion.pk for completion in ordinary)
    assert result.awaiting_second == [large.pk]
    assert result.skipped_own == [own.pk]
    assert result.skipped == []
    statuses = dict(Completion.objects.values_list("pk", "status"))
    assert statuses[own.pk] == "pending"
    assert statuses[already.pk] == "rejected"
    assert statuses[other_shift.pk] == "pending"
    assert statuses[large.pk] == "second"
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.EARN).count() == 3


def test_staff_of_another_department_cannot_reach_the_shift():
    shift = ended_shift()

    with pytest.raises(DomainError) as caught:
        selectors.shift_get_for_staff(shift_id=shift.pk, user=staff_of("traffic"))
    assert caught.value.status_code == 404


def test_the_queue_shows_open_reports_of_the_department_oldest_shift_first():
    staff = staff_of()
    older = reported(confirmed_signup(ended_shift(ended_ago=datetime.timedelta(days=3))))
    newer = reported(ended_signup())
    reported(ended_signup(call=publish_call(service_slug=TRAFFIC_SERVICE)))
    decided = reported(ended_signup())
    completion_reject(completion=decided, actor=staff_of(), reason="No.")

    assert list(selectors.completion_queue(user=staff)) == [older, newer]
    assert list(selectors.completion_queue(user=staff, statuses=["rejected"])) == [decided]


def test_superusers_see_every_department():
    admin = PersonFactory(is_superuser=True, is_staff=True)
    urban = reported(ended_signup())
    traffic = reported(ended_signup(call=publish_call(service_slug=TRAFFIC_SERVICE)))

    assert set(selectors.completion_queue(user=admin)) == {urban, traffic}
