"""Writes for leaderboards, levels and badges. Everything starts from `points_recorded`."""

from __future__ import annotations

import datetime
import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import outbox
from rewards.errors import RedemptionRefused, RewardErrorCode
from rewards.selectors import lifetime_ledger_entries

from . import tasks
from .models import Badge, BadgeAward, LeaderboardBucket, LeaderboardScore, LevelAttainment
from .periods import periods_of
from .selectors import (
    BOARDS_VERSION_KEY,
    Attribution,
    attributions_for,
    badge_facts,
    level_at,
    level_for,
    lifetime_points,
)

logger = logging.getLogger(__name__)
User = get_user_model()
Board = LeaderboardScore.Board


class LedgerEntry(NamedTuple):
    """What achievements needs of a rewards ledger entry that changed someone's lifetime points."""

    user_id: int
    amount: int
    occurred_at: datetime.datetime
    verification_id: int | None = None


def _tally_keys(
    *, user_id: int, occurred_at: datetime.datetime, attribution: Attribution
) -> list[tuple[str, int, str]]:
    """Every (board, subject, period) a credit counts on; sorted, so that concurrent credits take the
    tally rows' locks in one order and cannot deadlock each other."""
    subjects = [(Board.INDIVIDUAL.value, user_id)]
    if attribution.district_id:
        subjects.append((Board.DISTRICT.value, attribution.district_id))
    if attribution.ngo_id:
        subjects.append((Board.NGO.value, attribution.ngo_id))
    if attribution.team_id:
        subjects.append((Board.TEAM.value, attribution.team_id))
    return sorted(
        (board, subject, period) for board, subject in subjects for period in periods_of(occurred_at)
    )


def _is_listed(user_id: int) -> bool:
    visibility = User.objects.filter(pk=user_id).values_list("leaderboard_visibility", flat=True).first()
    return visibility != User.LeaderboardVisibility.HIDDEN


def _increment(*, board: str, subject_id: int, period: str, amount: int, listed: bool) -> tuple[int, bool]:
    """Adds `amount` to one tally row, creating it at the first credit; returns (points before, listed).

    The UPDATE holds the row's lock until the caller's transaction ends; a concurrent first credit that
    loses the race to insert the row retries as an UPDATE.
    """
    table = LeaderboardScore._meta.db_table
    # The table name is the model's own; values go as parameters.
    update = (
        f"UPDATE {table} SET points = points + %s, updated_at = %s "  # noqa: S608
        "WHERE board = %s AND subject_id = %s AND period = %s RETURNING points, listed"
    )
    params = [amount, timezone.now(), board, subject_id, period]
    with connection.cursor() as cursor:
        cursor.execute(update, params)
        row = cursor.fetchone()
        if row is None:
            try:
                with transaction.atomic():
                    LeaderboardScore.objects.create(
                        board=board, subject_id=subject_id, period=period, points=amount, listed=listed
                    )
                return 0, listed
            except IntegrityError:
                cursor.execute(update, params)
                row = cursor.fetchone()
    points_after, row_listed = row
    return points_after - amount, bool(row_listed)


def _bucket_moves(moves: dict[tuple[str, str, int], int]) -> None:
    """Applies changes to bucket counts, in one sorted order so that concurrent credits cannot deadlock
    on them. Each tally row's move comes from the state it was locked in, so counts stay exact."""
    for (board, period, points), delta in sorted(moves.items()):
        if not delta:
            continue
        rows = LeaderboardBucket.objects.filter(board=board, period=period, points=points)
        if rows.update(subjects=F("subjects") + delta):
            continue
        try:
            with transaction.atomic():
                LeaderboardBucket.objects.create(board=board, period=period, points=points, subjects=delta)
        except IntegrityError:
            rows.update(subjects=F("subjects") + delta)


def _record_move(moves: dict, *, board: str, period: str, before: int, after: int, listed: bool) -> None:
    if not listed or before == after:
        return
    if before > 0:
        moves[(board, period, before)] = moves.get((board, period, before), 0) - 1
    if after > 0:
        moves[(board, period, after)] = moves.get((board, period, after), 0) + 1


