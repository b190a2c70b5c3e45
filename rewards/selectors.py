"""Reads of points, the catalogue, vouchers and the budget report."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

import jdatetime
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from city.permissions import departments_for_staff
from verification.models import Verification

from .errors import (
    RewardNotFound,
    VoucherNotFound,
)
from .ledger import EntryFacts, lots_remaining
from .models import LedgerEntry, PointsAccount, Reward, Voucher

Kind = LedgerEntry.Kind


@dataclass(frozen=True)
class Expiring:
    points: int
    expires_at: datetime.datetime


@dataclass
class PointsSummary:
    balance: int = 0
    lifetime: int = 0
    expiring: list[Expiring] = field(default_factory=list)


def account_for(*, user) -> PointsAccount | None:
    return PointsAccount.objects.filter(user=user).first()


def points_summary(*, user, now: datetime.datetime | None = None) -> PointsSummary:
    """The person's balance, lifetime points and what of the balance expires when (soonest first; lots
    expiring on the same day are added up)."""
    account = account_for(user=user)
    if account is None:
        return PointsSummary()
    now = now or timezone.now()
    by_day: dict[datetime.date, Expiring] = {}
    for lot in sorted(account_lots(account).values(), key=lambda lot: (lot.expires_at, lot.entry_id)):
        if lot.remaining <= 0 or lot.expires_at is None or lot.expires_at <= now:
            continue
        day = timezone.localtime(lot.expires_at).date()
        earlier = by_day.get(day)
        # A day's points are shown with the earliest moment any of them expires.
        by_day[day] = Expiring(
            points=lot.remaining + (earlier.points if earlier else 0),
            expires_at=earlier.expires_at if earlier else lot.expires_at,
        )
    return PointsSummary(balance=account.balance, lifetime=account.lifetime, expiring=list(by_day.values()))


def ledger_list(*, user) -> QuerySet[LedgerEntry]:
    """The person's entries, newest first, without the zero entries that only mark bookkeeping (an expiry
    of a lot already spent, an approval credited nothing because a cap was reached: its note says so when
    the entry has one)."""
    return (
        LedgerEntry.objects.filter(account__user=user)
        .exclude(Q(amount=0) & (Q(kind__in=(Kind.EXPIRY, Kind.REVERSAL)) | Q(note="")))
        .select_related("voucher__reward", "rule", "verification__completion__signup__shift__call")
        .order_by("-occurred_at", "-pk")
    )


def reward_list(*, now: datetime.datetime | None = None) -> QuerySet[Reward]:
    """The catalogue: active rewards available now, in the order staff set."""
    now = now or timezone.now()
    return (
        Reward.objects.filter(is_active=True, available_from__lte=now)
        .filter(Q(available_until__isnull=True) | Q(available_until__gt=now))
        .select_related("department")
    )


def reward_get(*, reward_id: int) -> Reward:
    reward = reward_list().filter(pk=reward_id).first()
    if reward is None:
        raise RewardNotFound(reward_id)
    return reward


def voucher_list_for(*, user) -> QuerySet[Voucher]:
    return Voucher.objects.filter(account__user=user).select_related("reward__department")


def voucher_get_for_holder(*, code: str, user) -> Voucher:
    """A voucher of the person's own (staff of the issuing department may look too)."""
    voucher = Voucher.objects.select_related("reward__department", "account").filter(code=code).first()
    if voucher is None:
        raise VoucherNotFound()
    if (
        voucher.account.user_id != user.pk
        and not counter_departments(user=user).filter(pk=voucher.reward.department_id).exists()
    ):
        raise VoucherNotFound()
    return voucher


# --- Budget report --------------------------------------------------------------------------------------


@dataclass
class BudgetRow:
    department_id: int
    department: object
    month: str
    points_issued: int = 0
    vouchers_issued: int = 0
    vouchers_redeemed: int = 0
    value_issued: int = 0
    value_redeemed: int = 0
    points_spent: int = 0


def budget_report(*, departments) -> list[BudgetRow]:
    """Per department and Jalali month: points credited for the department's work (earned and bonuses,
    less reversals), vouchers issued from its rewards' budgets (cancelled ones left out), how many of
    them were used, and their value. Newest month first."""
    departments = {department.pk: department for department in departments}
    rows: dict[tuple[int, str], BudgetRow] = {}

    def row(department_id: int, month: str) -> BudgetRow:
        key = (department_id, month)
        if key not in rows:
            rows[key] = BudgetRow(department_id, departments[department_id], month)
        return rows[key]

    vouchers = (
        Voucher.objects.filter(reward__department_id__in=departments)
        .exclude(status=Voucher.Status.CANCELLED)
        .order_by()
        .values("reward__department_id", "budget_month")
        .annotate(
            issued=Count("pk"),
            redeemed=Count("pk", filter=Q(status=Voucher.Status.REDEEMED)),
            value=Sum("value_rials"),
            value_redeemed=Sum("value_rials", filter=Q(status=Voucher.Status.REDEEMED)),
            points=Sum("points_price"),
        )
    )
    for group in vouchers:
        budget = row(group["reward__department_id"], group["budget_month"])
        budget.vouchers_issued += group["issued"]
        budget.vouchers_redeemed += group["redeemed"]
        budget.value_issued += group["value"] or 0
        budget.value_redeemed += group["value_redeemed"] or 0
        budget.points_spent += group["points"] or 0

    # Points are grouped by day in the database, then the days folded into Jalali months here.
    department_path = "verification__completion__signup__shift__call__service__department_id"
    reversal_department_path = (
        "verification__revokes__completion__signup__shift__call__service__department_id"
    )
    for path, kinds in (
        (department_path, (Kind.EARN, Kind.BONUS)),
        (reversal_department_path, (Kind.REVERSAL,)),
    ):
        days = (
            LedgerEntry.objects.filter(kind__in=kinds, **{f"{path}__in": departments})
            .annotate(day=TruncDate("occurred_at"))
            .order_by()
            .values(path, "day")
            .annotate(points=Sum("amount"))
        )
        for group in days:
            noon = datetime.datetime.combine(
                group["day"], datetime.time(12), tzinfo=timezone.get_current_timezone()
            )
            row(group[path], jalali_month_key(noon)).points_issued += group["points"] or 0

    return sorted(
        rows.values(), key=lambda budget: (budget.month, -budget.department.sort_order), reverse=True
    )


