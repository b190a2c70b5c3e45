from enum import StrEnum

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from core.localization import LocalNumber


class AccountErrorCode(StrEnum):
    INVALID_CREDENTIALS = "invalid_credentials"
    TOO_MANY_ATTEMPTS = "too_many_attempts"
    TOKEN_INVALID = "token_invalid"
    TOKEN_REVOKED = "token_revoked"
    TOKEN_EXPIRED = "token_expired"
    TOKEN_NOT_FOUND = "token_not_found"
    CSRF_FAILED = "csrf_failed"
    TOO_MANY_CODE_REQUESTS = "too_many_code_requests"
    INVALID_PHONE = "invalid_phone"
    PHONE_TAKEN = "phone_taken"
    EMAIL_TAKEN = "email_taken"
    NO_ACCOUNT_FOR_PHONE = "no_account_for_phone"
    CODE_INVALID = "code_invalid"
    CODE_EXPIRED = "code_expired"
    CODE_ATTEMPTS_EXHAUSTED = "code_attempts_exhausted"
    INVALID_PASSWORD = "invalid_password"
    INVALID_PROFILE = "invalid_profile"
    SMS_NOT_SENT = "sms_not_sent"


class NotAuthenticated(DomainError):
    """The request did not prove who is making it; the API answers 401."""

    status_code = 401
    # The API adds these to the response; a 401 names the scheme a client should use (RFC 9110 §11.6.1).
    headers = {"WWW-Authenticate": 'Bearer realm="api"'}


class InvalidCredentials(NotAuthenticated):
    def __init__(self):
        super().__init__(
            AccountErrorCode.INVALID_CREDENTIALS,
            _("The mobile number, e-mail or username, or the password, is not right."),
        )


class ApiTokenRefused(NotAuthenticated):
    """A bearer token that is unknown, revoked or expired."""

    @classmethod
    def invalid(cls) -> "ApiTokenRefused":
        return cls(AccountErrorCode.TOKEN_INVALID, _("This API token is not valid; log in to get a new one."))

    @classmethod
    def revoked(cls) -> "ApiTokenRefused":
        return cls(AccountErrorCode.TOKEN_REVOKED, _("This API token was revoked; log in to get a new one."))

    @classmethod
    def expired(cls) -> "ApiTokenRefused":
        return cls(AccountErrorCode.TOKEN_EXPIRED, _("This API token has expired; log in to get a new one."))


