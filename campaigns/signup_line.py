"""Sign-ups that wait their turn when a popular call opens to thousands at once.

A sign-up is decided under its shift's row lock, one at a time: a few hundred a second on one machine.
When thousands sign up for one shift at once, all but a few would wait unanswered in the web server's
queue for seconds, in no order anyone can see. Instead, once more than SIGNUP_LINE_AFTER_IN_FLIGHT
sign-ups for a shift are being decided at once, the shift's line opens: each further sign-up is written
down (one short transaction) and answered at once with its place in line, and a worker decides them in
the order they came, by the same rules as any sign-up (services.signup_create). The person reads the
outcome from the answer's address (the API) or the waiting page (the site), and gets the usual notice.

What stays true:
- Every rule and guarantee of a sign-up: the worker calls the same service, under the same locks.
- Order: entries are decided by id. An entry takes its id while holding a shared advisory lock on its
  shift's line, and the worker takes that lock exclusively for a moment after noting the last id it
  sees, so every entry with a lower id has committed when it reads the line: none is left behind to be
  decided after a later one.
- Exactly once: an entry is marked decided in the transaction that signs it up, one worker at a time per
  shift (a second advisory lock).
- Redis is an accelerator: the count of sign-ups being decided and the "line open" mark are in the cache;
  without Redis every sign-up is decided at once, as before. The entries are in the database: a worker or
  broker lost after they were written delays them until the beat's sweep, never loses them.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, prefetch_related_objects
from django.utils import timezone, translation

from core import outbox
from core.errors import DomainError

from . import notices, selectors, services
from .errors import ShiftNotFound, SignUpRequestNotFound
from .models import SignUp, SignUpRequest

logger = logging.getLogger(__name__)

# Advisory lock namespaces (two-key form, the shift's id the second key).
LINE_JOIN_LOCK = 2101  # held shared by an entry being written, exclusively for a moment by the worker
LINE_DECIDE_LOCK = 2102  # one worker decides a shift's line at a time
# Entries decided per transaction: a batch's sign-ups become visible together.
BATCH_SIZE = 50
# After a batch that was not full, the worker waits this long for more to arrive before the next one: when
# sign-ups trickle in (the proxy admits them at a steady rate), each batch's fixed statements and the
# worker's round trips are shared by several decisions instead of paid for one or two.
GATHER_SECONDS = 0.05
# A count of sign-ups in flight left behind by a killed process lasts at most this long.
IN_FLIGHT_SECONDS = 60
# While a worker is on its way or at work on a line, further entries do not send another.
WORKER_MARK_SECONDS = 30
# Entries waiting longer than this are taken up by the beat's sweep.
STALLED_AFTER = datetime.timedelta(seconds=20)
# A decided entry is kept this long for the person to read its outcome.
KEPT_AFTER_DECISION = datetime.timedelta(days=7)
# What the answer tells a client about when to look again: about this many are decided a second.
DECIDED_PER_SECOND = 150

WAITING = SignUpRequest.State.WAITING


def _in_flight_key(shift_id: int) -> str:
    return f"signup-line:in-flight:{shift_id}"


def _open_key(shift_id: int) -> str:
    return f"signup-line:open:{shift_id}"


def _worker_key(shift_id: int) -> str:
    return f"signup-line:worker:{shift_id}"


def _in_flight_change(key: str, delta: int) -> int | None:
    """The count after the change; None when Redis does not answer (django-redis then answers None)."""
    try:
        return cache.incr(key, delta)
    except ValueError:  # no count yet (or it expired): start one
        if delta < 0:
            return None
        cache.add(key, 0, timeout=IN_FLIGHT_SECONDS)
        try:
            return cache.incr(key, delta)
        except ValueError:
            return None


# Once a process has seen a line open it takes that as true for a moment rather than asking the cache on
# every sign-up (a round trip of a queued answer's few). An open line remembered a moment too long only
# sends a sign-up to the line, decided in its order by the same rules; a closed one is never remembered.
LINE_SEEN_OPEN_SECONDS = 1.0
_lines_seen_open: dict[int, float] = {}  # shift id: until when


def _line_is_open(shift_id: int) -> bool:
    if settings.SIGNUP_LINE_AFTER_IN_FLIGHT <= 0:
        return False
    if _lines_seen_open.get(shift_id, 0.0) > time.monotonic():
        return True
    if cache.get(_open_key(shift_id)) is None:
        return False
    _line_seen_open(shift_id)
    return True


def _line_seen_open(shift_id: int) -> None:
    if len(_lines_seen_open) >= 1000:  # lines seen long ago: forget them all
        _lines_seen_open.clear()
    _lines_seen_open[shift_id] = time.monotonic() + LINE_SEEN_OPEN_SECONDS


def _line_keep_open(shift_id: int) -> None:
    cache.set(_open_key(shift_id), 1, timeout=settings.SIGNUP_LINE_HOLD_SECONDS)
    _line_seen_open(shift_id)


@contextlib.contextmanager
def _counted_in_flight(shift_id: int):
    """Counts this sign-up as being decided (in every process, through the cache) while the block runs;
    yields True when too many are, so that it joins the line instead (which this opens)."""
    after = settings.SIGNUP_LINE_AFTER_IN_FLIGHT
    if after <= 0:
        yield False
        return
    key = _in_flight_key(shift_id)
    in_flight = _in_flight_change(key, +1)
    try:
        too_many = in_flight is not None and in_flight > after
        if too_many:
            _line_keep_open(shift_id)
        yield too_many
    finally:
        if in_flight is not None:
            _in_flight_change(key, -1)


def signup_or_queue(
    *, shift_id: int, person, accept_waiver_version: str | None = None, channel: str, guest_names=()
) -> SignUp | SignUpRequest:
    """A sign-up decided now, as services.signup_create decides it (ShiftNotFound for a shift of no
    published call); or, while the shift's line is open, an entry in it (see the module's note), decided
    soon by a worker, which reads the shift then."""
    arguments = {
        "person": person,
        "accept_waiver_version": accept_waiver_version,
        "channel": channel,
        "guest_names": guest_names,
    }
    if _line_is_open(shift_id):
        return signup_request_create(shift_id=shift_id, **arguments)
    if SignUpRequest.objects.filter(shift_id=shift_id, state=WAITING).exists():
        # Its mark expired (or Redis lost it) while some still wait, say for a worker that died: nobody
        # goes ahead of them.
        _line_keep_open(shift_id)
        return signup_request_create(shift_id=shift_id, **arguments)
    shift = selectors.shift_get_for_signup(shift_id=shift_id)
    with _counted_in_flight(shift_id) as too_many:
        if not too_many:
            return services.signup_create(
                shift=shift,
                volunteer=person,
                accept_waiver_version=accept_waiver_version,
                channel=channel,
                guest_names=guest_names,
            )
    return signup_request_create(shift_id=shift_id, **arguments)


# One statement, its own transaction: the shift's line joined (the shared lock taken before the entry
# takes its id, see the module's note), the entry written unless the person already waits, and how many
# wait ahead of it (as far as they have committed).
# The partial unique index is named by its predicate (SignUpRequest.State.WAITING), written out rather than
# a parameter: PostgreSQL cannot infer the index from a parameter when the statement is prepared.
_LINE_JOIN_SQL = """
    WITH joining AS (SELECT pg_advisory_xact_lock_shared(%(lock)s, %(shift)s)),
    entry AS (
        INSERT INTO campaigns_signuprequest (shift_id, person_id, state, channel, accept_waiver_version,
                                             guest_names, language, created_at, refusal_code, refusal_message)
        SELECT %(shift)s, %(person)s, %(waiting)s, %(channel)s, %(waiver)s, %(guests)s::jsonb, %(language)s,
               %(now)s, '', ''
        FROM joining
        ON CONFLICT (shift_id, person_id) WHERE state = 'waiting' DO NOTHING
        RETURNING id
    )
    SELECT entry.id, 1 + (
        SELECT count(*) FROM campaigns_signuprequest ahead
        WHERE ahead.shift_id = %(shift)s AND ahead.state = %(waiting)s AND ahead.id < entry.id
    )
    FROM entry
