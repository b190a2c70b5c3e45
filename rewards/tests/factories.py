"""Verified work and rewards for the points tests, built on the real models: a published call, a shift
that happened, a sign-up, an approved completion and its final approval."""

import datetime
from decimal import Decimal

from django.utils import timezone

from campaigns.models import OpenCallPage, SignUp
from campaigns.services import department_staff_group_ensure
from campaigns.tests.factories import PersonFactory, add_shift, publish_call
from city.models import Department
from rewards.models import Reward
from verification.models import Completion, Verification


def approval_create(
    *,
    volunteer,
    call: OpenCallPage | None = None,
    hours: Decimal | str | int = 3,
    worked_at: datetime.datetime | None = None,
    decided_by=None,
) -> Verification:
    """A final approval of `hours` of work on a shift of `call` (a new call at 10 points an hour if
    none), the shift having started at `worked_at` (yesterday if none)."""
    call = call or publish_call(points_per_hour=10)
    starts_in = (worked_at - timezone.now()) if worked_at else -datetime.timedelta(days=1)
    shift = add_shift(call, starts_in=starts_in, hours=3)
    signup = SignUp.objects.create(shift=shift, volunteer=volunteer, status=SignUp.Status.CONFIRMED)
    hours = Decimal(hours)
    completion = Completion.objects.create(
        signup=signup,
        reported_by=volunteer,
        hours=hours,
        status=Completion.Status.APPROVED,
        approved_hours=hours,
    )
    return Verification.objects.create(
        completion=completion,
        decided_by=decided_by or PersonFactory(),
        decision=Verification.Decision.APPROVE,
        hours=hours,
        is_final_approval=True,
    )


def revocation_create(*, approval: Verification, decided_by=None) -> Verification:
    completion = approval.completion
    completion.status = Completion.Status.REVOKED
    completion.save(update_fields=["status"])
    return Verification.objects.create(
        completion=completion,
        decided_by=decided_by or PersonFactory(),
        decision=Verification.Decision.REVOKE,
        reason="The work was not done.",
        revokes=approval,
    )


def reward_create(*, department_slug: str = "cultural", **fields) -> Reward:
    values = {
        "department": Department.objects.get(slug=department_slug),
        "name_fa": "تخفیف بلیت استخر",
        "name_en": "Swimming-pool ticket discount",
        "terms_fa": "یک بار، با کارت ملی",
        "terms_en": "Once, with your national ID card.",
        "points_price": 100,
        "value_rials": 500_000,
        "monthly_budget": 100,
        "per_person_limit": 100,
        **fields,
    }
    return Reward.objects.create(**values)


def counter_staff(*, department_slug: str = "cultural"):
    """A member of the department's staff, who may accept its vouchers at the counter."""
    person = PersonFactory()
    person.groups.add(department_staff_group_ensure(department=Department.objects.get(slug=department_slug)))
    return person
