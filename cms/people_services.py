"""Writes for staff looking a person up: every record opened is logged, with who, when and why."""

from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from core.errors import DomainError
from credentials.exports import archive_bytes
from credentials.services import certificate_issue

LOG_PERSON_RECORD_OPENED = "cms.person_record_opened"
LOG_PERSON_CERTIFICATE_ISSUED = "cms.person_certificate_issued"
LOG_PERSON_DATA_EXPORTED = "cms.person_data_exported"


class ReasonRequired(DomainError):
    def __init__(self):
        super().__init__("reason_required", _("Say why you are opening this person's record."))


def person_record_open(*, person, actor, reason: str) -> None:
    """Notes in the audit log that `actor` opened `person`'s record and why; refuses without a reason."""
    reason = " ".join((reason or "").replace("\x00", "").split())[:300]
    if not reason:
        raise ReasonRequired()
    log(instance=person, action=LOG_PERSON_RECORD_OPENED, user=actor, data={"reason": reason})


def person_certificate_issue(*, person, actor, reason: str, period_start, period_end, language: str):
    """Staff issue a certificate for the person (who asked for one at the desk, say), logged with why."""
    reason = " ".join((reason or "").replace("\x00", "").split())[:300]
    if not reason:
        raise ReasonRequired()
    certificate = certificate_issue(
        person=person, actor=actor, period_start=period_start, period_end=period_end, language=language
    )
    log(
        instance=person,
        action=LOG_PERSON_CERTIFICATE_ISSUED,
        user=actor,
        data={"reason": reason, "certificate": certificate.serial},
    )
    return certificate


def person_data_export(*, person, actor, reason: str) -> bytes:
    """The person's whole data archive, for staff who give it to them (at a desk, say), logged with why."""
    reason = " ".join((reason or "").replace("\x00", "").split())[:300]
    if not reason:
        raise ReasonRequired()
    log(instance=person, action=LOG_PERSON_DATA_EXPORTED, user=actor, data={"reason": reason})
    return archive_bytes(person)
