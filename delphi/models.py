"""A Delphi study as the city runs it: candidates (services citizens might take over), panels of experts
who rate them on a Likert scale round after round, and what each closed round found.

The catalogue's 21 services came from such a study (../shared/seeds/003_*); the workbench lets the city run
the same method again, so the catalogue can grow the way it was made. A study whose figures were published
rather than computed here (the shipped one) says so: `figures_published`.
"""

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.localization import localized


class Study(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("being prepared")
        RUNNING = "running", _("running")
        CLOSED = "closed", _("closed")

    title_fa = models.CharField(_("title (Persian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    question_fa = models.TextField(_("question (Persian)"))
    question_en = models.TextField(_("question (English)"), blank=True)
    # Empty: a cross-department working group runs it.
    department = models.ForeignKey(
        "city.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delphi_studies",
        verbose_name=_("department"),
    )
    working_group = models.CharField(_("working group"), max_length=200, blank=True)
    scale_points = models.PositiveSmallIntegerField(
        _("points on the scale"), default=5, validators=[MinValueValidator(3), MaxValueValidator(10)]
    )
    # One {"fa": ..., "en": ...} per point, lowest first.
    scale_labels = models.JSONField(_("labels of the scale's points"), default=list, blank=True)
    qualifying_mean = models.DecimalField(
        _("a candidate qualifies with a mean above"), max_digits=4, decimal_places=2, default=Decimal("3.00")
    )
    qualifying_share_high = models.DecimalField(
        _("and at least this share of answers on the top two points"),
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("Optional, from 0 to 1 (0.6 is 60%)."),
    )
    stop_delta_w = models.DecimalField(
        _("stop when Kendall's W changes by less than"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.200"),
    )
    max_rounds = models.PositiveSmallIntegerField(
        _("at most this many rounds"), default=3, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    legal_screening = models.BooleanField(
        _("a legal committee screens candidates first"),
        default=False,
        help_text=_("Only candidates the committee allowed go to the panels."),
    )
    figures_published = models.BooleanField(
        _("figures as published"),
        default=False,
        editable=False,
        help_text=_("The study's figures were published, not computed here from answers."),
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    # For a study with published figures, what the publication says that the workbench would otherwise count
    # from its records: {"source_fa", "source_en", "funnel": [{"fa", "en", "count"}],
    # "reviewed_by_department": [{"fa", "en", "count"}], "notes": [{"fa", "en"}]}.
    published_facts = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("Delphi study")
        verbose_name_plural = _("Delphi studies")

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def question(self) -> str:
        return localized(self, "question")


class Panel(models.Model):
    """A panel of experts that rates some of the study's candidates (in the shipped study, one per deputy)."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="panels")
    name_fa = models.CharField(_("name (Persian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    # A panel none of whose candidates went on leaves the study after that round, with the reason.
    excluded_after_round = models.PositiveSmallIntegerField(
        _("left the study after round"), null=True, blank=True, editable=False
    )
    exclusion_reason_fa = models.TextField(_("why (Persian)"), blank=True, editable=False)
    exclusion_reason_en = models.TextField(_("why (English)"), blank=True, editable=False)

    class Meta:
        ordering = ["study", "sort_order", "pk"]
        verbose_name = _("panel")
        verbose_name_plural = _("panels")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


class Candidate(models.Model):
    """A service the panels rate; it drops out after a round whose figures do not qualify it."""

    class Source(models.TextChoices):
        STAFF = "staff", _("entered by staff")
        IDEA = "idea", _("a citizen's idea")

    class Legal(models.TextChoices):
        PENDING = "pending", _("not screened yet")
        ALLOWED = "allowed", _("allowed")
        EXCLUDED = "excluded", _("excluded")

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="candidates")
    panel = models.ForeignKey(
        Panel,
        on_delete=models.PROTECT,
        related_name="candidates",
        verbose_name=_("rated by"),
    )
    name_fa = models.CharField(_("name (Persian)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    description_fa = models.TextField(_("description (Persian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    source = models.CharField(_("source"), max_length=5, choices=Source.choices, default=Source.STAFF)
    legal = models.CharField(
        _("legal screening"), max_length=8, choices=Legal.choices, default=Legal.PENDING
    )
    legal_reason = models.TextField(_("the committee's reason"), blank=True)
    dropped_after_round = models.PositiveSmallIntegerField(
        _("dropped after round"), null=True, blank=True, editable=False
    )
    promoted_service = models.OneToOneField(
        "city.Service",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="delphi_candidate",
        verbose_name=_("became the service"),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["study", "panel", "sort_order", "pk"]
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    def clean(self):
        if self.panel_id and self.study_id and self.panel.study_id != self.study_id:
            raise ValidationError({"panel": _("Choose a panel of the same study.")})


def _panellist_token() -> str:
    return secrets.token_urlsafe(24)


class Panellist(models.Model):
    """A member of a panel. Known to staff by name; to other panellists, never: they see only figures and
    comments without a name. Answers through a private link carrying `token`."""

    class Role(models.TextChoices):
        PROFESSOR = "professor", _("university professor")
        PROCESS = "process", _("process specialist")
        STAFF_OWNER = "staff_owner", _("staff owner of the process")
        EXECUTIVE = "executive", _("executive owner of the process")
        OTHER = "other", _("other")

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="panellists")
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("mobile number"), max_length=11, blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    token = models.CharField(max_length=64, unique=True, default=_panellist_token, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["panel", "pk"]
        verbose_name = _("panellist")
        verbose_name_plural = _("panellists")

    def __str__(self) -> str:
        return self.name


class Round(models.Model):
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("round"))
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True, default=timezone.now)
    # Empty only in a study with published figures, whose rounds' dates were not published.
    closes_at = models.DateTimeField(_("answers due by"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["study", "number"]
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        constraints = [models.UniqueConstraint(fields=["study", "number"], name="delphi_round_number_once")]

    def __str__(self) -> str:
        return f"{self.study} #{self.number}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Submission(models.Model):
    """One panellist's answers to one round, sent once."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="submissions")
    panellist = models.ForeignKey(Panellist, on_delete=models.CASCADE, related_name="submissions")
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "panellist"], name="delphi_round_answered_once")
        ]

    def __str__(self) -> str:
        return f"{self.panellist} · {self.round}"


class Answer(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="answers")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="answers")
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True, max_length=2000)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["submission", "candidate"], name="delphi_candidate_answered_once")
        ]

    def __str__(self) -> str:
        return f"{self.candidate}: {self.score}"


