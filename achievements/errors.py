from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError, NotFoundError


class AchievementErrorCode(StrEnum):
    LEADERBOARD_NOT_FOUND = "leaderboard_not_found"
    PERIOD_NOT_VALID = "period_not_valid"


class LeaderboardNotFound(NotFoundError):
    def __init__(self, kind: str):
        super().__init__(
            AchievementErrorCode.LEADERBOARD_NOT_FOUND,
            _("There is no leaderboard “%(kind)s”; choose individuals, teams or districts.") % {"kind": kind},
            details={"allowed": ["individuals", "teams", "districts"]},
        )


class PeriodNotValid(DomainError):
    status_code = 422

    def __init__(self, period: str):
        super().__init__(
            AchievementErrorCode.PERIOD_NOT_VALID,
            _("“%(period)s” is not a period; choose month or all.") % {"period": period},
            details={"allowed": ["month", "all"]},
        )
