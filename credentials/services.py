"""Issuing certificates of volunteering and keeping them honest: the figures are counted from the approved
work at issue and frozen; a newer certificate for the same period supersedes the older; a revoked approval
revokes every certificate that counted it."""

from __future__ import annotations

import datetime
import secrets
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from achievements.models import BadgeAward
from core.localization import format_fixed, localized
from verification.models import Completion, Verification

from . import openbadges
from .errors import CertificateRefused, CredentialErrorCode
from .models import BadgeCredential, Certificate

# Letters and digits nobody confuses when reading a serial aloud or typing it from paper.
SERIAL_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LONGEST_PERIOD = datetime.timedelta(days=366 * 10)


def _serial() -> str:
    body = "".join(secrets.choice(SERIAL_ALPHABET) for _ in range(8))
    return f"HMY-{body[:4]}-{body[4:]}"


def municipality_name(language: str) -> str:
    return settings.HAMYAR_MUNICIPALITY.get(language) or settings.HAMYAR_MUNICIPALITY["fa"]


def approved_work(*, person, period_start: datetime.date, period_end: datetime.date):
    """The person's approved work whose shift started within the period (dates in the city's time zone)."""
    start = timezone.make_aware(datetime.datetime.combine(period_start, datetime.time.min))
    end = timezone.make_aware(
        datetime.datetime.combine(period_end + datetime.timedelta(days=1), datetime.time.min)
    )
    return Completion.objects.filter(
        signup__volunteer=person,
        status=Completion.Status.APPROVED,
        signup__shift__starts_at__gte=start,
        signup__shift__starts_at__lt=end,
    ).select_related("signup__shift__call__service__department")


def _figures(*, person, period_start, period_end, language: str, completions) -> dict:
    by_service: dict[int, dict] = {}
    with translation.override(language):
        for completion in completions:
            service = completion.signup.shift.call.service
            row = by_service.setdefault(
                service.pk,
                {
                    "service": localized(service, "short_name"),
                    "department": localized(service.department, "name"),
                    "hours": Decimal(0),
                    "shifts": 0,
                },
            )
            row["hours"] += completion.approved_hours
            row["shifts"] += 1
        badges = [
            {
                "name": localized(award.badge, "name"),
                "awarded_on": timezone.localtime(award.awarded_at).date().isoformat(),
            }
            for award in BadgeAward.objects.filter(user=person, awarded_at__date__lte=period_end)
            .select_related("badge")
            .order_by("awarded_at")
        ]
    services = sorted(by_service.values(), key=lambda row: (-row["hours"], row["service"]))
    return {
        "name": person.get_full_name() or person.display_name,
        "municipality": municipality_name(language),
        "period_start": period_start.isoformat(),
        "period_end": period_end.isoformat(),
        "hours": str(sum((row["hours"] for row in services), Decimal(0))),
        "shifts": sum(row["shifts"] for row in services),
        "services": [{**row, "hours": str(row["hours"])} for row in services],
        "badges": badges,
    }


@transaction.atomic
def certificate_issue(
    *, person, period_start: datetime.date, period_end: datetime.date, language: str, actor=None
) -> Certificate:
    """Counts the person's approved work in the period and issues a certificate of it, superseding the
    person's earlier certificates of the same period and language. `actor` is staff issuing it for them."""
    # A certificate is of work done: a period that runs on past today ends today.
    period_end = min(period_end, timezone.localdate())
    if period_end < period_start:
        raise CertificateRefused(CredentialErrorCode.PERIOD_BACKWARDS, _("The period ends before it starts."))
    if period_end - period_start > LONGEST_PERIOD:
        raise CertificateRefused(
            CredentialErrorCode.PERIOD_TOO_LONG, _("A certificate covers at most ten years.")
        )
    completions = list(approved_work(person=person, period_start=period_start, period_end=period_end))
    if not completions:
        raise CertificateRefused(
            CredentialErrorCode.NOTHING_VERIFIED,
            _("There is no verified work in this period yet, so there is nothing to certify."),
        )
    figures = _figures(
        person=person,
        period_start=period_start,
        period_end=period_end,
        language=language,
        completions=completions,
    )
    for _attempt in range(5):
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    serial=_serial(),
                    holder=person,
                    language=language,
                    period_start=period_start,
                    period_end=period_end,
                    issued_by=actor if actor is not None and actor != person else None,
                    figures=figures,
                )
            break
        except IntegrityError:  # the serial was taken: draw another
            continue
    certificate.completions.set(completions)
    Certificate.objects.filter(
        holder=person, language=language, period_start=period_start, period_end=period_end,
        revoked_at__isnull=True, superseded_by__isnull=True,
    ).exclude(pk=certificate.pk).update(superseded_by=certificate)  # fmt: skip
    return certificate


def certificates_revoke_for_revocation(*, revocation_id: int) -> int:
    """verification's "completion revoked": every still-valid certificate that counted the work is revoked
    (its verification page says so); the person can ask for a new one."""
    completion_id = (
        Verification.objects.filter(pk=revocation_id).values_list("completion_id", flat=True).first()
    )
    return Certificate.objects.filter(completions=completion_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_because=Certificate.RevokedBecause.VERIFICATION_REVOKED
    )


def verified_hours_total(*, person, period_start, period_end) -> Decimal:
    """The approved hours of the period as verification's records give them, to check a certificate by."""
    total = approved_work(person=person, period_start=period_start, period_end=period_end).aggregate(
        total=Sum("approved_hours")
    )["total"]
    return total or Decimal(0)


# --- Open Badges 3.0 ---------------------------------------------------------------------------------------