"""


def signup_request_create(
    *, shift_id: int, person, accept_waiver_version: str | None, channel: str, guest_names=()
) -> SignUpRequest:
    """Writes the person down at the end of the shift's line (or returns their entry already waiting in
    it) and has a worker decide the line soon."""
    entry = SignUpRequest(
        shift_id=shift_id,
        person=person,
        channel=channel,
        accept_waiver_version=accept_waiver_version or "",
        guest_names=list(guest_names),
        language=translation.get_language() or settings.LANGUAGE_CODE,
        created_at=timezone.now(),
    )
    for _attempt in range(2):
        try:
            written = _line_join(entry)
        except IntegrityError:  # the shift itself was deleted
            break
        if written:
            transaction.on_commit(lambda: _line_worker_send(shift_id))
            return entry
        # Asked twice: the entry already waiting answers (unless it was decided in between).
        waiting = SignUpRequest.objects.filter(shift_id=shift_id, person=person, state=WAITING).first()
        if waiting is not None:
            return waiting
    raise ShiftNotFound(shift_id)


def _line_join(entry: SignUpRequest) -> bool:
    """Writes `entry` (its id and, on PostgreSQL, its place in line set); False when the person already
    waits in the shift's line."""
    if connection.vendor != "postgresql":  # SQLite writes one transaction at a time: no lock needed
        try:
            with transaction.atomic():
                entry.save(force_insert=True)
        except IntegrityError:
            return False
        return True
    with connection.cursor() as cursor:
        cursor.execute(
            _LINE_JOIN_SQL,
            {
                "lock": LINE_JOIN_LOCK,
                "shift": entry.shift_id,
                "person": entry.person_id,
                "waiting": WAITING.value,
                "channel": entry.channel,
                "waiver": entry.accept_waiver_version,
                "guests": json.dumps(entry.guest_names),
                "language": entry.language,
                "now": entry.created_at,
            },
        )
        row = cursor.fetchone()
    if row is None:
        return False
    entry.pk, entry._queue_position = row
    entry._state.adding, entry._state.db = False, connection.alias
    return True


