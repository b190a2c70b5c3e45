"""Writes for staff looking a person up: every record opened is logged, with who, when and why."""

from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from core.errors import DomainError

LOG_PERSON_RECORD_OPENED = "cms.person_record_opened"


class ReasonRequired(DomainError):
    def __init__(self):
        super().__init__("reason_required", _("Say why you are opening this person's record."))


def person_record_open(*, person, actor, reason: str) -> None:
    """Notes in the audit log that `actor` opened `person`'s record and why; refuses without a reason."""
    reason = " ".join((reason or "").replace("\x00", "").split())[:300]
    if not reason:
        raise ReasonRequired()
    log(instance=person, action=LOG_PERSON_RECORD_OPENED, user=actor, data={"reason": reason})