def _next_status_index() -> int:
    # Under the table's lock (a unique index backs it): the next free place in the status list.
    last = (
        BadgeCredential.objects.select_for_update()
        .order_by("-status_index")
        .values_list("status_index", flat=True)
        .first()
    )
    return 0 if last is None else last + 1


def _identity(person) -> str:
    return person.email or person.phone or f"hamyar-person-{person.pk}"


# The achievements below are written in the language active when they are built: the credential's.


def badge_achievement(badge) -> dict:
    return {
        "id": openbadges.absolute("credentials:ob_achievement", f"badge-{badge.slug}"),
        "type": ["Achievement"],
        "name": badge.name,
        "description": badge.description or badge.name,
        "criteria": {"narrative": str(badge.get_rule_display())},
        "inLanguage": translation.get_language(),
    }


def hours_achievement() -> dict:
    return {
        "id": openbadges.absolute("credentials:ob_achievement", "verified-hours"),
        "type": ["Achievement"],
        "name": str(_("Verified volunteer hours for the city")),
        "description": str(
            _(
                "Hours of volunteering for the city, each verified by the staff of the department that "
                "owns the service."
            )
        ),
        "criteria": {
            "narrative": str(
                _(
                    "Work on a shift of an open call, reported by the volunteer and approved by the "
                    "department's staff; only approved hours count."
                )
            )
        },
        "inLanguage": translation.get_language(),
    }


def _credential_language(person, language: str | None) -> str:
    """The language asked for (the reader's), else the one the person reads their messages in."""
    known = dict(settings.LANGUAGES)
    for candidate in (language, getattr(person, "preferred_language", None), settings.LANGUAGE_CODE):
        if candidate and candidate[:2] in known:
            return candidate[:2]
    return settings.LANGUAGE_CODE


@transaction.atomic
def badge_credential_issue(*, award: BadgeAward, language: str | None = None) -> BadgeCredential:
    """The Open Badges 3.0 credential of a badge the person earned, written in `language` (the reader's):
    issued once per language, then the same one."""
    badge, person = award.badge, award.user
    language = _credential_language(person, language)
    existing = BadgeCredential.objects.filter(
        badge_award=award, language=language, revoked_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    index = _next_status_index()
    credential = BadgeCredential(
        holder=person,
        kind=BadgeCredential.Kind.BADGE,
        badge_award=award,
        status_index=index,
        language=language,
    )
    credential_id = f"urn:uuid:{credential.public_id}"
    evidence = []
    if award.verification_id:
        evidence.append(
            {"id": f"urn:hamyar:verification:{award.verification_id}", "type": ["Evidence"],
             "name": "Verified work that earned the badge"}
        )  # fmt: skip
    with translation.override(language):
        credential.token = openbadges.sign_credential(
            openbadges.credential_claims(
                credential_id=credential_id,
                achievement=badge_achievement(badge),
                subject_extra={},
                name=badge.name,
                evidence=evidence,
                valid_from=award.awarded_at,
                status_index=index,
                identity=_identity(person),
            )
        )
    credential.save()
    return credential


@transaction.atomic
def hours_credential_issue(*, person, language: str | None = None) -> BadgeCredential:
    """The Open Badges 3.0 credential of every hour of the person's approved work so far, written in
    `language` (the reader's); each approved report is its evidence, and revoking one of them revokes it."""
    language = _credential_language(person, language)
    completions = list(
        Completion.objects.filter(signup__volunteer=person, status=Completion.Status.APPROVED)
        .select_related("signup__shift__call__service")
        .order_by("signup__shift__starts_at")
    )
    if not completions:
        raise CertificateRefused(CredentialErrorCode.NOTHING_VERIFIED, _("You have no verified hours yet."))
    hours = sum((completion.approved_hours or Decimal(0) for completion in completions), Decimal(0))
    index = _next_status_index()
    credential = BadgeCredential(
        holder=person,
        kind=BadgeCredential.Kind.HOURS,
        hours=hours,
        status_index=index,
        language=language,
    )
    with translation.override(language):
        evidence = [
            {
                "id": f"urn:hamyar:completion:{completion.pk}",
                "type": ["Evidence"],
                "name": completion.signup.shift.call.service.short_name,
                # figures stay in Latin digits (ISO dates, decimal hours) for the machines that read them
                "narrative": f"{completion.approved_hours} h, {completion.signup.shift.starts_at:%Y-%m-%d}",
            }
            for completion in completions
        ]
        worded = str(_("%(hours)s verified hours of volunteering") % {"hours": format_fixed(hours, 1)})
        credential.token = openbadges.sign_credential(
            openbadges.credential_claims(
                credential_id=f"urn:uuid:{credential.public_id}",
                achievement=hours_achievement(),
                subject_extra={"creditsEarned": float(hours), "narrative": worded},
                name=worded,
                evidence=evidence,
                valid_from=timezone.now(),
                status_index=index,
                identity=_identity(person),
            )
        )
    credential.save()
    credential.completions.set(completions)
    return credential


def badge_credentials_revoke_for_revocation(*, revocation_id: int) -> int:
    """verification's "completion revoked": the hours credentials that counted the work are revoked (the
    status list says so), as certificates are; the person can ask for a new one."""
    revoked = Verification.objects.filter(pk=revocation_id).values_list("completion_id", flat=True)
    return BadgeCredential.objects.filter(completions__in=revoked, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def status_list_token() -> str:
    revoked = BadgeCredential.objects.filter(revoked_at__isnull=False).values_list("status_index", flat=True)
    return openbadges.status_list_token(revoked)
