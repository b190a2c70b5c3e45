from enum import StrEnum

from core.errors import DomainError


class CredentialErrorCode(StrEnum):
    PERIOD_BACKWARDS = "period_backwards"
    PERIOD_TOO_LONG = "period_too_long"
    NOTHING_VERIFIED = "nothing_verified"


class CertificateRefused(DomainError):
    """A certificate cannot be issued as asked (a 400 saying why)."""
