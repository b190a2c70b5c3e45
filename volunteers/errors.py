from enum import StrEnum

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from config.errors import DomainError, NotFoundError, PermissionDeniedError


class AccountErrorCode(StrEnum):
    INVALID_CREDENTIALS = "invalid_credentials"
    TOO_MANY_ATTEMPTS = "too_many_attempts"
    TOKEN_INVALID = "token_invalid"
    TOKEN_REVOKED = "token_revoked"
    TOKEN_EXPIRED = "token_expired"
    TOKEN_NOT_FOUND = "token_not_found"
    CSRF_FAILED = "csrf_failed"


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

    def __init__(self, *, retry_after: int):
        minutes = max(1, -(-retry_after // 60))  # rounded up: never "try again in 0 minutes"
        super().__init__(
            AccountErrorCode.TOO_MANY_ATTEMPTS,
            ngettext_lazy(
                "Too many failed attempts. Try again in %(minutes)s minute.",
                "Too many failed attempts. Try again in %(minutes)s minutes.",
                "minutes",
            )
            % {"minutes": minutes},
            details={"retry_after": retry_after},
        )
        self.retry_after = retry_after
        self.headers = {"Retry-After": str(retry_after)}


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