def _line_worker_send(shift_id: int) -> None:
    """Sends a worker to the line unless one is on its way or at work; never raises (the sweep)."""
    from .tasks import process_signup_line_task

    try:
        if cache.add(_worker_key(shift_id), 1, timeout=WORKER_MARK_SECONDS) is False:
            return
        process_signup_line_task.delay(shift_id)
    except Exception:  # the broker refused: the beat's sweep takes the line up
        logger.warning("No worker sent to the sign-up line of shift %s", shift_id, exc_info=True)


def signup_line_decide(*, shift_id: int) -> int:
    """Decides the shift's line in the order it came, a batch per transaction, until nobody waits.
    Safe to run twice at once (the second waits for the first's batch) and again after a crash."""
    decided = 0
    while True:
        cache.set(_worker_key(shift_id), 1, timeout=WORKER_MARK_SECONDS)
        batch = _signup_line_batch_decide(shift_id)
        decided += batch
        if batch:
            _line_keep_open(shift_id)
            if batch < BATCH_SIZE:
                time.sleep(GATHER_SECONDS)
            continue
        # Unmarked before the last look: an entry written after it sends a worker of its own.
        cache.delete(_worker_key(shift_id))
        if not SignUpRequest.objects.filter(shift_id=shift_id, state=WAITING).exists():
            return decided


@transaction.atomic
def _signup_line_batch_decide(shift_id: int) -> int:
    on_postgresql = connection.vendor == "postgresql"
    if on_postgresql:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LINE_DECIDE_LOCK, shift_id])
    waiting = SignUpRequest.objects.filter(shift_id=shift_id, state=WAITING)
    last_id = waiting.aggregate(last=Max("id"))["last"]
    if last_id is None:
        return 0
    if on_postgresql:
        # Every entry that took an id up to `last_id` holds the join lock until it commits: wait for them.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [LINE_JOIN_LOCK, shift_id])
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LINE_JOIN_LOCK, shift_id])
    entries = list(waiting.filter(id__lte=last_id).select_related("person").order_by("id")[:BATCH_SIZE])
    try:
        shift, unavailable = selectors.shift_get_for_signup(shift_id=shift_id), None
    except DomainError as error:  # the call was unpublished or made private meanwhile
        shift, unavailable = None, error
    standings = {}
    if shift is not None:
        # Everyone in the batch locked and read at once (a person waits in a shift's line once).
        standings = services.signup_standings_locked(shift=shift, people=[entry.person for entry in entries])
    for entry in entries:
        with translation.override(entry.language):
            try:
                if unavailable is not None:
                    raise unavailable
                # In the batch's transaction, without a savepoint each: a refusal is raised before the
                # sign-up writes anything (see signup_create_in_transaction).
                entry.signup = services.signup_create_in_transaction(
                    shift=shift,
                    volunteer=entry.person,
                    accept_waiver_version=entry.accept_waiver_version or None,
                    channel=entry.channel,
                    guest_names=entry.guest_names,
                    notify=False,
                    standing=standings[entry.person_id],
                )
                entry.state = SignUpRequest.State.SIGNED_UP
            except DomainError as error:
                entry.state = SignUpRequest.State.REFUSED
                entry.refusal_code, entry.refusal_message = error.code, str(error.message)
        entry.decided_at = timezone.now()
    _decisions_write(entries)
    outbox.send_many_later(
        notices.notify_signup_created_task, [(entry.signup.pk,) for entry in entries if entry.signup]
    )
    return len(entries)


