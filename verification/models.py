import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.localization import localized


class Completion(models.Model):
    """A volunteer's report that they did their shift, waiting for staff of the call's department to verify.

    One per sign-up. Its status is where the verification stands; every decision that moved it there is
    kept as a `Verification` row, and points are credited for the approving decision (see rewards).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for verification")
        # Approved once, but the award is large enough to need a second approver.
        AWAITING_SECOND_APPROVAL = "second", _("waiting for a second approver")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        REVOKED = "revoked", _("approval revoked")

    signup = models.OneToOneField(
        "campaigns.SignUp", on_delete=models.PROTECT, related_name="completion", verbose_name=_("sign-up")
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reported by"),
        help_text=_("The volunteer, or the manager of their NGO team."),
    )
    hours = models.DecimalField(
        _("hours reported"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0)]
    )
    note = models.TextField(_("note"), blank=True, max_length=2000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    approved_hours = models.DecimalField(
        _("hours approved"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField(_("reported at"), default=timezone.now)
    updated_at = models.DateTimeField(_("last changed at"), auto_now=True)
    # A rejected report may be corrected and sent again, a limited number of times (see services).
    submission_count = models.PositiveSmallIntegerField(_("times sent"), default=1, editable=False)
    resubmitted_at = models.DateTimeField(_("sent again at"), null=True, blank=True, editable=False)
    # Staff entered the hours for the person (who could not check in or report): why. The report then goes
    # through verification like any other, by someone else (is_own_work: its reporter may not decide).
    on_behalf_reason = models.CharField(_("entered for the person because"), max_length=300, blank=True)
    # Its before and after photos on the open city page, without names: only when whoever reported it
    # allowed it (and may take it back), the work was approved, and staff have not kept them off.
    photos_public = models.BooleanField(_("photos may be shown publicly"), default=False)
    photos_withheld_at = models.DateTimeField(_("photos kept off the public page at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("completion report")
        verbose_name_plural = _("completion reports")
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="completion_hours_positive"),
            models.CheckConstraint(
                condition=~models.Q(status="approved") | models.Q(approved_hours__isnull=False),
                name="approved_completion_has_hours",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.signup} · {self.hours} h · {self.status}"

    @property
    def is_open(self) -> bool:
        """Still waiting for a decision (the first, or the second approval)."""
        return self.status in (self.Status.PENDING, self.Status.AWAITING_SECOND_APPROVAL)


def completion_photo_path(instance, filename: str) -> str:
    # Media is served without a permission check; a random name keeps one report's photos unguessable.
    return f"completions/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.jpg"


class CompletionPhoto(models.Model):
    """A before or after photo of the work. Stored re-encoded, without its location (EXIF) metadata."""

    class Kind(models.TextChoices):
        BEFORE = "before", _("before")
        AFTER = "after", _("after")

    completion = models.ForeignKey(Completion, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices, default=Kind.AFTER)
    image = models.ImageField(_("photo"), upload_to=completion_photo_path)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("completion photo")
        verbose_name_plural = _("completion photos")

    def __str__(self) -> str:
        return f"{self.completion_id} · {self.kind}"


class Verification(models.Model):
    """One decision on a completion report, by one member of staff. Rows are only ever added.

    An approval (`approve`, or `second_approval` when a second approver is needed) that makes the
    completion approved is what points are credited for, once; a `revoke` row names the approval it
    takes back, and its points are reversed once.
    """

    class Decision(models.TextChoices):
        APPROVE = "approve", _("approved")
        SECOND_APPROVAL = "second", _("second approval")
        REJECT = "reject", _("rejected")
        REVOKE = "revoke", _("revoked")

    completion = models.ForeignKey(
        Completion, on_delete=models.PROTECT, related_name="verifications", verbose_name=_("completion")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2, null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True, max_length=1000)
    # True on the approval that made the completion approved: the one points are credited for.
    is_final_approval = models.BooleanField(default=False, editable=False)
    revokes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revoked_by",
        verbose_name=_("revokes"),
    )
    created_at = models.DateTimeField(_("decided at"), default=timezone.now)
    # Claim that makes the volunteer's notice of this decision exactly-once.
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        constraints = [
            # Points are credited per final approval: a completion can have only one, whatever races.
            models.UniqueConstraint(
                fields=["completion"],
                condition=models.Q(is_final_approval=True),
                name="one_final_approval_per_completion",
            ),
            models.CheckConstraint(
                condition=~models.Q(decision="revoke") | ~models.Q(reason=""),
                name="revocation_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(is_final_approval=False) | models.Q(decision__in=["approve", "second"]),
                name="final_approval_is_an_approval",
            ),
            models.CheckConstraint(
                condition=~models.Q(decision="reject") | ~models.Q(reason=""),
                name="rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(decision="revoke", revokes__isnull=False)
                | (~models.Q(decision="revoke") & models.Q(revokes__isnull=True)),
                name="revocation_names_its_approval",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.completion_id} · {self.decision} by {self.decided_by_id}"


class ImpactMeasure(models.Model):
    """What a completed shift of a service measures (bags of waste, metres of culvert cleared, visitors
    guided), or one item of an observation checklist (traffic information, market hygiene). Volunteers fill
    them in with the report; staff verify them with the hours; only approved figures count."""

    class Kind(models.TextChoices):
        NUMBER = "number", _("a number")
        CHECK = "check", _("a checklist item (observed or not)")

    # A service's measures go with it (one with reported figures cannot go: the figures protect them).
    service = models.ForeignKey(
        "city.Service", on_delete=models.CASCADE, related_name="impact_measures", verbose_name=_("service")
    )
    key = models.SlugField(
        _("key"), max_length=40, help_text=_("The measure's name in the open data, e.g. waste-bags.")
    )
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices, default=Kind.NUMBER)
    name_fa = models.CharField(_("name (Persian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    unit_fa = models.CharField(_("unit (Persian)"), max_length=40, blank=True)
    unit_en = models.CharField(_("unit (English)"), max_length=40, blank=True)
    max_per_report = models.DecimalField(
        _("most in one report"),
        max_digits=10,
        decimal_places=2,
        default=1000,
        validators=[MinValueValidator(0)],
        help_text=_("A figure above this in one shift's report is refused as a typing mistake."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["service", "order", "pk"]
        verbose_name = _("impact measure")
        verbose_name_plural = _("impact measures")
        constraints = [
            models.UniqueConstraint(fields=["service", "key"], name="impact_measure_key_unique_per_service")
        ]

    def __str__(self) -> str:
        return f"{self.service} · {self.name}"

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def unit(self) -> str:
        return localized(self, "unit")


class ImpactFigure(models.Model):
    """One measure's figure in a completion report: as reported, and as staff approved it."""

    completion = models.ForeignKey(
        Completion, on_delete=models.CASCADE, related_name="impact_figures", verbose_name=_("report")
    )
    measure = models.ForeignKey(
        ImpactMeasure, on_delete=models.PROTECT, related_name="figures", verbose_name=_("measure")
    )
    value = models.DecimalField(
        _("reported"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    approved_value = models.DecimalField(
        _("approved"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )

    class Meta:
        ordering = ["measure__order", "measure_id"]
        verbose_name = _("impact figure")
        verbose_name_plural = _("impact figures")
        constraints = [
            models.UniqueConstraint(fields=["completion", "measure"], name="impact_figure_once_per_report"),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="impact_figure_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.completion_id} · {self.measure.key} = {self.value}"
