"""Every change of points, rewards and vouchers.

Each change of a person's points locks their `PointsAccount` row, writes ledger entries and moves the
account's balance and lifetime points with them, in one transaction: the balance is read from one row,
and PostgreSQL's check constraint refuses any write that would take it below zero. Locks are always taken
in the same order (reward, then voucher, then account) so that concurrent redemptions cannot deadlock.
"""

import datetime
import logging
import math
import secrets
from dataclasses import dataclass, field
from decimal import Decimal

import jdatetime
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, Sum, Value, When
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.localization import ascii_digits, format_date, format_number
from verification.models import Verification
from volunteers.notifications import person_language

from . import events
from .errors import (
    NotCounterStaff,
    RedemptionRefused,
    RewardErrorCode,
    RewardNotFound,
    VoucherNotFound,
    VoucherUnusable,
)
from .ledger import totals
from .models import EarningRule, LedgerEntry, PointsAccount, Reward, Voucher
from .selectors import account_lots, counter_departments, jalali_month_key, reward_budget_used

logger = logging.getLogger(__name__)
Kind = LedgerEntry.Kind


def points_expire_after() -> datetime.timedelta:
    return datetime.timedelta(days=getattr(settings, "POINTS_EXPIRE_AFTER_DAYS", 365))


# --- Accounts and the one way to write an entry ----------------------------------------------------------


def account_lock(*, user_id: int) -> PointsAccount:
    """The person's account, locked until the transaction ends; opened on first use."""
    account = PointsAccount.objects.select_for_update().filter(user_id=user_id).first()
    if account is None:
        # get_or_create survives a parallel first use (it retries the read after the unique key refuses).
        PointsAccount.objects.get_or_create(user_id=user_id)
        account = PointsAccount.objects.select_for_update().get(user_id=user_id)
    return account


def _entry_write(account: PointsAccount, *, kind: str, amount: int, occurred_at, **fields) -> LedgerEntry:
    """Adds an entry and moves the (locked) account with it. The only place entries are written."""
    entry = LedgerEntry.objects.create(
        account=account, kind=kind, amount=amount, occurred_at=occurred_at, **fields
    )
    lifetime_change = entry.lifetime_amount
    PointsAccount.objects.filter(pk=account.pk).update(
        balance=F("balance") + amount, lifetime=F("lifetime") + lifetime_change, updated_at=timezone.now()
    )
    account.balance += amount
    account.lifetime += lifetime_change
    return entry


def _lifetime_recorded(*, account: PointsAccount, amount: int, occurred_at, verification_id: int) -> None:
    """Tells the apps above (levels, badges, leaderboards) about a change of lifetime points, in the same
    transaction, so that their tallies commit or roll back with the ledger."""
    if not amount:
        return
    events.points_recorded.send(
        user_id=account.user_id, amount=amount, occurred_at=occurred_at, verification_id=verification_id
    )


# --- Earning ------------------------------------------------------------------------------------------------


@dataclass
class Credit:
    """What a verification was credited: the earn entry and any bonuses."""

    earn: LedgerEntry
    bonuses: list[LedgerEntry] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.earn.amount + sum(bonus.amount for bonus in self.bonuses)


def base_points(*, hours: Decimal, points_per_hour: int) -> int:
    """Hours × rate, rounded down: a part of a point is never paid."""
    return math.floor(Decimal(hours) * points_per_hour)


def _rules_for_service(service):
    return (
        EarningRule.objects.filter(is_active=True)
        .filter(
            Q(service=service)
            | Q(service__isnull=True, department_id=service.department_id)
            | Q(service__isnull=True, department__isnull=True)
        )
        .prefetch_related("districts")
        .order_by("pk")
    )


