"""Why a check-in or check-out was refused: stable codes for the API, messages that say what to do."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError


class CheckInErrorCode(StrEnum):
    TOKEN_INVALID = "token_invalid"
    TOKEN_EXPIRED = "token_expired"
    TOKEN_WRONG_SHIFT = "token_wrong_shift"
    NOT_SIGNED_UP = "not_signed_up"
    POSITION_REQUIRED = "position_required"
    POSITION_INVALID = "position_invalid"
    OUTSIDE_RADIUS = "outside_radius"
    CHECKIN_NOT_OPEN = "checkin_not_open"
    CHECKOUT_CLOSED = "checkout_closed"
    NOT_CHECKED_IN = "not_checked_in"
    ALREADY_CHECKED_OUT = "already_checked_out"
    NOT_SITE_LEAD = "not_site_lead"
    SHIFT_NOT_FOUND = "shift_not_found"
    SIGNUP_NOT_FOUND = "signup_not_found"


class CheckInRefused(DomainError):
    """A rule of checking in says no; the code says which and the message what the person can do."""

    @classmethod
    def token_invalid(cls):
        return cls(
            CheckInErrorCode.TOKEN_INVALID,
            _("This check-in code is not valid. Scan the code on the site lead's screen again."),
        )

    @classmethod
    def token_expired(cls):
        return cls(
            CheckInErrorCode.TOKEN_EXPIRED,
            _(
                "This check-in code has expired: the code on the site lead's screen changes every minute. "
                "Scan it again."
            ),
        )

    @classmethod
    def token_wrong_shift(cls):
        return cls(
            CheckInErrorCode.TOKEN_WRONG_SHIFT,
            _("This check-in code belongs to another shift. Scan the code of the shift you came for."),
        )

    @classmethod
    def not_signed_up(cls):
        return cls(
            CheckInErrorCode.NOT_SIGNED_UP,
            _(
                "You do not have a confirmed place on this shift, so you cannot check in. "
                "Please talk to the site lead."
            ),
            status_code=403,
        )

    @classmethod
    def not_confirmed(cls):
        return cls(
            CheckInErrorCode.NOT_SIGNED_UP,
            _("This person no longer has a confirmed place on this shift."),
        )

    @classmethod
    def position_required(cls):
        return cls(
            CheckInErrorCode.POSITION_REQUIRED,
            _(
                "This shift needs your phone's position to check you in. Allow this site to use your "
                "location and try again, or ask the site lead to check you in."
            ),
        )

    @classmethod
    def position_invalid(cls):
        return cls(
            CheckInErrorCode.POSITION_INVALID,
            _("The position sent is not a valid latitude and longitude."),
        )

    @classmethod
    def outside_radius(cls, *, distance_m: int, radius_m: int):
        return cls(
            CheckInErrorCode.OUTSIDE_RADIUS,
            _(
                "Your phone says you are %(distance)s metres from the site; check-in works within "
                "%(radius)s metres. Come closer and try again, or ask the site lead to check you in."
            )
            % {"distance": distance_m, "radius": radius_m},
            status_code=403,
            details={"distance_m": distance_m, "radius_m": radius_m},
        )

    @classmethod
    def not_open(cls, *, opens_at_text: str):
        return cls(
            CheckInErrorCode.CHECKIN_NOT_OPEN,
            _("Check-in for this shift opens at %(time)s.") % {"time": opens_at_text},
        )

    @classmethod
    def closed(cls):
        return cls(
            CheckInErrorCode.CHECKIN_NOT_OPEN,
            _("This shift has ended, so check-in is closed. Please talk to the site lead."),
        )

    @classmethod
    def checkout_closed(cls):
        return cls(
            CheckInErrorCode.CHECKOUT_CLOSED,
            _("It is too late to check out of this shift; the site lead can record when you left."),
        )

    @classmethod
    def not_checked_in(cls):
        return cls(
            CheckInErrorCode.NOT_CHECKED_IN,
            _("This person has not checked in, so they cannot be checked out."),
        )


class CheckInConflict(ConflictError):
    @classmethod
    def already_checked_out(cls):
        return cls(
            CheckInErrorCode.ALREADY_CHECKED_OUT,
            _("You have already checked out of this shift."),
        )


class NotSiteLead(PermissionDeniedError):
    def __init__(self):
        super().__init__(
            CheckInErrorCode.NOT_SITE_LEAD,
            _("Only staff of the call's department can run check-in for this shift."),
        )


class CheckInShiftNotFound(NotFoundError):
    def __init__(self, shift_id: int):
        super().__init__(
            CheckInErrorCode.SHIFT_NOT_FOUND, _("There is no shift number %(id)s.") % {"id": shift_id}
        )


class CheckInSignUpNotFound(NotFoundError):
    def __init__(self, signup_id: int):
        super().__init__(
            CheckInErrorCode.SIGNUP_NOT_FOUND,
            _("There is no sign-up number %(id)s on your department's shifts.") % {"id": signup_id},
        )
