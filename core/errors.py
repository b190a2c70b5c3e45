"""The one error type that services raise, and the one error body that the API returns.

A domain error carries a stable machine-readable code and a message in the reader's language; the API
turns it into `{"error": {"code": ..., "message": ..., "details": ...}}` with its HTTP status.
"""

from enum import StrEnum
from typing import Any


class DomainError(Exception):
    """A rule of the domain refused the request. Subclassed per app with that app's codes."""

    status_code: int = 400
    headers: dict[str, str] = {}  # e.g. Retry-After on a 429; set per instance, never mutated here

    def __init__(
        self, code: StrEnum | str, message: Any, *, status_code: int | None = None, details: Any = None
    ):
        super().__init__(str(message))
        self.code = str(code)
        self.message = message  # usually a lazy translation, rendered in the request's language
        self.details = details
        if status_code is not None:
            self.status_code = status_code


class NotFoundError(DomainError):
    status_code = 404


class ConflictError(DomainError):
    status_code = 409


class PermissionDeniedError(DomainError):
    status_code = 403


def error_body(code: str, message: Any, details: Any = None) -> dict:
    body = {"code": code, "message": str(message)}
    if details is not None:
        body["details"] = details
    return {"error": body}
