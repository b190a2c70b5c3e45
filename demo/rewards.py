"""Demo rewards and points for a newcomer's local site; safe to run again (it changes nothing twice).

The lead's `load_demo` calls `load()` after the demo people and calls exist.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from campaigns.models import OpenCallPage, Shift, SignUp
from city.models import Department, District, Service
from rewards import services
from rewards.models import EarningRule, LedgerEntry, Reward
from verification.models import Completion, Verification

from .data import demo_data

DEMO_REWARDS = tuple(demo_data("rewards")["rewards"])


DEMO_CONTRACTOR_HOUR_COSTS = {
    "street-sweeping-and-cleaning": 1_200_000,
    "street-traffic-information": 1_500_000,
    "libraries-and-reading-halls": 1_000_000,
}
# Residents per district for the open city's participation per thousand: illustrative round figures of the
# demo (a city enters its census figures), kept if staff have set their own.
DEMO_DISTRICT_POPULATIONS = {
    1: 95_000, 2: 120_000, 3: 110_000, 4: 160_000, 5: 140_000, 6: 130_000, 7: 150_000, 8: 170_000,
    9: 100_000, 10: 180_000, 11: 90_000, 12: 150_000, 13: 140_000, 14: 190_000, 15: 165_000,
}  # fmt: skip


@transaction.atomic
def load() -> dict:
    """The demo rewards, a first-shift bonus, and a verified shift that gave the demo citizen points."""
    departments = {department.slug: department for department in Department.objects.all()}
    created = 0
    for values in DEMO_REWARDS:
        values = dict(values)
        department = departments[values.pop("department")]
        _, was_created = Reward.objects.get_or_create(
            department=department, name_en=values["name_en"], defaults=values
        )
        created += was_created
    # Named in both languages (earlier demos named it in English only: renamed in place).
    EarningRule.objects.update_or_create(
        kind=EarningRule.Kind.FIRST_SHIFT,
        department=None,
        service=None,
        defaults={
            "name": "پاداش خوش‌آمد: نخستین نوبت تأییدشده",
            "name_en": "Welcome bonus: first verified shift",
            "points": 50,
        },
    )
    # What a contractor's hour costs for a few services, so the open city shows what volunteering saved
    # (illustrative rials, kept if staff have set their own).
    for slug, rials in DEMO_CONTRACTOR_HOUR_COSTS.items():
        unset = Service.objects.filter(slug=slug, contractor_hour_cost__isnull=True)
        unset.update(contractor_hour_cost=rials)
    for number, residents in DEMO_DISTRICT_POPULATIONS.items():
        District.objects.filter(number=number, population__isnull=True).update(population=residents)
    # A bonus for work in the districts the open city shows as under-served, kept up to date by the hour.
    EarningRule.objects.get_or_create(
        kind=EarningRule.Kind.DISTRICT,
        department=None,
        service=None,
        districts_follow_equity=True,
        defaults={
            "name": "پاداش کار در منطقه‌های کم‌برخوردار",
            "name_en": "Bonus for work in under-served districts",
            "points": 20,
        },
    )
    return {"rewards_created": created, "citizen_points": _citizen_points()}


def _citizen_points() -> int:
    """A shift the demo citizen did last week, verified, and its points credited: what /rewards/my/ shows."""

    user_model = get_user_model()
    citizen = user_model.objects.filter(username="citizen").first()
    approver = user_model.objects.filter(username="approver-urban").first()
    call = OpenCallPage.objects.filter(slug="chaharbagh-friday-sweep").first()
    if citizen is None or approver is None or call is None:
        return 0
    if LedgerEntry.objects.filter(account__user=citizen, kind=LedgerEntry.Kind.EARN).exists():
        return citizen.points_account.balance
    starts_at = (timezone.now() - datetime.timedelta(days=7)).replace(
        hour=8, minute=0, second=0, microsecond=0
    )
    shift = Shift.objects.create(
        call=call, starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=4), capacity=10
    )
    signup = SignUp.objects.create(
        shift=shift, volunteer=citizen, status=SignUp.Status.CONFIRMED, checked_in_at=starts_at
    )
    hours = Decimal(4)
    completion = Completion.objects.create(
        signup=signup,
        reported_by=citizen,
        hours=hours,
        note="پیاده‌روی چهارباغ از دروازه دولت تا سی‌وسه‌پل جارو شد.",
        status=Completion.Status.APPROVED,
        approved_hours=hours,
    )
    approval = Verification.objects.create(
        completion=completion,
        decided_by=approver,
        decision=Verification.Decision.APPROVE,
        hours=hours,
        is_final_approval=True,
    )
    services.verification_points_credit(verification_id=approval.pk)
    citizen.points_account.refresh_from_db()
    return citizen.points_account.balance
