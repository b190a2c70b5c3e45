"""Reads for levels, badges and leaderboards.

Leaderboards never read the ledger: a top-N is one range scan of `LeaderboardScore`'s (board, period, listed,
points DESC, subject) index, and a rank a sum over `LeaderboardBucket` (how many people have each number of
points), a few thousand rows at most whatever the number of people or ledger entries.
"""

from __future__ import annotations

import dataclasses
import hashlib
import uuid
from collections.abc import Iterable
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from campaigns.models import SignUp
from city.models import Department, District
from core.localization import format_number
from verification.models import Completion, Verification
from volunteers.models import Organisation, Team

from .errors import LeaderboardNotFound, PeriodNotValid
from .models import Badge, BadgeAward, LeaderboardBucket, LeaderboardScore, Level
from .periods import ALL_TIME, month_key, month_label

User = get_user_model()
Board = LeaderboardScore.Board

# The public names of the boards (URLs and the API) and the board each reads. The "teams" board ranks
# NGOs: a team is part of an NGO, and points earned on a team's reserved places count for its NGO.
PUBLIC_BOARDS = {"individuals": Board.INDIVIDUAL, "teams": Board.NGO, "districts": Board.DISTRICT}
PUBLIC_PERIODS = ("month", ALL_TIME)


# --- Where a piece of work counts -------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Attribution:
    """The district, NGO and team a credit counts for, besides the person."""

    district_id: int | None = None
    ngo_id: int | None = None
    team_id: int | None = None


def _signup_team_path() -> str | None:
    """The lookup from a sign-up to the team whose reserved place it took (`reservation__team`), or None
    while sign-ups have no such link."""
    fields = {field.name: field for field in SignUp._meta.get_fields()}
    reservation = fields.get("reservation")
    if reservation is not None and reservation.is_relation:
        team = {field.name: field for field in reservation.related_model._meta.get_fields()}.get("team")
        if team is not None and team.related_model is Team:
            return "reservation__team"
    return None


def attributions_for(verification_ids: Iterable[int]) -> dict[int, Attribution]:
    """For each verification (an approval or a revocation), where its work counts.

    District: the district of the call the work was done for (where the city got the help), not where the
    person lives, which changes when they move and would make past tallies unrepeatable. NGO and team: the
    team whose reserved place the person took; work signed up for alone counts for the person only, so
    that a member of two NGOs is never counted twice and a rebuild gives the same answer as the tallies.
    """
    ids = [pk for pk in set(verification_ids) if pk is not None]
    if not ids:
        return {}
    prefix = "completion__signup__"
    fields = ["pk", f"{prefix}shift__call__district_id"]
    team_path = _signup_team_path()
    if team_path:
        fields += [f"{prefix}{team_path}_id", f"{prefix}{team_path}__organisation_id"]
    result = {}
    for start in range(0, len(ids), 5000):
        for row in Verification.objects.filter(pk__in=ids[start : start + 5000]).values_list(*fields):
            team_id, ngo_id = (row[2], row[3]) if team_path else (None, None)
            result[row[0]] = Attribution(district_id=row[1], ngo_id=ngo_id, team_id=team_id)
    return result


# --- Levels ------------------------------------------------------------------------------------------------


def lifetime_points(user_id: int) -> int:
    """Points ever credited less points reversed (spending and expiry do not lower it)."""
    return (
        LeaderboardScore.objects.filter(board=Board.INDIVIDUAL, subject_id=user_id, period=ALL_TIME)
        .values_list("points", flat=True)
        .first()
        or 0
    )


def level_at(points: int) -> Level | None:
    return Level.objects.filter(min_points__lte=max(points, 0)).order_by("-min_points").first()


def level_for(user) -> Level | None:
    """The person's level by lifetime points, or None when no level starts low enough (or no levels)."""
    user_id = user if isinstance(user, int) else user.pk
    if user_id is None:
        return None
    return level_at(lifetime_points(user_id))