@transaction.atomic
def reward_level_check(*, reward, user) -> None:
    """Refuses a reward kept for a higher level than the person's (rewards asks before redeeming)."""
    if not reward.min_level_points:
        return
    level = level_for(user)
    if level is None or level.min_points < reward.min_level_points:
        raise RedemptionRefused(
            RewardErrorCode.LEVEL_TOO_LOW, _("This reward is for volunteers of a higher level; keep going!")
        )


def points_recorded(
    *, user_id: int, amount: int, occurred_at: datetime.datetime, verification_id: int | None = None
) -> None:
    """Counts a ledger entry that changed a person's lifetime points on the leaderboards, and awards the
    badges and levels it earns.

    Rewards calls this inside the transaction that writes the entry, so the tallies commit or roll back
    with it, and each entry is counted exactly once. `amount` is negative for a reversal; reversals lower
    tallies and levels but never take back a badge (it was earned when it was given; taking it back would
    punish the person for a staff decision about one shift). The entry counts for the person, and, through
    the work it paid for (`verification_id`: an approval or its revocation), for the call's district and
    for the NGO and team whose reserved place the person took.
    """
    if not amount:
        return
    attribution = attributions_for([verification_id]).get(verification_id, Attribution())
    person_listed = _is_listed(user_id)
    moves: dict[tuple[str, str, int], int] = {}
    # Tally rows first, then buckets, each in sorted order: one global lock order for every credit.
    for board, subject_id, period in _tally_keys(
        user_id=user_id, occurred_at=occurred_at, attribution=attribution
    ):
        before, listed = _increment(
            board=board,
            subject_id=subject_id,
            period=period,
            amount=amount,
            listed=person_listed if board == Board.INDIVIDUAL else True,
        )
        _record_move(moves, board=board, period=period, before=before, after=before + amount, listed=listed)
    _bucket_moves(moves)
    leaderboard_answers_expire()
    if amount > 0:
        # The person's all-time row is locked by now, so concurrent credits for the same person evaluate
        # their badges one after the other; the unique constraint on awards backs that up.
        _level_reached(user_id=user_id, verification_id=verification_id)
        badges_award(user_id=user_id, verification_id=verification_id)


def _level_reached(*, user_id: int, verification_id: int | None) -> None:
    level = level_at(lifetime_points(user_id))
    if level is None or level.min_points == 0:
        return  # the starting level is where everybody begins: nothing to congratulate
    try:
        with transaction.atomic():
            attainment = LevelAttainment.objects.create(user_id=user_id, level=level)
    except IntegrityError:
        return
    outbox.send_after_commit(tasks.notify_level_reached_task, attainment.pk)


def badges_award(*, user_id: int, verification_id: int | None = None) -> list[BadgeAward]:
    """Awards every active badge whose rule the person now meets and they do not have yet, exactly once
    each, and tells them after the transaction commits."""
    unearned = list(
        Badge.objects.filter(is_active=True).exclude(awards__user_id=user_id).select_related("department")
    )
    if not unearned:
        return []
    facts = badge_facts(user_id=user_id)
    awarded = []
    for badge in unearned:
        if not facts.meets(badge):
            continue
        try:
            with transaction.atomic():
                award = BadgeAward.objects.create(
                    user_id=user_id, badge=badge, verification_id=verification_id
                )
        except IntegrityError:
            continue  # a concurrent credit awarded it first
        awarded.append(award)
    if awarded:
        for award in awarded:
            outbox.send_after_commit(tasks.notify_badge_award_task, award.pk)
    return awarded


@transaction.atomic
def leaderboard_visibility_sync(*, user_id: int, visibility: str) -> None:
    """Keeps a person's tally rows, and the buckets that count them, in step with their choice to appear
    on boards or not. Locks the rows it changes, as a credit does, so the two never miscount."""
    listed = visibility != User.LeaderboardVisibility.HIDDEN
    table = LeaderboardScore._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(  # the table name is the model's own; values go as parameters
            f"UPDATE {table} SET listed = %s WHERE board = %s AND subject_id = %s AND listed <> %s "  # noqa: S608
            "RETURNING period, points",
            [listed, Board.INDIVIDUAL.value, user_id, listed],
        )
        changed = cursor.fetchall()
    moves: dict[tuple[str, str, int], int] = {}
    for period, points in changed:
        if points > 0:
            key = (Board.INDIVIDUAL.value, period, points)
            moves[key] = moves.get(key, 0) + (1 if listed else -1)
    _bucket_moves(moves)
    leaderboard_answers_expire()