class PanelResult(models.Model):
    """What a closed round found for one panel: its agreement, and whether to go on."""

    class Advice(models.TextChoices):
        CONTINUE = "continue", _("run another round")
        STOP = "stop", _("stop: the answers have settled")
        STOP_MAX = "stop_max", _("stop: the last round allowed")
        UNDEFINED = "undefined", _("agreement cannot be measured")
        EXCLUDED = "excluded", _("left the study: none of its candidates qualified")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="panel_results")
    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="results")
    raters = models.PositiveSmallIntegerField(_("panellists who answered"))
    items = models.PositiveSmallIntegerField(_("candidates rated"), null=True, blank=True)
    w = models.FloatField(_("Kendall's W"), null=True, blank=True)
    chi_square = models.FloatField(_("chi-square"), null=True, blank=True)
    df = models.PositiveSmallIntegerField(_("degrees of freedom"), null=True, blank=True)
    p_value = models.FloatField(_("p-value"), null=True, blank=True)
    delta_w = models.FloatField(_("change in W from the previous round"), null=True, blank=True)
    advice = models.CharField(_("advice"), max_length=9, choices=Advice.choices)
    published = models.BooleanField(_("as published"), default=False, editable=False)

    class Meta:
        ordering = ["round", "panel"]
        constraints = [models.UniqueConstraint(fields=["round", "panel"], name="delphi_panel_result_once")]

    def __str__(self) -> str:
        return f"{self.panel} · {self.round}"


class CandidateResult(models.Model):
    """A candidate's figures in a closed round."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="candidate_results")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="results")
    answers = models.PositiveSmallIntegerField(_("answers"))
    mean = models.FloatField(_("mean"), null=True, blank=True)
    sd = models.FloatField(_("standard deviation"), null=True, blank=True)
    share_high = models.FloatField(_("share of answers on the top two points"), null=True, blank=True)
    qualifies = models.BooleanField(_("qualifies"))
    published = models.BooleanField(_("as published"), default=False, editable=False)

    class Meta:
        ordering = ["round", "candidate"]
        constraints = [
            models.UniqueConstraint(fields=["round", "candidate"], name="delphi_candidate_result_once")
        ]

    def __str__(self) -> str:
        return f"{self.candidate} · {self.round}"


class PanellistNotice(models.Model):
    """A panellist's invitation to a round, or the reminder before it closes: one of each per round, made
    in the transaction that decides it and sent once (core.outbox)."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("invitation")
        REMINDER = "reminder", _("reminder")

    panellist = models.ForeignKey(Panellist, on_delete=models.CASCADE, related_name="notices")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["panellist", "round", "kind"], name="delphi_notice_once_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} · {self.panellist} · {self.round}"
