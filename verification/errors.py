from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError


class VerificationErrorCode(StrEnum):
    # Reporting
    SIGNUP_NOT_FOUND = "signup_not_found"
    SIGNUP_NOT_CONFIRMED = "signup_not_confirmed"
    SHIFT_NOT_OVER = "shift_not_over"
    HOURS_INVALID = "hours_invalid"
    HOURS_ABOVE_LIMIT = "hours_above_limit"
    NOTE_TOO_LONG = "note_too_long"
    ALREADY_REPORTED = "already_reported"
    RESUBMISSIONS_USED = "resubmissions_used"
    TOO_MANY_PHOTOS = "too_many_photos"
    PHOTO_TOO_LARGE = "photo_too_large"
    PHOTO_INVALID = "photo_invalid"
    MEASURE_UNKNOWN = "measure_unknown"
    MEASURE_INVALID = "measure_invalid"
    # Verifying
    COMPLETION_NOT_FOUND = "completion_not_found"
    SHIFT_NOT_FOUND = "shift_not_found"
    NOT_VERIFICATION_STAFF = "not_verification_staff"
    SELF_VERIFICATION = "self_verification"
    SECOND_APPROVER_MUST_DIFFER = "second_approver_must_differ"
    ALREADY_DECIDED = "already_decided"
    NOT_APPROVED = "not_approved"
    REASON_REQUIRED = "reason_required"
    DECISION_INVALID = "decision_invalid"


class ReportRefused(DomainError):
    """A rule of completion reports says no; the code says which."""


class ReportConflict(ConflictError):
    pass


class SignUpNotFound(NotFoundError):
    def __init__(self, signup_id: int):
        super().__init__(
            VerificationErrorCode.SIGNUP_NOT_FOUND,
            _("You have no sign-up number %(id)s to report on.") % {"id": signup_id},
        )


class CompletionNotFound(NotFoundError):
    def __init__(self, completion_id: int):
        super().__init__(
            VerificationErrorCode.COMPLETION_NOT_FOUND,
            _("There is no completion report number %(id)s for you.") % {"id": completion_id},
        )


class ShiftNotFound(NotFoundError):
    def __init__(self, shift_id: int):
        super().__init__(
            VerificationErrorCode.SHIFT_NOT_FOUND,
            _("There is no shift number %(id)s in your departments.") % {"id": shift_id},
        )


class NotVerificationStaff(PermissionDeniedError):
    def __init__(self):
        super().__init__(
            VerificationErrorCode.NOT_VERIFICATION_STAFF,
            _("Only municipal staff of the call's department verify completed work."),
        )


class DecisionRefused(PermissionDeniedError):
    """The person may not make this decision: it is their own work, or they already approved once."""


class DecisionConflict(ConflictError):
    """The completion is no longer where the decision expects it: someone decided first."""

    @classmethod
    def already_decided(cls) -> "DecisionConflict":
        return cls(
            VerificationErrorCode.ALREADY_DECIDED,
            _("This report has already been decided, possibly by a colleague just now. Reload to see how."),
        )


class DecisionInvalid(DomainError):
    pass
