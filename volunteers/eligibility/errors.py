"""What the rules of qualifications and guardians' consent refuse."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError, NotFoundError, PermissionDeniedError


class EligibilityErrorCode(StrEnum):
    QUALIFICATION_INVALID = "qualification_invalid"
    QUALIFICATION_KIND_NOT_FOUND = "qualification_kind_not_found"
    QUALIFICATION_NOT_FOUND = "qualification_not_found"
    QUALIFICATION_ALREADY_DECIDED = "qualification_already_decided"
    REJECTION_REASON_REQUIRED = "rejection_reason_required"
    NOT_ALLOWED_TO_VERIFY = "not_allowed_to_verify_qualifications"
    GUARDIAN_INVALID = "guardian_invalid"


class QualificationInvalid(DomainError):
    """A submitted qualification lacks what staff need to verify it; `field` names the field."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(EligibilityErrorCode.QUALIFICATION_INVALID, message, details={"field": field})
        self.field = field


class QualificationKindNotFound(NotFoundError):
    def __init__(self, slug: str):
        super().__init__(
            EligibilityErrorCode.QUALIFICATION_KIND_NOT_FOUND,
            _("There is no qualification “%(slug)s”.") % {"slug": slug},
        )


class QualificationNotFound(NotFoundError):
    def __init__(self, qualification_id: int):
        super().__init__(
            EligibilityErrorCode.QUALIFICATION_NOT_FOUND,
            _("There is no qualification number %(id)s for you.") % {"id": qualification_id},
        )


class QualificationDecisionRefused(DomainError):
    pass


class QualificationVerifyForbidden(PermissionDeniedError):
    def __init__(self):
        super().__init__(
            EligibilityErrorCode.NOT_ALLOWED_TO_VERIFY, _("You may not verify people's qualifications.")
        )


class GuardianInvalid(DomainError):
    def __init__(self, message, *, field: str | None = None):
        super().__init__(EligibilityErrorCode.GUARDIAN_INVALID, message, details={"field": field})
        self.field = field
