"""Demo rewards and points for a newcomer's local site; safe to run again (it changes nothing twice).

The lead's `load_demo` calls `load()` after the demo people and calls exist.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from campaigns.models import OpenCallPage, Shift, SignUp
from city.models import Department

from . import services
from .models import EarningRule, LedgerEntry, Reward

DEMO_REWARDS = (
    {
        "department": "cultural",
        "name_fa": "۵۰٪ تخفیف بلیت استخرهای شهرداری",
        "name_en": "50% off municipal swimming-pool tickets",
        "description_fa": "یک بلیت نیم‌بها برای هر یک از استخرهای سرپوشیدهٔ شهرداری اصفهان.",
        "description_en": "One half-price ticket for any of the municipality's indoor pools in Isfahan.",
        "terms_fa": "برای یک نفر و یک نوبت؛ همراه با کارت ملی در باجهٔ استخر ارائه شود.",
        "terms_en": "For one person, one visit; show it with your national ID card at the pool's counter.",
        "points_price": 80,
        "value_rials": 750_000,
        "monthly_budget": 200,
        "per_person_limit": 2,
        "voucher_valid_days": 30,
    },
    {
        "department": "cultural",
        "name_fa": "ورود رایگان به برنامه‌های فرهنگسراها",
        "name_en": "Free entry to cultural-centre events",
        "description_fa": "ورود رایگان به یک کنسرت، نمایش یا کارگاه در فرهنگسراهای شهرداری.",
        "description_en": "Free entry to one concert, play or workshop at a municipal cultural centre.",
        "terms_fa": "تا پایان ظرفیت برنامه؛ پیش از شروع برنامه در باجه ارائه شود.",
        "terms_en": "While places last; show it at the counter before the event starts.",
        "points_price": 120,
        "value_rials": 1_000_000,
        "monthly_budget": 100,
        "per_person_limit": 1,
        "voucher_valid_days": 45,
    },
    {
        "department": "urban_services",
        "name_fa": "۲۰٪ تخفیف عوارض نوسازی",
        "name_en": "20% off the municipal renewal fee",
        "description_fa": "بیست درصد تخفیف در عوارض نوسازی سالانهٔ یک ملک، تا سقف ۵ میلیون ریال.",
        "description_en": "Twenty per cent off one property's yearly renewal fee, up to 5 million rials.",
        "terms_fa": "یک بار در سال برای ملکی به نام خودتان؛ در دفتر خدمات شهری منطقه ارائه شود.",
        "terms_en": "Once a year, for a property in your own name; show it at your district service office.",
        "points_price": 300,
        "value_rials": 5_000_000,
        "budget_kind": Reward.BudgetKind.VALUE,
        "monthly_budget": 250_000_000,
        "per_person_limit": 1,
        "per_person_period": Reward.LimitPeriod.EVER,
        "voucher_valid_days": 90,
    },
)


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
    EarningRule.objects.get_or_create(
        name="Welcome bonus: first verified shift",
        defaults={"kind": EarningRule.Kind.FIRST_SHIFT, "points": 50, "department": None},
    )
    return {"rewards_created": created, "citizen_points": _citizen_points()}


def _citizen_points() -> int:
    """A shift the demo citizen did last week, verified, and its points credited: what /rewards/my/ shows."""
    from verification.models import Completion, Verification

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