def _local_day_bounds(moment: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    local = timezone.localtime(moment)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + datetime.timedelta(days=1)


def _local_jalali_month_bounds(moment: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    """The Jalali month (the city's months) that `moment` falls in, as local midnights."""
    local = timezone.localtime(moment)
    jalali = jdatetime.date.fromgregorian(date=local.date())
    first = jdatetime.date(jalali.year, jalali.month, 1)
    following = jdatetime.date(jalali.year + (jalali.month == 12), jalali.month % 12 + 1, 1)
    tz = timezone.get_current_timezone()

    def midnight(day: jdatetime.date) -> datetime.datetime:
        return datetime.datetime.combine(day.togregorian(), datetime.time.min, tzinfo=tz)

    return midnight(first), midnight(following)


def _credited_in(account: PointsAccount, *, rule: EarningRule, start, end) -> int:
    """Points earned (earn and bonus) for work done in [start, end) within the rule's scope, leaving out
    approvals that were revoked: what a cap counts."""
    entries = LedgerEntry.objects.filter(
        account=account,
        kind__in=(Kind.EARN, Kind.BONUS),
        verification__completion__signup__shift__starts_at__gte=start,
        verification__completion__signup__shift__starts_at__lt=end,
    ).exclude(verification__revoked_by__ledger_entries__kind=Kind.REVERSAL)
    if rule.service_id:
        entries = entries.filter(verification__completion__signup__shift__call__service_id=rule.service_id)
    elif rule.department_id:
        entries = entries.filter(
            verification__completion__signup__shift__call__service__department_id=rule.department_id
        )
    return entries.aggregate(total=Sum("amount"))["total"] or 0


def _cap_room(account: PointsAccount, *, caps: list[EarningRule], worked_at) -> tuple[int | None, str]:
    """How many more points the caps allow for work done at `worked_at` (None: no cap), and which cap
    is tightest."""
    room, tightest = None, ""
    for cap in caps:
        bounds = _local_day_bounds(worked_at) if cap.kind == EarningRule.Kind.CAP_DAY else None
        start, end = bounds or _local_jalali_month_bounds(worked_at)
        left = max(cap.points - _credited_in(account, rule=cap, start=start, end=end), 0)
        if room is None or left < room:
            room, tightest = left, cap.name
    return room, tightest


def _week_start(moment: datetime.datetime) -> datetime.date:
    """The Saturday that starts the (Iranian) week of `moment`."""
    day = timezone.localtime(moment).date()
    return day - datetime.timedelta(days=(day.weekday() - 5) % 7)


def bonus_minimum_hours() -> Decimal:
    """The approved hours below which no bonus is earned (BONUS_MINIMUM_HOURS, one hour by default)."""
    return Decimal(str(settings.BONUS_MINIMUM_HOURS))


def _bonus_applies(rule: EarningRule, *, account: PointsAccount, approval, shift, signup) -> bool:
    Rule = EarningRule.Kind
    if rule.kind == Rule.FIRST_SHIFT:
        # The first verified shift that was real work: earlier approvals too short for a bonus (or of
        # 0 hours, from before those were refused) do not use it up.
        return not LedgerEntry.objects.filter(
            account=account, kind=Kind.EARN, amount__gt=0, verification__hours__gte=bonus_minimum_hours()
        ).exists()
    if rule.kind == Rule.TEAM:
        # A place from an NGO team's reservation (campaigns.TeamReservation) is team participation.
        return bool(getattr(signup, "reservation_id", None))
    if rule.kind == Rule.DISTRICT:
        return any(district.pk == shift.call.district_id for district in rule.districts.all())
    if rule.kind == Rule.STREAK:
        this_week = _week_start(shift.starts_at)
        first_week = this_week - datetime.timedelta(weeks=rule.streak_weeks - 1)
        earlier = LedgerEntry.objects.filter(account=account, kind=Kind.EARN).exclude(
            verification__revoked_by__ledger_entries__kind=Kind.REVERSAL
        )
        starts = earlier.values_list("verification__completion__signup__shift__starts_at", flat=True)
        weeks = {_week_start(start) for start in starts if start is not None}
        # Once a week at most: only the first verified shift of the week completes the streak.
        if this_week in weeks:
            return False
        return all(
            first_week + datetime.timedelta(weeks=number) in weeks for number in range(rule.streak_weeks - 1)
        )
    return False


def verification_points_credit(
    *, verification_id: int, now: datetime.datetime | None = None
) -> Credit | None:
    """Credits the points of the approval that made a completion approved: hours × the call's points per
    hour, plus the bonuses of the earning rules (for work of more than 0 hours), within their caps.
    Exactly once per approval, however often it is called, also in parallel; None when there is nothing
    (more) to credit.
    """
    try:
        return _verification_points_credit(verification_id=verification_id, now=now or timezone.now())
    except IntegrityError:
        # Only a parallel credit of the same approval gets here, and the unique constraint kept it once.
        if LedgerEntry.objects.filter(kind=Kind.EARN, verification_id=verification_id).exists():
            return None
        raise


@transaction.atomic
def _verification_points_credit(*, verification_id: int, now) -> Credit | None:
    approval = (
        Verification.objects.select_related(
            "completion__signup__shift__call__service", "completion__signup__volunteer"
        )
        .filter(pk=verification_id)
        .first()
    )
    if approval is None or not approval.is_final_approval:
        logger.warning("Verification %s is not a final approval; no points credited.", verification_id)
        return None
    completion = approval.completion
    signup = completion.signup
    shift, call = signup.shift, signup.shift.call
    account = account_lock(user_id=signup.volunteer_id)
    if LedgerEntry.objects.filter(kind=Kind.EARN, verification=approval).exists():
        return None
    # Two staff approving at the same moment must not pay one piece of work twice, even should both
    # approvals have been recorded as final: one credit per completion while it stands (the account lock
    # serialises the credits of one person, so this check does not race).
    if (
        LedgerEntry.objects.filter(kind=Kind.EARN, verification__completion_id=approval.completion_id)
        .exclude(verification__revoked_by__ledger_entries__kind=Kind.REVERSAL)
        .exists()
    ):
        logger.warning(
            "Completion %s was already credited; approval %s is not.", approval.completion_id, approval.pk
        )
        return None
    # A revocation that committed before this ran: the approval no longer stands (its reversal finds
    # nothing to take back, so neither side moves any points).
    if Verification.objects.filter(revokes=approval).exists():
        return None

    hours = completion.approved_hours if completion.approved_hours is not None else approval.hours
    hours = hours or Decimal(0)
    base = base_points(hours=hours, points_per_hour=call.points_per_hour)
    rules = list(_rules_for_service(call.service))
    room, cap_name = _cap_room(account, caps=[r for r in rules if r.is_cap], worked_at=shift.starts_at)
    # A bonus rewards real verified work: at least BONUS_MINIMUM_HOURS approved (a five-minute shift, or an
    # older approval of 0 hours, earns none).
    bonuses = [
        rule
        for rule in rules
        if hours >= bonus_minimum_hours()
        and not rule.is_cap
        and _bonus_applies(rule, account=account, approval=approval, shift=shift, signup=signup)
    ]

    def within_room(points: int) -> int:
        nonlocal room
        if room is None:
            return points
        allowed = min(points, room)
        room -= allowed
        return allowed

    expires_at = now + points_expire_after()
    earned = within_room(base)
    note = ""
    if earned < base:
        # Stored text, read by the volunteer on their ledger: written in their language, not the task's.
        with translation.override(person_language(signup.volunteer)):
            note = str(
                _("capped by “%(rule)s” (%(points)s of %(full)s)")
                % {"rule": cap_name, "points": format_number(earned), "full": format_number(base)}
            )[:200]
    credit = Credit(
        earn=_entry_write(
            account,
            kind=Kind.EARN,
            amount=earned,
            occurred_at=now,
            expires_at=expires_at,
            verification=approval,
            note=note,
        )
    )
    for rule in bonuses:
        points = within_room(rule.points)
        if points > 0:
            credit.bonuses.append(
                _entry_write(
                    account,
                    kind=Kind.BONUS,
                    amount=points,
                    occurred_at=now,
                    expires_at=expires_at,
                    verification=approval,
                    rule=rule,
                    note=rule.name[:200],
                )
            )
    _lifetime_recorded(account=account, amount=credit.total, occurred_at=now, verification_id=approval.pk)
    return credit


def verification_points_reverse(
    *, revocation_id: int, now: datetime.datetime | None = None
) -> LedgerEntry | None:
    """Takes back what an approval was credited (earn and bonuses, exactly, caps included) when it is
    revoked. Exactly once per revocation. Points already spent cannot be taken from a balance that never
    goes below zero: the reversal takes what is there and records the rest as unrecovered."""
    try:
        return _verification_points_reverse(revocation_id=revocation_id, now=now or timezone.now())
    except IntegrityError:
        if LedgerEntry.objects.filter(kind=Kind.REVERSAL, verification_id=revocation_id).exists():
            return None
        raise


@transaction.atomic
def _verification_points_reverse(*, revocation_id: int, now) -> LedgerEntry | None:
    revocation = (
        Verification.objects.select_related("revokes__completion__signup")
        .filter(pk=revocation_id, decision=Verification.Decision.REVOKE)
        .first()
    )
    if revocation is None or revocation.revokes is None:
        logger.warning("Verification %s is not a revocation; nothing reversed.", revocation_id)
        return None
    approval = revocation.revokes
    account = account_lock(user_id=approval.completion.signup.volunteer_id)
    if LedgerEntry.objects.filter(kind=Kind.REVERSAL, verification=revocation).exists():
        return None
    credited = LedgerEntry.objects.filter(
        account=account, kind__in=(Kind.EARN, Kind.BONUS), verification=approval
    ).aggregate(total=Sum("amount"))["total"]
    if credited is None:
        return None  # never credited: the credit, should it still run, sees the revocation and skips
    taken = min(credited, account.balance)
    entry = _entry_write(
        account,
        kind=Kind.REVERSAL,
        amount=-taken,
        unrecovered=credited - taken,
        occurred_at=now,
        verification=revocation,
    )
    _lifetime_recorded(account=account, amount=-credited, occurred_at=now, verification_id=approval.pk)
    return entry


# --- Expiry -------------------------------------------------------------------------------------------------


@transaction.atomic
def account_points_expire(*, account_id: int, now: datetime.datetime | None = None) -> int:
    """Expires what is left of the account's lots that are past their date, oldest first: one expiry
    entry per lot (a zero entry for a lot already spent, so that it is never looked at again). Returns
    the points expired."""
    now = now or timezone.now()
    account = PointsAccount.objects.select_for_update().get(pk=account_id)
    expired_lot_ids = set(
        LedgerEntry.objects.filter(account=account, kind=Kind.EXPIRY).values_list("lot_id", flat=True)
    )
    total = 0
    lots = sorted(account_lots(account).values(), key=lambda lot: (lot.expires_at, lot.entry_id))
    for lot in lots:
        if lot.expires_at is None or lot.expires_at > now or lot.entry_id in expired_lot_ids:
            continue
        _entry_write(account, kind=Kind.EXPIRY, amount=-lot.remaining, occurred_at=now, lot_id=lot.entry_id)
        total += lot.remaining
    return total


def points_expire(*, now: datetime.datetime | None = None, batch_size: int = 500) -> int:
    """Expires the points past their date for every account that has some, one account per transaction;
    what the beat task runs. Returns the points expired."""
    now = now or timezone.now()
    account_ids = (
        LedgerEntry.objects.filter(kind__in=LedgerEntry.LOT_KINDS, expires_at__lte=now, expiries__isnull=True)
        .order_by("account_id")
        .values_list("account_id", flat=True)
        .distinct()[:batch_size]
    )
    return sum(account_points_expire(account_id=account_id, now=now) for account_id in list(account_ids))


# --- Rewards and vouchers -------------------------------------------------------------------------------

# Crockford's base 32: no I, L, O or U, so a code read aloud or typed from paper is not misread.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16  # 16 × 5 = 80 bits
CODE_MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1"})


def voucher_code_generate() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def voucher_code_normalize(text: str) -> str:
    """The stored form of a code as typed, read from the QR code or pasted with its address: Persian
    digits, lower case, spaces, dashes and commonly misread letters are all forgiven."""
    text = ascii_digits((text or "").strip())
    if "/" in text:
        text = [part for part in text.split("/") if part][-1] if text.strip("/") else ""
    compact = "".join(ch for ch in text.upper() if ch.isalnum()).translate(CODE_MISREAD)
    if compact.startswith("HMY") and len(compact) == CODE_LENGTH + 3:
        compact = compact[3:]
    if len(compact) != CODE_LENGTH:
        return compact
    return "-".join(compact[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def _refused(code: RewardErrorCode, message) -> RedemptionRefused:
    return RedemptionRefused(code, message)


def reward_check_available(*, reward: Reward, now) -> None:
    if (
        not reward.is_active
        or reward.available_from > now
        or (reward.available_until is not None and reward.available_until <= now)
    ):
        raise _refused(RewardErrorCode.REWARD_UNAVAILABLE, _("This reward cannot be redeemed at the moment."))


def reward_redeem(*, reward_id: int, user, now: datetime.datetime | None = None) -> Voucher:
    """Buys a voucher for the reward with the person's points. Under the reward's row lock the monthly
    budget and the person's limit are counted, and under the account's the balance is read, so no
    number of parallel redemptions overspends either."""
    now = now or timezone.now()
    with transaction.atomic():
        reward = Reward.objects.select_for_update().select_related("department").filter(pk=reward_id).first()
        if reward is None:
            raise RewardNotFound(reward_id)
        reward_check_available(reward=reward, now=now)
        # The apps above may refuse (achievements: a reward above the person's level).
        events.redemption_requested.send(reward=reward, user=user)
        month = jalali_month_key(now)
        cost = reward.value_rials if reward.budget_kind == Reward.BudgetKind.VALUE else 1
        if reward_budget_used(reward=reward, month=month) + cost > reward.monthly_budget:
            raise _refused(
                RewardErrorCode.BUDGET_EXHAUSTED,
                _("This month's vouchers for this reward are all taken; try again next month."),
            )
        account = account_lock(user_id=user.pk)
        mine = Voucher.objects.filter(reward=reward, account=account).exclude(status=Voucher.Status.CANCELLED)
        if reward.per_person_period == Reward.LimitPeriod.MONTH:
            mine = mine.filter(budget_month=month)
        if mine.count() >= reward.per_person_limit:
            raise _refused(
                RewardErrorCode.PERSONAL_LIMIT_REACHED,
                _("You already have as many of these vouchers as one person may (%(limit)s).")
                % {"limit": reward.per_person_limit},
            )
        if account.balance < reward.points_price:
            raise _refused(
                RewardErrorCode.NOT_ENOUGH_POINTS,
                _("This reward costs %(price)s points and you have %(balance)s.")
                % {"price": reward.points_price, "balance": account.balance},
            )
        voucher = Voucher.objects.create(
            reward=reward,
            account=account,
            code=voucher_code_generate(),
            points_price=reward.points_price,
            value_rials=reward.value_rials,
            terms_fa=reward.terms_fa,
            terms_en=reward.terms_en,
            budget_month=month,
            issued_at=now,
            expires_at=now + datetime.timedelta(days=reward.voucher_valid_days),
        )
        _entry_write(account, kind=Kind.REDEEM, amount=-reward.points_price, occurred_at=now, voucher=voucher)
    return voucher


def _voucher_refund(voucher: Voucher, *, now) -> LedgerEntry | None:
    """Gives a voucher's points back, once (the unique constraint on refunds keeps it once). Refunded
    points are a new lot with a full expiry period."""
    account = PointsAccount.objects.select_for_update().get(pk=voucher.account_id)
    if LedgerEntry.objects.filter(kind=Kind.REFUND, voucher=voucher).exists():
        return None
    return _entry_write(
        account,
        kind=Kind.REFUND,
        amount=voucher.points_price,
        occurred_at=now,
        expires_at=now + points_expire_after(),
        voucher=voucher,
    )


def voucher_may_be_handled_by(*, voucher: Voucher, user) -> bool:
    """Staff of the issuing department (or an administrator) accept and cancel its vouchers."""
    return counter_departments(user=user).filter(pk=voucher.reward.department_id).exists()


def _unusable(voucher: Voucher, *, now) -> VoucherUnusable:
    if voucher.status == Voucher.Status.REDEEMED:
        return VoucherUnusable(
            RewardErrorCode.VOUCHER_ALREADY_REDEEMED,
            _("This voucher was already used, on %(when)s.")
            % {"when": format_date(voucher.redeemed_at, with_time=True)},
            details={"redeemed_at": voucher.redeemed_at.isoformat()},
        )
    if voucher.status == Voucher.Status.CANCELLED:
        return VoucherUnusable(RewardErrorCode.VOUCHER_CANCELLED, _("This voucher was cancelled."))
    return VoucherUnusable(
        RewardErrorCode.VOUCHER_EXPIRED,
        _("This voucher expired on %(when)s.") % {"when": format_date(voucher.expires_at, with_time=True)},
        status_code=410,
        details={"expires_at": voucher.expires_at.isoformat()},
    )


def voucher_redeem_at_counter(*, code: str, actor, now: datetime.datetime | None = None) -> Voucher:
    """Accepts a voucher at a municipal counter: exactly once, by a conditional UPDATE that only one of
    any number of counters scanning it at the same moment can win."""
    now = now or timezone.now()
    if not counter_departments(user=actor).exists():
        raise NotCounterStaff()
    voucher = (
        Voucher.objects.select_related("reward__department").filter(code=voucher_code_normalize(code)).first()
    )
    if voucher is None:
        raise VoucherNotFound()
    if not voucher_may_be_handled_by(voucher=voucher, user=actor):
        raise NotCounterStaff()
    won = Voucher.objects.filter(pk=voucher.pk, status=Voucher.Status.ISSUED, expires_at__gt=now).update(
        status=Voucher.Status.REDEEMED, redeemed_at=now, redeemed_by=actor
    )
    voucher.refresh_from_db()
    if not won:
        raise _unusable(voucher, now=now)
    return voucher


@transaction.atomic
def voucher_cancel(*, voucher: Voucher, actor, now: datetime.datetime | None = None) -> Voucher:
    """Staff cancel an unused voucher; its points go back to the person, once."""
    now = now or timezone.now()
    if not voucher_may_be_handled_by(voucher=voucher, user=actor):
        raise NotCounterStaff()
    voucher = Voucher.objects.select_for_update().get(pk=voucher.pk)
    if voucher.status != Voucher.Status.ISSUED:
        raise _unusable(voucher, now=now)
    voucher.status = Voucher.Status.CANCELLED
    voucher.cancelled_at, voucher.cancelled_by = now, actor
    voucher.save(update_fields=["status", "cancelled_at", "cancelled_by"])
    _voucher_refund(voucher, now=now)
    return voucher


@transaction.atomic
def voucher_expire(*, voucher_id: int, now: datetime.datetime | None = None) -> bool:
    """Marks an unused voucher past its date expired and refunds its points, once."""
    now = now or timezone.now()
    voucher = Voucher.objects.select_for_update().filter(pk=voucher_id).first()
    if voucher is None or voucher.status != Voucher.Status.ISSUED or voucher.expires_at > now:
        return False
    voucher.status = Voucher.Status.EXPIRED
    voucher.save(update_fields=["status"])
    _voucher_refund(voucher, now=now)
    return True


def vouchers_expire(*, now: datetime.datetime | None = None, batch_size: int = 500) -> int:
    """Expires the unused vouchers past their date, each in its own transaction; what beat runs."""
    now = now or timezone.now()
    due = Voucher.objects.filter(status=Voucher.Status.ISSUED, expires_at__lte=now).order_by("expires_at")
    return sum(
        voucher_expire(voucher_id=pk, now=now) for pk in list(due.values_list("pk", flat=True)[:batch_size])
    )


# --- Proving the ledger ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerMismatch:
    account_id: int
    balance: int
    ledger_balance: int
    lifetime: int
    ledger_lifetime: int


def ledger_verify(*, account_ids=None) -> list[LedgerMismatch]:
    """Accounts whose balance or lifetime points differ from the sums of their ledger entries, or whose
    balance is negative: none, when all is well. The sums are computed by the database, one row per
    account."""
    entries = LedgerEntry.objects.order_by()
    accounts = PointsAccount.objects.order_by("pk")
    if account_ids is not None:
        entries, accounts = entries.filter(account_id__in=account_ids), accounts.filter(pk__in=account_ids)
    lifetime = Sum(
        Case(
            When(kind__in=(Kind.EARN, Kind.BONUS), then=F("amount")),
            When(kind=Kind.REVERSAL, then=F("amount") - F("unrecovered")),
            default=Value(0),
        )
    )
    sums = {
        row["account_id"]: (row["balance"], row["lifetime"])
        for row in entries.values("account_id").annotate(balance=Sum("amount"), lifetime=lifetime)
    }
    mismatches = []
    for account_id, balance, account_lifetime in accounts.values_list("pk", "balance", "lifetime").iterator():
        ledger_balance, ledger_lifetime = sums.get(account_id, (0, 0))
        if (balance, account_lifetime) != (ledger_balance, ledger_lifetime) or balance < 0:
            mismatches.append(
                LedgerMismatch(account_id, balance, ledger_balance, account_lifetime, ledger_lifetime)
            )
    return mismatches


@transaction.atomic
def account_recompute(*, account_id: int) -> PointsAccount:
    """Sets an account's balance and lifetime points to the sums of its ledger: the ledger is the truth,
    the account only a cache of it."""
    account = PointsAccount.objects.select_for_update().get(pk=account_id)
    account.balance, account.lifetime = totals(LedgerEntry.objects.filter(account=account))
    account.save(update_fields=["balance", "lifetime", "updated_at"])
    return account
