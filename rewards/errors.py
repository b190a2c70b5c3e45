from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError


class RewardErrorCode(StrEnum):
    REWARD_NOT_FOUND = "reward_not_found"
    REWARD_UNAVAILABLE = "reward_unavailable"
    NOT_ENOUGH_POINTS = "not_enough_points"
    BUDGET_EXHAUSTED = "budget_exhausted"
    PERSONAL_LIMIT_REACHED = "personal_limit_reached"
    LEVEL_TOO_LOW = "level_too_low"
    VOUCHER_NOT_FOUND = "voucher_not_found"
    VOUCHER_ALREADY_REDEEMED = "voucher_already_redeemed"
    VOUCHER_CANCELLED = "voucher_cancelled"
    VOUCHER_EXPIRED = "voucher_expired"
    NOT_COUNTER_STAFF = "not_counter_staff"
    VERIFICATION_NOT_CREDITABLE = "verification_not_creditable"


class RewardNotFound(NotFoundError):
    def __init__(self, reward_id):
        super().__init__(
            RewardErrorCode.REWARD_NOT_FOUND, _("There is no reward number %(id)s.") % {"id": reward_id}
        )


class RedemptionRefused(DomainError):
    """A rule of redeeming says no; the code says which, the message what the person can do."""

    status_code = 409


class VoucherNotFound(NotFoundError):
    def __init__(self):
        super().__init__(
            RewardErrorCode.VOUCHER_NOT_FOUND,
            _("There is no voucher with this code. Check the code and try again."),
        )


class VoucherUnusable(ConflictError):
    """A voucher that cannot be used (any more): used already, cancelled or expired."""


class NotCounterStaff(PermissionDeniedError):
    def __init__(self):
        super().__init__(
            RewardErrorCode.NOT_COUNTER_STAFF,
            _("Only staff of the department that issued a voucher can accept it at the counter."),
        )
