"""Points and what they buy: an append-only ledger, earning rules, the reward catalogue and vouchers.

The ledger is the truth. A `PointsAccount` keeps the balance and lifetime points denormalised for cheap
reads, but they change only together with a ledger insert, under the account's row lock, and
`rewards.services.ledger_verify` (`manage.py check_ledger`) proves at any time that they equal the sums of
the entries. "Exactly once" lives in the database: partial unique constraints allow one earn per
verification, one bonus per rule and verification, one reversal per revocation, one redemption and one
refund per voucher, one expiry per lot; a check constraint keeps every balance at or above zero.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.localization import is_persian, localized


class PointsAccount(models.Model):
    """A person's points: the balance they can spend and the lifetime points they have earned (net of
    reversals), both derived from their ledger entries."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        # A person with points has a money-like history that must not vanish with them.
        on_delete=models.PROTECT,
        related_name="points_account",
        verbose_name=_("person"),
    )
    balance = models.BigIntegerField(_("balance"), default=0, editable=False)
    lifetime = models.BigIntegerField(_("lifetime points"), default=0, editable=False)
    updated_at = models.DateTimeField(_("last changed at"), auto_now=True)

    class Meta:
        verbose_name = _("points account")
        verbose_name_plural = _("points accounts")
        constraints = [
            models.CheckConstraint(condition=models.Q(balance__gte=0), name="points_balance_never_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.balance}"


class EarningRule(models.Model):
    """A rule staff configure, without code, for the points a verified shift earns: a bonus on top of the
    call's points per hour, or a cap on what one person earns in a day or a month.

    A rule applies to one service, or to every service of its department when no service is chosen, or to
    every service of the city when neither is chosen (administrators only).
    """

    class Kind(models.TextChoices):
        FIRST_SHIFT = "first_shift", _("bonus: the person's first verified shift ever")
        TEAM = "team", _("bonus: taking part with an NGO team")
        STREAK = "streak", _("bonus: verified shifts in consecutive weeks")
        DISTRICT = "district", _("bonus: work in an under-served district")
        CAP_DAY = "cap_day", _("cap: most points per person per day")
        CAP_MONTH = "cap_month", _("cap: most points per person per month")

    BONUS_KINDS = (Kind.FIRST_SHIFT, Kind.TEAM, Kind.STREAK, Kind.DISTRICT)
    CAP_KINDS = (Kind.CAP_DAY, Kind.CAP_MONTH)

    name = models.CharField(_("name (Persian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    department = models.ForeignKey(
        "city.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="earning_rules",
        verbose_name=_("department"),
        help_text=_("Empty: every department (administrators only)."),
    )
    service = models.ForeignKey(
        "city.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="earning_rules",
        verbose_name=_("service"),
        help_text=_("Empty: every service of the department."),
    )
    points = models.PositiveIntegerField(
        _("points"),
        validators=[MinValueValidator(1), MaxValueValidator(1_000_000)],
        help_text=_("The bonus, or for a cap the most points a person may earn in the day or month."),
    )
    streak_weeks = models.PositiveSmallIntegerField(
        _("weeks in a row"),
        default=3,
        validators=[MinValueValidator(2), MaxValueValidator(52)],
        help_text=_("For a streak bonus: how many consecutive weeks with a verified shift earn it."),
    )
    districts = models.ManyToManyField(
        "city.District",
        blank=True,
        related_name="+",
        verbose_name=_("under-served districts"),
        help_text=_("For a district bonus: work in these districts earns it."),
    )
    districts_follow_equity = models.BooleanField(
        _("districts follow the open city's equity figures"),
        default=False,
        help_text=_(
            "For a district bonus: every hour, the districts become those the open city shows as "
            "under-served (participation per thousand residents below half the city's)."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["department", "kind", "pk"]
        verbose_name = _("earning rule")
        verbose_name_plural = _("earning rules")
        constraints = [
            models.CheckConstraint(condition=models.Q(points__gte=1), name="earning_rule_points_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The rule's name in the reader's language (Persian when it has no English name)."""
        return self.name if is_persian() or not self.name_en else self.name_en

    @property
    def is_cap(self) -> bool:
        return self.kind in self.CAP_KINDS

    def clean(self):
        if self.service_id and self.department_id and self.service.department_id != self.department_id:
            raise ValidationError({"service": _("Choose a service of the rule's department.")})


class Reward(models.Model):
    """Something from the city that points buy: a discount on pool tickets, free entry to an event…

    The issuing department pays for it, so each reward has a monthly budget (a number of vouchers or a
    money value) that redemptions never overspend, and a limit per person.
    """

    class BudgetKind(models.TextChoices):
        COUNT = "count", _("number of vouchers")
        VALUE = "value", _("money value (rials)")

    class LimitPeriod(models.TextChoices):
        MONTH = "month", _("per month")
        EVER = "ever", _("in total")

    department = models.ForeignKey(
        "city.Department",
        on_delete=models.PROTECT,
        related_name="rewards",
        verbose_name=_("issuing department"),
    )
    name_fa = models.CharField(_("name (Persian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_fa = models.TextField(_("description (Persian)"), blank=True, max_length=2000)
    description_en = models.TextField(_("description (English)"), blank=True, max_length=2000)
    terms_fa = models.TextField(_("terms (Persian)"), max_length=2000)
    terms_en = models.TextField(_("terms (English)"), blank=True, max_length=2000)
    points_price = models.PositiveIntegerField(
        _("price in points"), validators=[MinValueValidator(1), MaxValueValidator(10_000_000)]
    )
    value_rials = models.PositiveBigIntegerField(
        _("value of one voucher (rials)"),
        default=0,
        help_text=_("What one voucher costs the department; for the budget and its report."),
    )
    budget_kind = models.CharField(
        _("monthly budget in"), max_length=5, choices=BudgetKind.choices, default=BudgetKind.COUNT
    )
    monthly_budget = models.PositiveBigIntegerField(
        _("monthly budget"), help_text=_("Vouchers, or rials, that may be issued in one (Jalali) month.")
    )
    per_person_limit = models.PositiveSmallIntegerField(
        _("vouchers per person"), default=1, validators=[MinValueValidator(1)]
    )
    per_person_period = models.CharField(
        _("limit per person applies"), max_length=5, choices=LimitPeriod.choices, default=LimitPeriod.MONTH
    )
    # The lifetime points of the level needed (achievements.Level.min_points); 0: anyone. A number rather
    # than a key to the level, so that renaming or removing a level never breaks the catalogue.
    min_level_points = models.PositiveIntegerField(
        _("minimum level"), default=0, help_text=_("Only people at this level or above may redeem it.")
    )
    available_from = models.DateTimeField(_("available from"), default=timezone.now)
    available_until = models.DateTimeField(_("available until"), null=True, blank=True)
    voucher_valid_days = models.PositiveSmallIntegerField(
        _("voucher valid for (days)"), default=30, validators=[MinValueValidator(1), MaxValueValidator(730)]
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["sort_order", "points_price", "pk"]
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")
        constraints = [
            models.CheckConstraint(condition=models.Q(points_price__gte=1), name="reward_price_positive"),
            models.CheckConstraint(
                condition=models.Q(available_until__isnull=True)
                | models.Q(available_until__gt=models.F("available_from")),
                name="reward_available_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("rewards:redeem", kwargs={"reward_id": self.pk})

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def description(self) -> str:
        return localized(self, "description")

    @property
    def terms(self) -> str:
        return localized(self, "terms")

    def clean(self):
        if self.budget_kind == self.BudgetKind.VALUE and not self.value_rials:
            raise ValidationError({"value_rials": _("A budget in money needs the value of one voucher.")})


class Voucher(models.Model):
    """A reward bought with points: an unguessable code, shown as a QR code, used once at a municipal
    counter before it expires. Cancelled or expired vouchers give their points back, once."""

    class Status(models.TextChoices):
        ISSUED = "issued", _("ready to use")
        REDEEMED = "redeemed", _("used")
        CANCELLED = "cancelled", _("cancelled")
        EXPIRED = "expired", _("expired")

    reward = models.ForeignKey(
        Reward, on_delete=models.PROTECT, related_name="vouchers", verbose_name=_("reward")
    )
    account = models.ForeignKey(
        PointsAccount, on_delete=models.PROTECT, related_name="vouchers", verbose_name=_("points account")
    )
    code = models.CharField(_("code"), max_length=32, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ISSUED)
    # What was agreed when it was issued; later edits of the reward do not change a voucher in a pocket.
    points_price = models.PositiveIntegerField(_("points paid"))
    value_rials = models.PositiveBigIntegerField(_("value (rials)"), default=0)
    terms_fa = models.TextField(_("terms (Persian)"), blank=True)
    terms_en = models.TextField(_("terms (English)"), blank=True)
    # The Jalali month ("1404-05") whose budget it was issued from.
    budget_month = models.CharField(_("budget month"), max_length=7, db_index=True)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    redeemed_at = models.DateTimeField(_("used at"), null=True, blank=True)
    redeemed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("voucher")
        verbose_name_plural = _("vouchers")
        indexes = [
            models.Index(fields=["reward", "budget_month", "status"]),
            models.Index(fields=["status", "expires_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="redeemed") | models.Q(redeemed_at__isnull=False),
                name="redeemed_voucher_has_time",
            ),
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("issued_at")), name="voucher_expires_after_issue"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("rewards:voucher", kwargs={"code": self.code})

    @property
    def terms(self) -> str:
        return localized(self, "terms")


class LedgerEntry(models.Model):
    """One change of a person's points. Rows are only ever added (on PostgreSQL a trigger refuses UPDATE
    and DELETE); a mistake is corrected by a new entry, never by editing an old one.

    `amount` is what the entry adds to the balance (negative for redeem, reversal and expiry). Earns and
    bonuses are lots that expire at `expires_at`; an expiry entry names the lot it expires. A reversal
    that finds some of the credited points already spent takes what is left and records the rest as
    `unrecovered`: lifetime points drop by the whole credit, the balance never below zero.
    """

    class Kind(models.TextChoices):
        EARN = "earn", _("earned")
        BONUS = "bonus", _("bonus")
        REDEEM = "redeem", _("spent on a voucher")
        REFUND = "refund", _("voucher refunded")
        REVERSAL = "reversal", _("approval revoked")
        EXPIRY = "expiry", _("expired")

    CREDIT_KINDS = (Kind.EARN, Kind.BONUS, Kind.REFUND)
    LOT_KINDS = CREDIT_KINDS
    LIFETIME_KINDS = (Kind.EARN, Kind.BONUS, Kind.REVERSAL)

    account = models.ForeignKey(
        PointsAccount, on_delete=models.PROTECT, related_name="entries", verbose_name=_("points account")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    amount = models.BigIntegerField(_("points"))
    unrecovered = models.BigIntegerField(_("points already spent"), default=0)
    occurred_at = models.DateTimeField(_("at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    verification = models.ForeignKey(
        "verification.Verification",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_entries",
        verbose_name=_("verification"),
    )
    rule = models.ForeignKey(
        EarningRule, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("rule")
    )
    voucher = models.ForeignKey(
        Voucher, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_entries"
    )
    lot = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="expiries",
        verbose_name=_("lot"),
    )
    # Why the points differ from hours × rate, e.g. a cap that applied.
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        indexes = [
            models.Index(fields=["account", "occurred_at"]),
            models.Index(fields=["kind", "expires_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["verification"], condition=models.Q(kind="earn"), name="one_earn_per_verification"
            ),
            models.UniqueConstraint(
                fields=["verification", "rule"],
                condition=models.Q(kind="bonus"),
                name="one_bonus_per_rule_and_verification",
            ),
            # The reversal names the revocation (a Verification row with decision "revoke").
            models.UniqueConstraint(
                fields=["verification"],
                condition=models.Q(kind="reversal"),
                name="one_reversal_per_revocation",
            ),
            models.UniqueConstraint(
                fields=["voucher"], condition=models.Q(kind="redeem"), name="one_redemption_per_voucher"
            ),
            models.UniqueConstraint(
                fields=["voucher"], condition=models.Q(kind="refund"), name="one_refund_per_voucher"
            ),
            models.UniqueConstraint(
                fields=["lot"], condition=models.Q(kind="expiry"), name="one_expiry_per_lot"
            ),
            models.CheckConstraint(
                condition=(models.Q(kind__in=["earn"]) & models.Q(amount__gte=0))
                | (models.Q(kind__in=["bonus", "refund"]) & models.Q(amount__gt=0))
                | (models.Q(kind="redeem") & models.Q(amount__lt=0))
                # A zero expiry marks a lot that was spent before its date; a zero reversal, an approval
                # whose points were all capped away.
                | (models.Q(kind__in=["reversal", "expiry"]) & models.Q(amount__lte=0)),
                name="ledger_amount_sign_matches_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(unrecovered__gte=0), name="ledger_unrecovered_positive"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind__in=["earn", "bonus", "reversal"])
                | models.Q(verification__isnull=False),
                name="ledger_points_name_their_verification",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind__in=["redeem", "refund"]) | models.Q(voucher__isnull=False),
                name="ledger_voucher_entries_name_their_voucher",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="expiry") | models.Q(lot__isnull=False),
                name="ledger_expiry_names_lot",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="bonus") | models.Q(rule__isnull=False),
                name="ledger_bonus_names_rule",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} · {self.kind} {self.amount:+d}"

    @property
    def lifetime_amount(self) -> int:
        """What the entry adds to lifetime points."""
        if self.kind in (self.Kind.EARN, self.Kind.BONUS):
            return self.amount
        if self.kind == self.Kind.REVERSAL:
            return self.amount - self.unrecovered
        return 0
