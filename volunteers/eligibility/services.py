"""Writes about eligibility: a person submits a qualification, staff verify or turn it down, and a
minor's guardian consents by a one-time code sent to the guardian's mobile."""

import datetime

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import outbox

from ..models import GuardianConsent, OneTimeCode, Qualification, QualificationKind
from ..phone import normalize_mobile
from ..services import one_time_code_send, one_time_code_use
from . import notices
from .errors import (
    EligibilityErrorCode,
    GuardianInvalid,
    QualificationDecisionRefused,
    QualificationInvalid,
    QualificationVerifyForbidden,
)
from .selectors import can_verify_qualifications

# One consent covers every call for this long: a guardian is asked once a year, not once per shift.
GUARDIAN_CONSENT_VALIDITY = relativedelta(years=1)


@transaction.atomic
def qualification_submit(
    *,
    person,
    kind: QualificationKind,
    issued_on: datetime.date,
    valid_until: datetime.date | None = None,
    certificate_number: str = "",
    evidence=None,
    today: datetime.date | None = None,
) -> Qualification:
    """Records a qualification the person says they hold, waiting for staff to verify it.

    It needs a certificate number or a file of the certificate. Without a `valid_until`, a kind with a
    validity in months expires that many months after `issued_on`."""
    today = today or timezone.localdate()
    certificate_number = (certificate_number or "").strip()
    if not certificate_number and not evidence:
        raise QualificationInvalid(
            _("Give the certificate's number or attach a photo or PDF of it."), field="certificate_number"
        )
    if issued_on > today:
        raise QualificationInvalid(_("The issue date cannot be in the future."), field="issued_on")
    if valid_until is None and kind.validity_months:
        valid_until = issued_on + relativedelta(months=kind.validity_months)
    if valid_until is not None and valid_until < issued_on:
        raise QualificationInvalid(_("It cannot expire before it was issued."), field="valid_until")
    if valid_until is not None and valid_until < today:
        raise QualificationInvalid(_("This certificate has already expired."), field="valid_until")
    return Qualification.objects.create(
        person=person,
        kind=kind,
        issued_on=issued_on,
        valid_until=valid_until,
        certificate_number=certificate_number[:60],
        evidence=evidence or "",
    )


def _locked_pending(qualification: Qualification, actor) -> Qualification:
    if not can_verify_qualifications(actor):
        raise QualificationVerifyForbidden()
    locked = Qualification.objects.select_for_update().get(pk=qualification.pk)
    if locked.status != Qualification.Status.PENDING:
        raise QualificationDecisionRefused(
            EligibilityErrorCode.QUALIFICATION_ALREADY_DECIDED,
            _("This qualification has already been decided."),
        )
    return locked


@transaction.atomic
def qualification_verify(*, qualification: Qualification, actor) -> Qualification:
    """Staff checked the certificate: it now counts for calls that require its kind, while it is valid."""
    locked = _locked_pending(qualification, actor)
    locked.status = Qualification.Status.VERIFIED
    locked.decided_at = timezone.now()
    locked.decided_by = actor
    locked.save(update_fields=["status", "decided_at", "decided_by"])
    outbox.send_after_commit(notices.notify_qualification_decision_task, locked.pk)
    return locked


@transaction.atomic
def qualification_reject(*, qualification: Qualification, actor, reason: str) -> Qualification:
    """Staff could not accept the certificate; the person is told why and may submit it again."""
    reason = (reason or "").strip()
    if not reason:
        raise QualificationDecisionRefused(
            EligibilityErrorCode.REJECTION_REASON_REQUIRED,
            _("Write why the qualification is not accepted; the person is told."),
        )
    locked = _locked_pending(qualification, actor)
    locked.status = Qualification.Status.REJECTED
    locked.decided_at = timezone.now()
    locked.decided_by = actor
    locked.rejection_reason = reason[:300]
    locked.save(update_fields=["status", "decided_at", "decided_by", "rejection_reason"])
    outbox.send_after_commit(notices.notify_qualification_decision_task, locked.pk)
    return locked


def _guardian_clean(*, person, guardian_name: str, guardian_phone: str) -> tuple[str, str]:
    name = " ".join((guardian_name or "").split())
    if not name:
        raise GuardianInvalid(_("Write your parent's or guardian's name."), field="guardian_name")
    mobile = normalize_mobile(guardian_phone or "")
    if mobile is None:
        raise GuardianInvalid(
            _("Write your parent's or guardian's mobile number, e.g. 09121234567."), field="guardian_phone"
        )
    if mobile == person.phone:
        raise GuardianInvalid(
            _("This is your own mobile number; write your parent's or guardian's."), field="guardian_phone"
        )
    return name[:120], mobile


def guardian_consent_request(*, person, guardian_name: str, guardian_phone: str, client_ip: str) -> str:
    """Sends the guardian a one-time code by SMS, in Persian, saying who asks and what for; returns the
    guardian's number as normalised. The one-time codes' limits (per number, per address) apply."""
    name, mobile = _guardian_clean(person=person, guardian_name=guardian_name, guardian_phone=guardian_phone)
    text = _(
        "Hamyar: %(person)s asks your consent, as their parent or guardian, to volunteer with the city. If "
        "you agree, give them this code: %(code)s (it works for %(minutes)s minutes)."
    )
    one_time_code_send(
        phone=mobile,
        purpose=OneTimeCode.Purpose.GUARDIAN,
        client_ip=client_ip,
        language="fa",  # the guardian has no account here, so no language of their own: the site's
        text=_PersonText(text, person.display_name),
    )
    return mobile


class _PersonText:
    """The guardian's SMS with the minor's name filled in, keeping the code's placeholders for the sender."""

    def __init__(self, text, person_name: str):
        self.text, self.person_name = text, person_name

    def __mod__(self, values: dict) -> str:
        return str(self.text) % {**values, "person": self.person_name}


def guardian_consent_confirm(
    *, person, guardian_name: str, guardian_phone: str, code: str, client_ip: str, now=None
) -> GuardianConsent:
    """Records the guardian's consent once the code sent to their mobile is typed in; it covers every call
    for GUARDIAN_CONSENT_VALIDITY. CodeRefused for a wrong, expired or used code (each guess counted, so
    not in a transaction a wrong code would roll back)."""
    name, mobile = _guardian_clean(person=person, guardian_name=guardian_name, guardian_phone=guardian_phone)
    one_time_code_use(phone=mobile, purpose=OneTimeCode.Purpose.GUARDIAN, code=code, client_ip=client_ip)
    now = now or timezone.now()
    return GuardianConsent.objects.create(
        person=person,
        guardian_name=name,
        guardian_phone=mobile,
        consented_at=now,
        valid_until=timezone.localtime(now).date() + GUARDIAN_CONSENT_VALIDITY,
    )
