"""Certificates of volunteering: what a person's verified work adds up to over a period, frozen at issue,
with a serial that anyone can check on the public verification page."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Certificate(models.Model):
    class RevokedBecause(models.TextChoices):
        VERIFICATION_REVOKED = "verification", _("an approval of work it counts was revoked")

    serial = models.CharField(_("serial number"), max_length=16, unique=True, editable=False)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="certificates",
        verbose_name=_("holder"),
    )
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    # Staff who issued it for the person (with a logged reason); empty when the person did.
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What the certificate shows, as it was at issue: the verification page shows this and nothing else.
    figures = models.JSONField(editable=False)
    completions = models.ManyToManyField(
        "verification.Completion", related_name="certificates", editable=False
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    revoked_because = models.CharField(
        _("why it was revoked"), max_length=12, choices=RevokedBecause.choices, blank=True, editable=False
    )
    superseded_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("certificate of volunteering")
        verbose_name_plural = _("certificates of volunteering")

    def __str__(self) -> str:
        return self.serial

    @property
    def hours(self) -> Decimal:
        return Decimal(self.figures["hours"])

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None and self.superseded_by_id is None


class DataExport(models.Model):
    """A person's request for everything Hamyar holds about them, built in the background into one archive
    that only they can download, until it expires."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"data of {self.person_id} requested {self.requested_at:%Y-%m-%d}"

    def is_downloadable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.ready_at is not None and self.expires_at is not None and now < self.expires_at


class AccountDeletion(models.Model):
    """That an account was deleted, and when: the person's data is erased or made anonymous, and this row
    (with no personal data) is what remains to show it was done."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deletion", editable=False
    )
    deleted_at = models.DateTimeField(default=timezone.now, editable=False)

    def __str__(self) -> str:
        return f"account {self.person_id} deleted {self.deleted_at:%Y-%m-%d}"


class BadgeCredential(models.Model):
    """An Open Badges 3.0 credential issued to a volunteer: for a badge they earned, or for their verified
    hours so far. Kept as issued (a signed VC-JWT); its place in the status list says if it is revoked."""

    class Kind(models.TextChoices):
        BADGE = "badge", _("badge")
        HOURS = "hours", _("verified hours")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="badge_credentials",
        verbose_name=_("holder"),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    badge_award = models.ForeignKey(
        "achievements.BadgeAward",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("badge award"),
    )
    hours = models.DecimalField(_("hours"), max_digits=9, decimal_places=2, null=True, blank=True)
    # The approved completions it rests on, as a certificate's: revoking one of them revokes the credential.
    completions = models.ManyToManyField(
        "verification.Completion", related_name="badge_credentials", editable=False
    )
    status_index = models.PositiveIntegerField(_("place in the status list"), unique=True)
    # the language its names and descriptions are written in: the reader's when they asked for it
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="fa")
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    token = models.TextField(_("signed credential (VC-JWT)"), editable=False)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("badge credential")
        verbose_name_plural = _("badge credentials")

    def __str__(self) -> str:
        return f"{self.public_id} · {self.kind}"