def leaderboard_answers_expire() -> None:
    """Makes the boards kept for anonymous readers unreachable once the current transaction commits (at
    once outside one); see selectors.leaderboard_answer_key."""
    # robust: the change is committed by then; a cache that is down must not turn it into an error.
    transaction.on_commit(lambda: cache.set(BOARDS_VERSION_KEY, uuid.uuid4().hex, timeout=None), robust=True)


# --- Rebuilding the tallies from the ledger ----------------------------------------------------------------


def tallies_compute(entries: Iterable[LedgerEntry]) -> dict[tuple[str, int, str], int]:
    """The tallies that `points_recorded` would have kept for these entries, computed afresh.

    Works through the entries in chunks, so that a million of them never sit in memory at once.
    """
    tallies: dict[tuple[str, int, str], int] = defaultdict(int)
    for chunk in _chunks(entries, 10000):
        attributions = attributions_for(entry.verification_id for entry in chunk)
        for entry in chunk:
            if not entry.amount:
                continue
            attribution = attributions.get(entry.verification_id, Attribution())
            for key in _tally_keys(
                user_id=entry.user_id, occurred_at=entry.occurred_at, attribution=attribution
            ):
                tallies[key] += entry.amount
    return dict(tallies)


def _chunks(items: Iterable, size: int):
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@transaction.atomic
def leaderboards_rebuild(*, entries: Iterable[LedgerEntry] | None = None) -> dict[str, int]:
    """Replaces every tally with one recomputed from the ledger; returns how many rows changed.

    On PostgreSQL the tally table is locked against writes (reads go on) before the ledger is read: a
    credit committed earlier is in what we read, and one still in flight waits for the lock and then adds
    itself to the rebuilt tally, so nothing is lost or counted twice.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (LeaderboardScore, LeaderboardBucket):
                cursor.execute(f"LOCK TABLE {model._meta.db_table} IN EXCLUSIVE MODE")
    if entries is None:
        entries = ledger_entries()
    expected = tallies_compute(entries)
    hidden = set(
        User.objects.filter(leaderboard_visibility=User.LeaderboardVisibility.HIDDEN).values_list(
            "pk", flat=True
        )
    )
    current = {
        (row.board, row.subject_id, row.period): row
        for row in LeaderboardScore.objects.all().only(
            "pk", "board", "subject_id", "period", "points", "listed"
        )
    }
    to_create, to_update = [], []
    for key, points in expected.items():
        board, subject_id, period = key
        listed = not (board == Board.INDIVIDUAL and subject_id in hidden)
        row = current.pop(key, None)
        if row is None:
            to_create.append(
                LeaderboardScore(
                    board=board, subject_id=subject_id, period=period, points=points, listed=listed
                )
            )
        elif row.points != points or row.listed != listed:
            row.points, row.listed = points, listed
            to_update.append(row)
    stale = [row.pk for row in current.values()]
    LeaderboardScore.objects.bulk_create(to_create, batch_size=2000)
    LeaderboardScore.objects.bulk_update(to_update, ["points", "listed"], batch_size=2000)
    for start in range(0, len(stale), 2000):
        LeaderboardScore.objects.filter(pk__in=stale[start : start + 2000]).delete()
    _buckets_rebuild()
    leaderboard_answers_expire()
    return {"created": len(to_create), "updated": len(to_update), "deleted": len(stale)}


def _buckets_rebuild() -> None:
    """Recounts every bucket from the tallies (themselves just rebuilt)."""
    LeaderboardBucket.objects.all().delete()
    counts = (
        LeaderboardScore.objects.filter(listed=True, points__gt=0)
        .values("board", "period", "points")
        .annotate(subjects=Count("pk"))
        .order_by()
    )
    LeaderboardBucket.objects.bulk_create(
        (LeaderboardBucket(**row) for row in counts.iterator(chunk_size=5000)), batch_size=2000
    )


def ledger_entries() -> Iterable[LedgerEntry]:
    """The entries that changed lifetime points (earns, bonuses, reversals), from rewards' ledger."""
    for entry in lifetime_ledger_entries():
        yield LedgerEntry(*entry)