class TooManyAttempts(DomainError):
    """Too many failed attempts in a short time; `retry_after` says in how many seconds to try again."""

    status_code = 429
    error_code = AccountErrorCode.TOO_MANY_ATTEMPTS

    def __init__(self, *, retry_after: int):
        minutes = max(1, -(-retry_after // 60))  # rounded up: never "try again in 0 minutes"
        super().__init__(self.error_code, self.describe(minutes), details={"retry_after": retry_after})
        self.retry_after = retry_after
        self.headers = {"Retry-After": str(retry_after)}

    @staticmethod
    def describe(minutes: int):
        return ngettext_lazy(
            "Too many failed attempts. Try again in %(minutes)s minute.",
            "Too many failed attempts. Try again in %(minutes)s minutes.",
            "minutes",
        ) % {"minutes": LocalNumber(minutes)}


class ApiTokenNotFound(NotFoundError):
    def __init__(self, token_id: int):
        super().__init__(
            AccountErrorCode.TOKEN_NOT_FOUND, _("You have no API token number %(id)s.") % {"id": token_id}
        )


class CsrfFailed(PermissionDeniedError):
    def __init__(self):
        super().__init__(
            AccountErrorCode.CSRF_FAILED,
            _("This request lacks the browser's security token (CSRF); reload the page and try again."),
        )


class TooManyCodeRequests(TooManyAttempts):
    """Too many one-time codes asked for one number or from one address: each SMS costs the city money,
    and a flood of them would pester the number's owner."""

    error_code = AccountErrorCode.TOO_MANY_CODE_REQUESTS

    @staticmethod
    def describe(minutes: int):
        return ngettext_lazy(
            "Too many codes were asked for. Try again in %(minutes)s minute.",
            "Too many codes were asked for. Try again in %(minutes)s minutes.",
            "minutes",
        ) % {"minutes": minutes}


class InvalidPhone(DomainError):
    def __init__(self):
        super().__init__(
            AccountErrorCode.INVALID_PHONE,
            _("This is not an Iranian mobile number. Type it as 09xxxxxxxxx."),
            details={"field": "phone"},
        )


class PhoneTaken(ConflictError):
    def __init__(self):
        super().__init__(
            AccountErrorCode.PHONE_TAKEN,
            _("An account with this mobile number already exists. Log in instead."),
            details={"field": "phone"},
        )


class EmailTaken(ConflictError):
    def __init__(self):
        super().__init__(
            AccountErrorCode.EMAIL_TAKEN,
            _("An account with this e-mail address already exists. Log in instead."),
            details={"field": "email"},
        )


class NoAccountForPhone(NotFoundError):
    def __init__(self):
        super().__init__(
            AccountErrorCode.NO_ACCOUNT_FOR_PHONE,
            _("There is no account with this mobile number. Sign up first."),
            details={"field": "phone"},
        )


class CodeRefused(DomainError):
    """A one-time code that does not prove the number: wrong, expired, used or guessed too often."""

    @classmethod
    def invalid(cls, *, attempts_left: int | None = None) -> "CodeRefused":
        details = {"field": "code"}
        if attempts_left is not None:
            details["attempts_left"] = attempts_left
        return cls(
            AccountErrorCode.CODE_INVALID,
            _("This code is not right. Check the SMS and type it again."),
            details=details,
        )

    @classmethod
    def expired(cls) -> "CodeRefused":
        return cls(
            AccountErrorCode.CODE_EXPIRED,
            _("This code has expired. Ask for a new one."),
            details={"field": "code"},
        )

    @classmethod
    def attempts_exhausted(cls) -> "CodeRefused":
        return cls(
            AccountErrorCode.CODE_ATTEMPTS_EXHAUSTED,
            _("This code was typed wrong too many times. Ask for a new one."),
            details={"field": "code"},
        )


class InvalidPassword(DomainError):
    def __init__(self, messages: list[str]):
        super().__init__(
            AccountErrorCode.INVALID_PASSWORD,
            " ".join(str(message) for message in messages),
            details={"field": "password", "messages": [str(message) for message in messages]},
        )


class ProfileInvalid(DomainError):
    """A profile field that breaks a rule; `field` names it so forms can show the message beside it."""

    def __init__(self, field: str, message):
        super().__init__(AccountErrorCode.INVALID_PROFILE, message, details={"field": field})
        self.field = field

    @classmethod
    def date(cls, field: str = "date_of_birth") -> "ProfileInvalid":
        return cls(field, _("Enter a date as year/month/day, for example 1370/06/31 or 1991-09-22."))

    @classmethod
    def birth_date_out_of_range(cls) -> "ProfileInvalid":
        return cls("date_of_birth", _("This date of birth is not possible. Check the year."))

    @classmethod
    def emergency_phone(cls) -> "ProfileInvalid":
        return cls("emergency_contact_phone", _("Enter the emergency contact's phone number in digits."))

    @classmethod
    def pseudonym_required(cls) -> "ProfileInvalid":
        return cls("leaderboard_pseudonym", _("Choose a pseudonym to appear under on leaderboards."))

    @classmethod
    def name_required(cls) -> "ProfileInvalid":
        return cls("first_name", _("Enter your first name."))

    @classmethod
    def unknown_district(cls, number) -> "ProfileInvalid":
        return cls("district", _("There is no district number %(number)s.") % {"number": number})

    @classmethod
    def unknown_skills(cls, slugs: list[str]) -> "ProfileInvalid":
        return cls("skills", _("Unknown skills: %(skills)s.") % {"skills": ", ".join(slugs)})

    @classmethod
    def invalid_email(cls) -> "ProfileInvalid":
        return cls("email", _("Enter a valid e-mail address."))


class SmsNotSent(DomainError):
    """The SMS provider did not take the message; nothing the person did wrong."""

    status_code = 503

    def __init__(self):
        super().__init__(
            AccountErrorCode.SMS_NOT_SENT,
            _("The SMS could not be sent just now. Try again in a few minutes."),
        )