# The batch's outcomes in one statement (bulk_update's CASE per column costs more to compose than the
# decisions themselves).
_DECISIONS_WRITE_SQL = """
    UPDATE campaigns_signuprequest entry
    SET state = decided.state, signup_id = decided.signup_id, refusal_code = decided.code,
        refusal_message = decided.message, decided_at = decided.decided_at
    FROM unnest(%s::bigint[], %s::text[], %s::bigint[], %s::text[], %s::text[], %s::timestamptz[])
         AS decided (id, state, signup_id, code, message, decided_at)
    WHERE entry.id = decided.id
"""


def _decisions_write(entries: list[SignUpRequest]) -> None:
    fields = ["state", "signup", "refusal_code", "refusal_message", "decided_at"]
    if connection.vendor != "postgresql":
        SignUpRequest.objects.bulk_update(entries, fields)
        return
    with connection.cursor() as cursor:
        cursor.execute(
            _DECISIONS_WRITE_SQL,
            [
                [entry.pk for entry in entries],
                [entry.state for entry in entries],
                [entry.signup.pk if entry.signup is not None else None for entry in entries],
                [entry.refusal_code for entry in entries],
                [entry.refusal_message for entry in entries],
                [entry.decided_at for entry in entries],
            ],
        )


def signup_lines_decide_stalled(*, now=None) -> int:
    """Decides the lines whose entries have waited longer than a worker would have taken: their worker
    was never sent (broker down) or died. Returns how many entries it decided."""
    now = now or timezone.now()
    shift_ids = (
        SignUpRequest.objects.filter(state=WAITING, created_at__lt=now - STALLED_AFTER)
        .values_list("shift_id", flat=True)
        .distinct()
    )
    return sum(signup_line_decide(shift_id=shift_id) for shift_id in list(shift_ids))


def signup_requests_prune(*, now=None) -> int:
    """Deletes entries decided more than KEPT_AFTER_DECISION ago: they only serve the person looking for
    the outcome (the sign-up itself stays). Returns how many."""
    now = now or timezone.now()
    deleted, _ = (
        SignUpRequest.objects.filter(decided_at__lt=now - KEPT_AFTER_DECISION).exclude(state=WAITING).delete()
    )
    return deleted


# --- Reading an entry ----------------------------------------------------------------------------------


def signup_request_get_for_person(*, request_id: int, person) -> SignUpRequest:
    """One of the person's own entries, with its sign-up (and that sign-up's shift and call) once signed
    up; anyone else's does not exist for them."""
    try:
        return SignUpRequest.objects.select_related("shift__call", "signup__shift__call").get(
            pk=request_id, person=person
        )
    except SignUpRequest.DoesNotExist:
        raise SignUpRequestNotFound(request_id) from None


def signup_requests_waiting_for(*, person) -> list[SignUpRequest]:
    """The person's sign-ups still waiting in a queue (usually none), with their shift and call, each
    with its `queue_position`."""
    # Asked on every visit to "my shifts" and nearly always empty: the plain statement first, the shifts
    # and calls (a wide join, slow to compose) only for entries there are.
    entries = list(SignUpRequest.objects.filter(person=person, state=WAITING).order_by("pk"))
    prefetch_related_objects(entries, "shift__call")
    for entry in entries:
        entry.queue_position = queue_position(entry)
    return entries


def queue_position(entry: SignUpRequest) -> int | None:
    """How many wait ahead of the entry, plus one; None once it is decided."""
    if entry.state != WAITING:
        return None
    if getattr(entry, "_queue_position", None) is None:
        entry._queue_position = SignUpRequest.objects.filter(
            shift_id=entry.shift_id, state=WAITING, id__lte=entry.pk
        ).count()
    return entry._queue_position


def retry_after_seconds(entry: SignUpRequest) -> int | None:
    """When to look again while the entry waits: about when its turn comes, from one to ten seconds."""
    place = queue_position(entry)
    return None if place is None else min(10, max(1, math.ceil(place / DECIDED_PER_SECOND)))
