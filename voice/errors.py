from enum import StrEnum

from core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError


class VoiceErrorCode(StrEnum):
    SUBJECT_UNKNOWN = "subject_unknown"
    NO_CONTACT = "no_contact"
    PLACE_NEEDED = "place_needed"
    PLACE_INVALID = "place_invalid"
    TOO_MANY_ITEMS = "too_many_items"
    ITEM_NOT_FOUND = "item_not_found"
    NOT_YOUR_DEPARTMENT = "not_your_department"
    DECIDER_CANNOT_ANSWER = "decider_cannot_answer"
    NOT_AWAITING_ANSWER = "not_awaiting_answer"
    SAME_DEPARTMENT = "same_department"
    REASON_NEEDED = "reason_needed"
    ANSWER_NEEDED = "answer_needed"
    NOT_ANSWERED = "not_answered"
    ALREADY_RATED = "already_rated"
    RATING_OFF_SCALE = "rating_off_scale"
    REOPEN_USED = "reopen_used"
    REOPEN_TOO_LATE = "reopen_too_late"
    NOT_PUBLIC_ALLOWED = "not_public_allowed"
    NOT_PUBLIC = "not_public"
    MERGE_INVALID = "merge_invalid"
    NOT_WORK = "not_work"
    PHOTOS_TOO_LATE = "photos_too_late"


class ItemRefused(DomainError):
    """The item or the step cannot be taken as sent (a 400 that says what to change)."""


class ItemConflict(ConflictError):
    """Someone else got there first: already answered, already rated, no longer awaiting an answer."""


class ItemNotFound(NotFoundError):
    """No such item, or not one this person may see."""


class NotYourDepartment(PermissionDeniedError):
    """A member of staff acting on an item outside their department(s)."""
