from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError


class CampaignErrorCode(StrEnum):
    SERVICE_NOT_FOUND = "service_not_found"
    DEPARTMENT_NOT_FOUND = "department_not_found"
    CALL_NOT_FOUND = "call_not_found"
    SHIFT_NOT_FOUND = "shift_not_found"
    SIGNUP_NOT_FOUND = "signup_not_found"
    SIGNUP_REQUEST_NOT_FOUND = "signup_request_not_found"
    CALL_CLOSED = "call_closed"
    SHIFT_OVER = "shift_over"
    SIGNUPS_CLOSED = "signups_closed"
    ALREADY_SIGNED_UP = "already_signed_up"
    SIGNUP_ALREADY_CANCELLED = "signup_already_cancelled"
    CANCELLATION_CLOSED = "cancellation_closed"
    # Personal rules of sign-ups (also applied when a manager assigns a team member to a place)
    DATE_OF_BIRTH_MISSING = "date_of_birth_missing"
    TOO_YOUNG = "too_young"
    SKILLS_MISSING = "skills_missing"
    OVERLAPPING_SIGNUP = "overlapping_signup"
    QUALIFICATIONS_MISSING = "qualifications_missing"
    GUARDIAN_CONSENT_MISSING = "guardian_consent_missing"
    WAIVER_NOT_ACCEPTED = "waiver_not_accepted"
    SHIFT_FULL = "shift_full"
    WAIVER_VERSION_STALE = "waiver_version_stale"
    GUESTS_INVALID = "guests_invalid"
    WAIVER_NONE = "waiver_none"
    CALL_TEAMS_ONLY = "call_teams_only"
    CALL_INDIVIDUALS_ONLY = "call_individuals_only"
    # Team reservations
    NOT_TEAM_MANAGER = "not_team_manager"
    NGO_NOT_VERIFIED = "ngo_not_verified"
    TEAM_NOT_FOUND = "team_not_found"
    RESERVATION_NOT_FOUND = "reservation_not_found"
    RESERVATION_EXISTS = "reservation_exists"
    RESERVATION_RELEASED = "reservation_released"
    TEAM_RESERVATIONS_CLOSED = "team_reservations_closed"
    TEAM_PLACES_FULL = "team_places_full"
    NOT_ENOUGH_PLACES = "not_enough_places"
    PLACES_INVALID = "places_invalid"
    PLACES_BELOW_ASSIGNED = "places_below_assigned"
    NO_UNASSIGNED_PLACES = "no_unassigned_places"
    NOT_A_TEAM_MEMBER = "not_a_team_member"
    ASSIGNMENT_NOT_FOUND = "assignment_not_found"
    SHIFT_STARTED = "shift_started"
    # Staff and rosters
    NOT_DEPARTMENT_STAFF = "not_department_staff"
    REASON_REQUIRED = "reason_required"
    ROSTER_FORBIDDEN = "roster_forbidden"
    # Messages to a shift's people
    MESSAGE_INVALID = "message_invalid"
    MESSAGE_NOBODY = "message_reaches_nobody"
    # Shifts made in bulk (weekly series, copies)
    SHIFT_BATCH_INVALID = "shift_batch_invalid"
    SHIFT_BATCH_TOO_LARGE = "shift_batch_too_large"


class ServiceNotFound(NotFoundError):
    def __init__(self, slug: str):
        super().__init__(
            CampaignErrorCode.SERVICE_NOT_FOUND,
            _("There is no service “%(slug)s”.") % {"slug": slug},
        )


class CallNotFound(NotFoundError):
    def __init__(self, call_id: int):
        super().__init__(
            CampaignErrorCode.CALL_NOT_FOUND, _("There is no open call number %(id)s.") % {"id": call_id}
        )


class SignUpRefused(DomainError):
    """A rule of sign-ups says no; the code says which and the message what the person can do."""


class SignUpConflict(ConflictError):
    pass


class ShiftNotFound(NotFoundError):
    def __init__(self, shift_id: int):
        super().__init__(
            CampaignErrorCode.SHIFT_NOT_FOUND,
            _("There is no shift number %(id)s open to the public.") % {"id": shift_id},
        )


class SignUpNotFound(NotFoundError):
    def __init__(self, signup_id: int):
        super().__init__(
            CampaignErrorCode.SIGNUP_NOT_FOUND, _("You have no sign-up number %(id)s.") % {"id": signup_id}
        )


class SignUpRequestNotFound(NotFoundError):
    def __init__(self, request_id: int):
        super().__init__(
            CampaignErrorCode.SIGNUP_REQUEST_NOT_FOUND,
            _("You have no queued sign-up number %(id)s.") % {"id": request_id},
        )


class SignUpForbidden(PermissionDeniedError):
    """The person may not do this: not a manager of the team, not staff of the call's department…"""


class ReservationNotFound(NotFoundError):
    def __init__(self, reservation_id: int):
        super().__init__(
            CampaignErrorCode.RESERVATION_NOT_FOUND,
            _("Your teams have no reservation number %(id)s.") % {"id": reservation_id},
        )


class TeamNotFound(NotFoundError):
    def __init__(self, team_id: int):
        super().__init__(
            CampaignErrorCode.TEAM_NOT_FOUND,
            _("You manage no team number %(id)s.") % {"id": team_id},
        )


class SignUpNotFoundForMember(NotFoundError):
    def __init__(self, member_id: int):
        super().__init__(
            CampaignErrorCode.ASSIGNMENT_NOT_FOUND,
            _("Person number %(id)s has no place out of this reservation.") % {"id": member_id},
        )


class ShiftMessageRefused(DomainError):
    """Staff's message to a shift's people was not sent: empty, too long, or reaching nobody."""


class ShiftBatchRefused(DomainError):
    """A weekly series or a copy of shifts cannot be made as asked: the message says what to change."""