@dataclasses.dataclass
class LevelProgress:
    points: int
    level: Level | None
    next_level: Level | None

    @property
    def points_to_next(self) -> int | None:
        return None if self.next_level is None else max(self.next_level.min_points - self.points, 0)

    @property
    def percent(self) -> int:
        """How far from this level's start to the next level's, 0–100."""
        if self.next_level is None:
            return 100
        start = self.level.min_points if self.level else 0
        span = self.next_level.min_points - start
        return max(0, min(100, (self.points - start) * 100 // span)) if span > 0 else 100


def level_progress(*, user) -> LevelProgress:
    points = lifetime_points(user.pk)
    level = level_at(points)
    next_level = Level.objects.filter(min_points__gt=max(points, 0)).order_by("min_points").first()
    return LevelProgress(points=points, level=level, next_level=next_level)


# --- Badges ------------------------------------------------------------------------------------------------


@dataclasses.dataclass
class BadgeFacts:
    """What a person has done, as far as badge rules ask: their approved (not revoked) completions."""

    shifts_by_service: dict[int, int]
    shifts_by_department: dict[int, int]
    verified_hours: Decimal
    lifetime_points: int
    department_ids: frozenset[int]

    def progress(self, badge: Badge) -> tuple[int, int]:
        """(done, needed) towards the badge's rule."""
        rule = Badge.Rule
        if badge.rule == rule.SERVICE_SHIFTS:
            return self.shifts_by_service.get(badge.service_id, 0), badge.threshold
        if badge.rule == rule.DEPARTMENT_SHIFTS:
            return self.shifts_by_department.get(badge.department_id, 0), badge.threshold
        if badge.rule == rule.FIRST_IN_DEPARTMENT:
            return min(self.shifts_by_department.get(badge.department_id, 0), 1), 1
        if badge.rule == rule.VERIFIED_HOURS:
            return int(self.verified_hours), badge.threshold
        if badge.rule == rule.LIFETIME_POINTS:
            return max(self.lifetime_points, 0), badge.threshold
        if badge.rule == rule.EVERY_DEPARTMENT:
            done = sum(1 for pk in self.department_ids if self.shifts_by_department.get(pk, 0) >= 1)
            return done, len(self.department_ids)
        return 0, 1

    def meets(self, badge: Badge) -> bool:
        done, needed = self.progress(badge)
        return needed > 0 and done >= needed


def badge_facts(*, user_id: int) -> BadgeFacts:
    approved = Completion.objects.filter(
        signup__volunteer_id=user_id, status=Completion.Status.APPROVED
    ).values("signup__shift__call__service_id", "signup__shift__call__service__department_id")
    by_service: dict[int, int] = {}
    by_department: dict[int, int] = {}
    for row in approved.annotate(shifts=Count("pk")):
        service_id = row["signup__shift__call__service_id"]
        department_id = row["signup__shift__call__service__department_id"]
        by_service[service_id] = by_service.get(service_id, 0) + row["shifts"]
        by_department[department_id] = by_department.get(department_id, 0) + row["shifts"]
    hours = Completion.objects.filter(
        signup__volunteer_id=user_id, status=Completion.Status.APPROVED
    ).aggregate(total=Sum("approved_hours"))["total"] or Decimal(0)
    return BadgeFacts(
        shifts_by_service=by_service,
        shifts_by_department=by_department,
        verified_hours=hours,
        lifetime_points=lifetime_points(user_id),
        department_ids=frozenset(Department.objects.values_list("pk", flat=True)),
    )


@dataclasses.dataclass
class BadgeStatus:
    badge: Badge
    awarded_at: object | None
    done: int
    needed: int

    @property
    def earned(self) -> bool:
        return self.awarded_at is not None

    @property
    def percent(self) -> int:
        if self.earned:
            return 100
        return max(0, min(100, self.done * 100 // self.needed)) if self.needed else 0


def badge_statuses(*, user) -> list[BadgeStatus]:
    """Every badge the person earned (even ones since retired), then the active ones still to earn."""
    awards = {
        award.badge_id: award
        for award in BadgeAward.objects.filter(user_id=user.pk).select_related("badge", "badge__service")
    }
    facts = badge_facts(user_id=user.pk)
    statuses = []
    for badge in Badge.objects.filter(Q(is_active=True) | Q(pk__in=awards)).select_related(
        "service", "department"
    ):
        done, needed = facts.progress(badge)
        award = awards.get(badge.pk)
        statuses.append(BadgeStatus(badge, award.awarded_at if award else None, min(done, needed), needed))
    statuses.sort(key=lambda status: (not status.earned, status.badge.sort_order, status.badge.pk))
    return statuses


def badges_earned(*, user) -> list[BadgeAward]:
    return list(BadgeAward.objects.filter(user_id=user.pk).select_related("badge"))


# --- Leaderboards ------------------------------------------------------------------------------------------


def board_and_period(*, kind: str, period: str) -> tuple[str, str]:
    """The internal board and period key for the public names; a clear error for anything else."""
    if kind not in PUBLIC_BOARDS:
        raise LeaderboardNotFound(kind)
    if period not in PUBLIC_PERIODS:
        raise PeriodNotValid(period)
    return PUBLIC_BOARDS[kind], month_key() if period == "month" else ALL_TIME


@dataclasses.dataclass
class Standing:
    rank: int
    subject_id: int
    name: str
    points: int
    is_me: bool = False


def _ranked(board: str, period_key: str):
    """The rows that appear on a board: listed subjects with more than nothing.

    A month where someone's points were all revoked leaves a row at zero or below; it does not rank.
    """
    return LeaderboardScore.objects.filter(board=board, period=period_key, listed=True, points__gt=0)


def public_person_name(user) -> str:
    """How a person appears on boards: their pseudonym, or their name; never a phone number or e-mail.

    Usernames may be a mobile number or an address (people sign up with those), so a person with no
    name and a username like that appears as "Volunteer #id".
    """
    visibility = User.LeaderboardVisibility
    if user.leaderboard_visibility == visibility.PSEUDONYM and user.leaderboard_pseudonym.strip():
        return user.leaderboard_pseudonym.strip()
    if user.leaderboard_visibility == visibility.NAME:
        full_name = user.get_full_name().strip()
        if full_name:
            return full_name
        username = user.username or ""
        if username and "@" not in username and not any(char.isdigit() for char in username):
            return username
    return str(_("Volunteer #%(number)s") % {"number": user.pk})


def _names(board: str, subject_ids: list[int]) -> dict[int, str]:
    if board == Board.INDIVIDUAL:
        people = User.objects.filter(pk__in=subject_ids).only(
            "pk", "username", "first_name", "last_name", "leaderboard_visibility", "leaderboard_pseudonym"
        )
        return {person.pk: public_person_name(person) for person in people}
    model = {Board.NGO: Organisation, Board.TEAM: Team, Board.DISTRICT: District}[board]
    return {obj.pk: str(obj) for obj in model.objects.filter(pk__in=subject_ids)}


def leaderboard_top(*, board: str, period_key: str, limit: int = 50) -> list[Standing]:
    """The first `limit` subjects, best first; equal points share a rank and are listed by id."""
    rows = list(
        _ranked(board, period_key)
        .order_by("-points", "subject_id")
        .values_list("subject_id", "points")[:limit]
    )
    names = _names(board, [subject_id for subject_id, _points in rows])
    standings: list[Standing] = []
    for position, (subject_id, points) in enumerate(rows, start=1):
        rank = standings[-1].rank if standings and standings[-1].points == points else position
        standings.append(Standing(rank, subject_id, names.get(subject_id, ""), points))
    _names_told_apart(standings)
    return standings


def _names_told_apart(standings: list[Standing]) -> None:
    """Two people (or teams) with the same name on one board get their number beside it, as "Volunteer
    #id" already shows it, so that readers can tell them apart and each can find their own row."""
    seen: dict[str, int] = {}
    for standing in standings:
        seen[standing.name] = seen.get(standing.name, 0) + 1
    for standing in standings:
        if standing.name and seen[standing.name] > 1:
            number = format_number(standing.subject_id)
            standing.name = str(_("%(name)s #%(number)s") % {"name": standing.name, "number": number})


@dataclasses.dataclass
class MyStanding:
    rank: int | None  # None: no points on this board in this period yet
    points: int
    listed: bool  # False: the person chose not to appear; the rank is shown to them alone


def leaderboard_rank(*, board: str, period_key: str, subject_id: int) -> MyStanding:
    """One subject's standing: 1 + how many listed subjects have more points, summed from the buckets.

    Works for people who hide from boards too: they see where they would stand, privately, among the
    people who appear.
    """
    row = (
        LeaderboardScore.objects.filter(board=board, period=period_key, subject_id=subject_id)
        .values_list("points", "listed")
        .first()
    )
    if row is None or row[0] <= 0:
        return MyStanding(rank=None, points=row[0] if row else 0, listed=row[1] if row else True)
    points, listed = row
    ahead = _buckets(board, period_key).filter(points__gt=points).aggregate(total=Sum("subjects"))["total"]
    return MyStanding(rank=(ahead or 0) + 1, points=points, listed=listed)


def _buckets(board: str, period_key: str):
    return LeaderboardBucket.objects.filter(board=board, period=period_key, points__gt=0)


def leaderboard_size(*, board: str, period_key: str) -> int:
    """How many listed subjects have points on the board (a sum of buckets, not a count of rows)."""
    return _buckets(board, period_key).aggregate(total=Sum("subjects"))["total"] or 0


def viewer_subject_ids(*, user, board: str) -> list[int]:
    """Which subjects of a board are the viewer's own: themself, their NGOs, or their home district."""
    if user is None or not user.is_authenticated:
        return []
    if board == Board.INDIVIDUAL:
        return [user.pk]
    if board == Board.NGO:
        return list(user.memberships.values_list("organisation_id", flat=True))
    if board == Board.TEAM:
        return list(user.teams.values_list("pk", flat=True))
    if board == Board.DISTRICT:
        return [user.district_id] if user.district_id else []
    return []


@dataclasses.dataclass
class ViewerStanding:
    subject_id: int
    name: str
    rank: int | None
    points: int
    listed: bool


@dataclasses.dataclass
class LeaderboardPage:
    kind: str
    period: str
    period_key: str
    entries: list[Standing]
    size: int
    me: ViewerStanding | None


def leaderboard_page(*, kind: str, period: str, limit: int = 50, viewer=None) -> LeaderboardPage:
    """A board as the web page and the API show it: the top `limit`, and the viewer's own standing.

    The viewer's standing is theirs on the individuals board (shown to them even when they hide from
    everyone else), their NGO's on the teams board (the best placed, if they belong to several) and their
    home district's on the districts board.
    """
    board, period_key = board_and_period(kind=kind, period=period)
    own_ids = viewer_subject_ids(user=viewer, board=board)
    entries = leaderboard_top(board=board, period_key=period_key, limit=limit)
    for entry in entries:
        entry.is_me = entry.subject_id in own_ids
    me = None
    standings = [
        (subject_id, leaderboard_rank(board=board, period_key=period_key, subject_id=subject_id))
        for subject_id in own_ids
    ]
    if standings:
        subject_id, standing = max(standings, key=lambda item: (item[1].points, -item[0]))
        if board == Board.INDIVIDUAL:
            name = public_person_name(viewer)
        else:
            name = _names(board, [subject_id]).get(subject_id, "")
        # The name as the board shows it, number included when another row has the same name.
        name = next((entry.name for entry in entries if entry.subject_id == subject_id), name)
        me = ViewerStanding(subject_id, name, standing.rank, standing.points, standing.listed)
    return LeaderboardPage(
        kind=kind,
        period=period,
        period_key=period_key,
        entries=entries,
        size=leaderboard_size(board=board, period_key=period_key),
        me=me,
    )


@dataclasses.dataclass
class MonthBar:
    key: str
    label: str
    points: int
    percent: int  # of the tallest bar, for the chart


def monthly_points(*, user_id: int, months: int = 6) -> list[MonthBar]:
    """The person's points in each of the last `months` Jalali months, oldest first, for a bar chart."""
    year, month = (int(part) for part in month_key().split("-"))
    keys = []
    for _step in range(months):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    keys.reverse()
    points = dict(
        LeaderboardScore.objects.filter(
            board=Board.INDIVIDUAL, subject_id=user_id, period__in=keys
        ).values_list("period", "points")
    )
    tallest = max([points.get(key, 0) for key in keys] + [1])
    return [
        MonthBar(key, month_label(key), points.get(key, 0), max(points.get(key, 0), 0) * 100 // tallest)
        for key in keys
    ]


# --- Answers kept for anonymous readers ---------------------------------------------------------------------
# A board read anonymously is the same for everyone, so the API keeps it (core.cached_answers) under a
# version that services.leaderboard_answers_expire replaces, once committed, whenever a board can change:
# points counted, a person's choice to appear or their name or pseudonym, a team's, NGO's or district's
# name, an account deleted. Time alone changes which month "this month" is: BOARD_ANSWER_SECONDS bounds it.
BOARD_ANSWER_SECONDS = 30
BOARDS_VERSION_KEY = "achievements:boards-version"


def leaderboard_answer_key(*, path: str, language: str) -> str | None:
    """The cache key of an anonymous reader's answer for `path` (with its query string) in `language`;
    None inside a transaction or when the cache is down, and then nothing is kept."""
    if connection.in_atomic_block:
        return None
    version = cache.get(BOARDS_VERSION_KEY)
    if version is None:
        cache.add(BOARDS_VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(BOARDS_VERSION_KEY)
        if version is None:
            return None
    digest = hashlib.sha256(f"{language}\n{path}".encode()).hexdigest()
    return f"achievements:board-answer:{version}:{digest}"
