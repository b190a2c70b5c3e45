from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from config.errors import ConflictError, DomainError, NotFoundError


class CampaignErrorCode(StrEnum):
    SERVICE_NOT_FOUND = "service_not_found"
    DEPARTMENT_NOT_FOUND = "department_not_found"
    CALL_NOT_FOUND = "call_not_found"
    SHIFT_NOT_FOUND = "shift_not_found"
    SIGNUP_NOT_FOUND = "signup_not_found"
    CALL_CLOSED = "call_closed"
    SHIFT_OVER = "shift_over"
    SIGNUPS_CLOSED = "signups_closed"
    ALREADY_SIGNED_UP = "already_signed_up"
    SIGNUP_ALREADY_CANCELLED = "signup_already_cancelled"
    CANCELLATION_CLOSED = "cancellation_closed"


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
