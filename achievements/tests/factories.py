"""Verified work for achievements tests: a call, a past shift, a confirmed sign-up, an approved completion
and its final approval, as verification leaves them before rewards credits the points."""

import datetime
from decimal import Decimal

from django.utils import timezone

from achievements.services import LedgerEntry, points_recorded
from campaigns.models import OpenCallPage, SignUp
from campaigns.tests.factories import PersonFactory, add_shift, publish_call
from city.models import District
from verification.models import Completion, Verification

_calls: dict = {}


def call_for(service_slug: str, district_number: int = 1):
    """One published call per service and district, shared by the test's shifts."""
    key = (service_slug, district_number)
    call = _calls.get(key)
    # Tests roll back, and a later test's page may reuse the id: check it is still this kind of call.
    if (
        call is None
        or not OpenCallPage.objects.filter(
            pk=call.pk, service__slug=service_slug, district__number=district_number
        ).exists()
    ):
        call = publish_call(service_slug=service_slug, district=District.objects.get(number=district_number))
        _calls[key] = call
    return call


def verified_work(
    person,
    *,
    service_slug: str = "street-sweeping-and-cleaning",
    district_number: int = 1,
    hours: int = 3,
    approver=None,
    **signup_fields,
) -> Verification:
    """Approved work of `person`; returns the final approval (what rewards credits points for)."""
    call = call_for(service_slug, district_number)
    shift = add_shift(call, starts_in=-datetime.timedelta(days=2), hours=hours)
    signup = SignUp.objects.create(
        shift=shift, volunteer=person, status=SignUp.Status.CONFIRMED, **signup_fields
    )
    completion = Completion.objects.create(
        signup=signup,
        reported_by=person,
        hours=Decimal(hours),
        status=Completion.Status.APPROVED,
        approved_hours=Decimal(hours),
    )
    return Verification.objects.create(
        completion=completion,
        decided_by=approver or PersonFactory(),
        decision=Verification.Decision.APPROVE,
        hours=Decimal(hours),
        is_final_approval=True,
    )


def credit(approval: Verification, *, at: datetime.datetime | None = None) -> LedgerEntry:
    """What rewards does for an approval, as far as achievements sees it: hours × points per hour."""
    signup = approval.completion.signup
    entry = LedgerEntry(
        signup.volunteer_id,
        int(approval.hours * signup.shift.call.points_per_hour),
        at or timezone.now(),
        approval.pk,
    )
    points_recorded(**entry._asdict())
    return entry


def revoke(approval: Verification, *, at: datetime.datetime | None = None) -> LedgerEntry:
    """Revokes an approval and reverses its points, as verification and rewards do."""
    completion = approval.completion
    completion.status = Completion.Status.REVOKED
    completion.save(update_fields=["status"])
    revocation = Verification.objects.create(
        completion=completion,
        decided_by=approval.decided_by,
        decision=Verification.Decision.REVOKE,
        reason="test",
        revokes=approval,
    )
    amount = int(approval.hours * completion.signup.shift.call.points_per_hour)
    entry = LedgerEntry(completion.signup.volunteer_id, -amount, at or timezone.now(), revocation.pk)
    points_recorded(**entry._asdict())
    return entry