def budget_used_this_month(*, reward: Reward) -> int:
    return reward_budget_used(reward=reward, month=jalali_month_key(timezone.now()))


def budget_months(rows: list[BudgetRow]) -> list[str]:
    return sorted({budget.month for budget in rows}, reverse=True)


def budget_by_department(rows: list[BudgetRow]) -> dict:
    grouped: dict = defaultdict(list)
    for budget in rows:
        grouped[budget.department].append(budget)
    return dict(grouped)


def lifetime_ledger_entries():
    """(user_id, lifetime change, occurred_at, approval id) for every entry that changed lifetime points,
    in the order written: what achievements rebuilds its leaderboard tallies from. A reversal counts its
    whole credit (taken and unrecovered) and names the approval it revoked, as `points_recorded` was told."""
    rows = (
        LedgerEntry.objects.filter(kind__in=LedgerEntry.LIFETIME_KINDS)
        .order_by("pk")
        .values_list("account__user_id", "kind", "amount", "unrecovered", "occurred_at", "verification_id")
    )
    revoked_approval = dict(
        LedgerEntry.objects.filter(kind=Kind.REVERSAL).values_list(
            "verification_id", "verification__revokes_id"
        )
    )
    for user_id, kind, amount, unrecovered, occurred_at, verification_id in rows.iterator(chunk_size=5000):
        if kind == Kind.REVERSAL:
            yield (user_id, amount - unrecovered, occurred_at, revoked_approval.get(verification_id))
        else:
            yield (user_id, amount, occurred_at, verification_id)


def jalali_month_key(moment: datetime.datetime) -> str:
    """ "1404-05" for a moment in Mordad 1404 (Tehran time): the months budgets are counted in."""
    jalali = jdatetime.date.fromgregorian(date=timezone.localtime(moment).date())
    return f"{jalali.year:04d}-{jalali.month:02d}"



def account_lots(account: PointsAccount) -> dict:
    """What is left of each of the account's lots (see rewards.ledger)."""
    rows = LedgerEntry.objects.filter(account=account).values_list(
        "pk", "kind", "amount", "expires_at", "verification_id", "lot_id", "verification__revokes_id"
    )
    return lots_remaining(
        EntryFacts(
            id=pk,
            kind=kind,
            amount=amount,
            expires_at=expires_at,
            verification_id=verification_id,
            lot_id=lot_id,
            revoked_approval_id=revokes_id if kind == Kind.REVERSAL else None,
        )
        for pk, kind, amount, expires_at, verification_id, lot_id, revokes_id in rows
    )



def reward_budget_used(*, reward: Reward, month: str) -> int:
    """Vouchers (or rials) of the reward's budget issued in the month; cancelled vouchers give theirs back."""
    issued = Voucher.objects.filter(reward=reward, budget_month=month).exclude(
        status=Voucher.Status.CANCELLED
    )
    if reward.budget_kind == Reward.BudgetKind.VALUE:
        return issued.aggregate(total=Sum("value_rials"))["total"] or 0
    return issued.count()



def counter_departments(*, user):
    return departments_for_staff(user=user)


# --- Credits that should exist ---------------------------------------------------------------------------


def approvals_missing_credit(*, decided_before: datetime.datetime) -> QuerySet[Verification]:
    """Final approvals decided before `decided_before` that stand (not revoked) and were never credited:
    no earn entry of their own, and none of an earlier approval of the same work that still stands (that
    one was paid instead). The outbox delivers every credit within minutes, so any found is a fault."""
    own_credit = LedgerEntry.objects.filter(kind=Kind.EARN, verification_id=OuterRef("pk"))
    same_work_paid = LedgerEntry.objects.filter(
        kind=Kind.EARN, verification__completion_id=OuterRef("completion_id")
    ).exclude(verification__revoked_by__ledger_entries__kind=Kind.REVERSAL)
    return (
        Verification.objects.filter(is_final_approval=True, created_at__lt=decided_before)
        .filter(revoked_by__isnull=True)
        .exclude(Exists(own_credit))
        .exclude(Exists(same_work_paid))
        .order_by("created_at", "pk")
    )


def revocations_missing_reversal(*, decided_before: datetime.datetime) -> QuerySet[Verification]:
    """Revocations decided before `decided_before` of approvals that were credited, with no reversal."""
    credited = LedgerEntry.objects.filter(
        kind__in=(Kind.EARN, Kind.BONUS), verification_id=OuterRef("revokes_id")
    )
    reversed_ = LedgerEntry.objects.filter(kind=Kind.REVERSAL, verification_id=OuterRef("pk"))
    return (
        Verification.objects.filter(decision=Verification.Decision.REVOKE, created_at__lt=decided_before)
        .filter(Exists(credited))
        .exclude(Exists(reversed_))
        .order_by("created_at", "pk")
    )
