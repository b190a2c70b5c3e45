import datetime

from ninja import Schema

from .models import Level
from .periods import ALL_TIME, month_label
from .selectors import BadgeStatus, LeaderboardPage, LevelProgress


class LeaderboardEntryOut(Schema):
    rank: int
    name: str
    points: int
    is_me: bool


class LeaderboardMeOut(Schema):
    name: str
    rank: int | None
    points: int
    listed: bool


class LeaderboardOut(Schema):
    kind: str
    period: str
    period_key: str
    period_label: str
    size: int
    entries: list[LeaderboardEntryOut]
    me: LeaderboardMeOut | None

    @staticmethod
    def resolve_period_label(page: LeaderboardPage) -> str:
        return "" if page.period_key == ALL_TIME else month_label(page.period_key)


class LevelOut(Schema):
    name: str
    name_fa: str
    name_en: str
    min_points: int
    icon: str

    @staticmethod
    def resolve_name(level: Level) -> str:
        return level.name


class MyLevelOut(Schema):
    lifetime_points: int
    level: LevelOut | None
    next_level: LevelOut | None
    points_to_next_level: int | None
    percent_to_next_level: int

    @staticmethod
    def resolve_lifetime_points(progress: LevelProgress) -> int:
        return progress.points

    @staticmethod
    def resolve_points_to_next_level(progress: LevelProgress) -> int | None:
        return progress.points_to_next

    @staticmethod
    def resolve_percent_to_next_level(progress: LevelProgress) -> int:
        return progress.percent


class MyBadgeOut(Schema):
    slug: str
    name: str
    description: str
    icon: str
    rule: str
    earned: bool
    awarded_at: datetime.datetime | None
    done: int
    needed: int

    @staticmethod
    def resolve_slug(status: BadgeStatus) -> str:
        return status.badge.slug

    @staticmethod
    def resolve_name(status: BadgeStatus) -> str:
        return status.badge.name

    @staticmethod
    def resolve_description(status: BadgeStatus) -> str:
        return status.badge.description

    @staticmethod
    def resolve_icon(status: BadgeStatus) -> str:
        return status.badge.icon

    @staticmethod
    def resolve_rule(status: BadgeStatus) -> str:
        return status.badge.rule
