"""Levels, badges and leaderboard tallies.

Everything here is fed by `achievements.services.points_recorded`, which hears rewards' "points recorded"
event inside the transaction that writes a ledger entry changing someone's lifetime points. Leaderboards are
read from denormalised tallies (`LeaderboardScore`), never by summing the ledger per request: with a million
ledger entries a top-50 is then an index scan and a person's rank one indexed COUNT.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.localization import localized

from .icons import BADGE_ICON_CHOICES


class Level(models.Model):
    """A stage a volunteer reaches by lifetime points (Seed, Sprout, Tree…). Staff define them.

    A person's level is the one with the highest `min_points` not above their lifetime points, so it
    follows revocations down as well as credits up.
    """

    name_fa = models.CharField(_("name (Persian)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True)
    min_points = models.PositiveIntegerField(
        _("lifetime points needed"),
        unique=True,
        help_text=_("A person reaches this level at this many points."),
    )
    icon = models.CharField(_("icon"), max_length=20, choices=BADGE_ICON_CHOICES, default="leaf")

    class Meta:
        ordering = ["min_points"]
        verbose_name = _("level")
        verbose_name_plural = _("levels")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


class Badge(models.Model):
    """A distinction staff define by a rule; it is awarded automatically, once, when a person meets it.

    Badges are never taken back: a later revocation of points lowers the level but leaves badges earned.
    """

    class Rule(models.TextChoices):
        SERVICE_SHIFTS = "service_shifts", _("verified shifts in a service")
        DEPARTMENT_SHIFTS = "department_shifts", _("verified shifts in a department")
        VERIFIED_HOURS = "verified_hours", _("verified hours in total")
        FIRST_IN_DEPARTMENT = "first_in_department", _("first verified shift in a department")
        EVERY_DEPARTMENT = "every_department", _("a verified shift in every department")
        LIFETIME_POINTS = "lifetime_points", _("lifetime points")

    RULES_NEEDING_SERVICE = (Rule.SERVICE_SHIFTS,)
    RULES_NEEDING_DEPARTMENT = (Rule.DEPARTMENT_SHIFTS, Rule.FIRST_IN_DEPARTMENT)
    RULES_NEEDING_THRESHOLD = (
        Rule.SERVICE_SHIFTS,
        Rule.DEPARTMENT_SHIFTS,
        Rule.VERIFIED_HOURS,
        Rule.LIFETIME_POINTS,
    )

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name_fa = models.CharField(_("name (Persian)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    description_fa = models.TextField(_("description (Persian)"), blank=True, max_length=500)
    description_en = models.TextField(_("description (English)"), blank=True, max_length=500)
    icon = models.CharField(_("icon"), max_length=20, choices=BADGE_ICON_CHOICES, default="star")
    rule = models.CharField(_("rule"), max_length=24, choices=Rule.choices)
    service = models.ForeignKey(
        "city.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service"),
        help_text=_("For “verified shifts in a service”."),
    )
    department = models.ForeignKey(
        "city.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
        help_text=_("For “verified shifts in a department” and “first verified shift in a department”."),
    )
    threshold = models.PositiveIntegerField(
        _("threshold"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("How many shifts, hours or points the rule needs."),
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive badges are no longer awarded; awarded ones stay.")
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("badge")
        verbose_name_plural = _("badges")
        constraints = [
            models.CheckConstraint(condition=models.Q(threshold__gte=1), name="badge_threshold_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def description(self) -> str:
        return localized(self, "description")

    def clean(self):
        errors = {}
        if self.rule in self.RULES_NEEDING_SERVICE and not self.service_id:
            errors["service"] = _("This rule needs a service.")
        if self.rule in self.RULES_NEEDING_DEPARTMENT and not self.department_id:
            errors["department"] = _("This rule needs a department.")
        if errors:
            raise ValidationError(errors)


class BadgeAward(models.Model):
    """That a person earned a badge. The unique constraint makes each award exactly-once, even when two
    credits for the same person are recorded at the same moment."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="badge_awards",
        verbose_name=_("person"),
    )
    badge = models.ForeignKey(Badge, on_delete=models.CASCADE, related_name="awards", verbose_name=_("badge"))
    awarded_at = models.DateTimeField(_("awarded at"), default=timezone.now)
    # The verification whose credit completed the rule, when there was one.
    verification_id = models.BigIntegerField(null=True, blank=True, editable=False)
    # Set when the person has been told; the conditional update that sets it makes the notice exactly-once.
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-awarded_at", "-pk"]
        verbose_name = _("badge award")
        verbose_name_plural = _("badge awards")
        constraints = [
            models.UniqueConstraint(fields=["user", "badge"], name="one_award_per_person_and_badge"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.badge_id}"


class LevelAttainment(models.Model):
    """That a person reached a level for the first time: the claim that makes the congratulation
    exactly-once, even if points are revoked and earned again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="+")
    reached_at = models.DateTimeField(default=timezone.now)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("level reached")
        verbose_name_plural = _("levels reached")
        constraints = [
            models.UniqueConstraint(fields=["user", "level"], name="one_attainment_per_person_and_level"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.level_id}"


class LeaderboardScore(models.Model):
    """The points of one subject (a person, an NGO, a team, a district) on one board for one period.

    `period` is "all" or a Jalali month "YYYY-MM" (e.g. "1404-05") in the city's time zone: people here
    think in Jalali months, and the years (14xx) never collide with Gregorian ones. Rows are changed only
    by F() increments inside the ledger's transaction, and can be rebuilt from the ledger with
    `manage.py rebuild_leaderboards`.
    """

    class Board(models.TextChoices):
        INDIVIDUAL = "individual", _("individuals")
        NGO = "ngo", _("NGOs")
        TEAM = "team", _("teams")
        DISTRICT = "district", _("districts")

    ALL_TIME = "all"

    board = models.CharField(max_length=10, choices=Board.choices)
    subject_id = models.BigIntegerField()
    period = models.CharField(max_length=7)
    points = models.BigIntegerField(default=0)
    # False for a person who chose not to appear on boards: kept here, not read from the user, so that
    # ranks are counted on this table's index alone. Kept in step by achievements.signals.
    listed = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("leaderboard score")
        verbose_name_plural = _("leaderboard scores")
        constraints = [
            models.UniqueConstraint(
                fields=["board", "period", "subject_id"], name="one_score_per_board_period_and_subject"
            ),
        ]
        indexes = [
            # Top-N is a scan of this index and a rank is a COUNT over it; ties are broken by subject id.
            models.Index(
                "board",
                "period",
                "listed",
                models.F("points").desc(),
                "subject_id",
                name="leaderboard_rank_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.board}:{self.subject_id}@{self.period} = {self.points}"


class LeaderboardBucket(models.Model):
    """How many listed subjects of a board have exactly `points` in a period (only points above zero).

    A rank is 1 + the sum of the buckets above the person's points: a few thousand rows at most (people
    share point values), where counting the people ahead would read up to every row of the board. Kept
    in step with `LeaderboardScore` in the same transactions (see achievements.services).
    """

    board = models.CharField(max_length=10, choices=LeaderboardScore.Board.choices)
    period = models.CharField(max_length=7)
    points = models.BigIntegerField()
    subjects = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("leaderboard bucket")
        verbose_name_plural = _("leaderboard buckets")
        constraints = [
            models.UniqueConstraint(
                fields=["board", "period", "points"], name="one_bucket_per_board_period_points"
            ),
            models.CheckConstraint(condition=models.Q(subjects__gte=0), name="bucket_never_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.board}@{self.period}: {self.subjects} at {self.points}"
