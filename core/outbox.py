"""A transactional outbox: work that must happen because a transaction committed is written in it.

`send_after_commit(task, *args)` writes an `OutboxMessage` in the caller's transaction, so the intent
commits or rolls back with the change it follows (an approval, a cancellation). After the commit it is
handed to the broker at once; when that fails (Redis down, the process killed between the commit and the
hand-over) nothing is lost: the beat task `core.tasks.relay_outbox_task` hands over every message that is
due. A message is done only when its task reports success (Celery's `task_success`), so a message the
broker lost, or a worker killed with `kill -9` held, is handed over again after a while that doubles each
time (`OUTBOX_RESEND_AFTER_SECONDS`), up to `OUTBOX_MAX_HAND_OVERS`; `manage.py check_outbox` lists what
gave up.

A message may therefore run more than once, so every task sent this way is idempotent (the ledger's
unique constraints, notices claimed by a conditional UPDATE): delivered at least once, effective exactly
once.

Written here rather than taken from a library: the maintained options either replace the Celery app and
add a relay daemon (django-celery-outbox) or speak STOMP (django-outbox-pattern); this is one table, one
function and one beat task on the Celery setup Hamyar already runs.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from celery import current_app
from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)

# Task ids of handed-over messages: "outbox:<message id>:<hand-over>", read back by `task_succeeded`.
TASK_ID_PREFIX = "outbox:"


def _seconds(name: str, default: float) -> datetime.timedelta:
    return datetime.timedelta(seconds=getattr(settings, name, default))


def send_after_commit(task, *args, at_once: bool = True) -> OutboxMessage:
    """Runs `task(*args)` once the current transaction commits, surviving a broker or process failure.

    The arguments must be JSON (ids, not objects). Outside a transaction the message is written and handed
    over at once. `at_once=False` leaves it to the relay (within OUTBOX_RELAY_SECONDS): for work that may
    wait a few seconds, so that a burst of requests (a popular call opening) does not also pay a broker
    round trip each.
    """
    now = timezone.now()
    message = OutboxMessage.objects.create(
        task_name=task.name,
        args=list(args),
        created_at=now,
        # Handed over right after the commit, it is due for the relay again only if its task has not
        # succeeded by then; left to the relay, it is due now.
        next_attempt_at=now + _seconds("OUTBOX_RESEND_AFTER_SECONDS", 120) if at_once else now,
    )
    if at_once:
        transaction.on_commit(lambda: hand_over([message], record=False))
    return message


def send_many_later(task, arguments: Iterable[tuple]) -> list[OutboxMessage]:
    """`send_after_commit(task, *args, at_once=False)` for each tuple of arguments, written in one statement:
    for work done in batches (a sign-up queue decided fifty at a time)."""
    now = timezone.now()
    return OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(task_name=task.name, args=list(args), created_at=now, next_attempt_at=now)
            for args in arguments
        ]
    )


def hand_over(messages: Iterable[OutboxMessage], *, record: bool = True) -> int:
    """Gives each message's task to the broker (or, eager, runs it) and, with `record`, notes when and
    when it is due again; stops at the first refusal, since the broker is then down for the rest too.
    Never raises: the relay will try again. Returns how many were handed over.

    The hand-over right after a commit records nothing when it succeeds (its message was written due for
    the relay only after OUTBOX_RESEND_AFTER_SECONDS): one statement less for every request."""
    handed = 0
    messages = list(messages)
    for index, message in enumerate(messages):
        if not _hand_over_one(message, record=record):
            retry_at = timezone.now() + _seconds("OUTBOX_BROKER_RETRY_SECONDS", 15)
            rest = [later.pk for later in messages[index + 1 :]]
            if rest:
                _update(rest, next_attempt_at=retry_at)
            break
        handed += 1
    return handed


def _hand_over_one(message: OutboxMessage, *, record: bool = True) -> bool:
    now = timezone.now()
    task_id = f"{TASK_ID_PREFIX}{message.pk}:{message.attempts + 1}"
    try:
        task = current_app.tasks[message.task_name]
        # retry=False: the outbox is the retry; a request must not wait on a broker that is down.
        # ignore_result: nobody waits for it, and a result backend that is down would hold the request.
        task.apply_async(args=message.args, task_id=task_id, retry=False, ignore_result=True)
    except Exception as error:  # a broker down, or (eager) the task itself failing: try again later
        logger.warning("Outbox message %s (%s) not handed over: %r", message.pk, message.task_name, error)
        _update(
            [message.pk],
            next_attempt_at=now + _seconds("OUTBOX_BROKER_RETRY_SECONDS", 15),
            last_error=repr(error)[:2000],
        )
        return False
    if not record:
        return True
    # Handed over: if the task has not reported success by then (a lost message, a killed worker), the
    # relay hands it over again, waiting twice as long each time.
    wait = _seconds("OUTBOX_RESEND_AFTER_SECONDS", 120) * 2 ** min(message.attempts, 6)
    _update(
        [message.pk],
        only_undone=False,  # run eagerly, the task may be done already
        sent_at=now,
        next_attempt_at=now + wait,
        attempts=F("attempts") + 1,
        last_error="",
    )
    message.attempts += 1
    return True


def _update(pks: list[int], *, only_undone: bool = True, **values) -> None:
    messages = OutboxMessage.objects.filter(pk__in=pks)
    try:
        (messages.filter(done_at__isnull=True) if only_undone else messages).update(**values)
    except DatabaseError:  # the database is down too; the message stays due and is handed over later
        logger.exception("Outbox messages %s could not be updated", pks)


def relay_due(*, limit: int = 500) -> int:
    """Hands over every message that is due, oldest due first; the beat task runs this every few seconds.

    Each batch is claimed in a short transaction (FOR UPDATE SKIP LOCKED, pushing its due time forward),
    so relays running side by side never hand over the same message at once, and tasks run (eagerly) after
    the claim has committed.
    """
    now = timezone.now()
    max_hand_overs = getattr(settings, "OUTBOX_MAX_HAND_OVERS", 10)
    with transaction.atomic():
        batch = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(done_at__isnull=True, next_attempt_at__lte=now, attempts__lt=max_hand_overs)
            .order_by("next_attempt_at")[:limit]
        )
        if not batch:
            return 0
        claimed_until = now + _seconds("OUTBOX_RESEND_AFTER_SECONDS", 120)
        OutboxMessage.objects.filter(pk__in=[message.pk for message in batch]).update(
            next_attempt_at=claimed_until
        )
    return hand_over(batch)


def task_succeeded(sender=None, **kwargs) -> None:
    """Celery's `task_success`: the task of an outbox message ran to the end, so the message is done."""
    task_id = getattr(getattr(sender, "request", None), "id", None) or ""
    if not task_id.startswith(TASK_ID_PREFIX):
        return
    try:
        message_id = int(task_id[len(TASK_ID_PREFIX) :].split(":", 1)[0])
    except ValueError:
        return
    OutboxMessage.objects.filter(pk=message_id, done_at__isnull=True).update(done_at=timezone.now())


def undone_messages(*, given_up_only: bool = False):
    """Messages whose task has not reported success; `given_up_only`: those the relay no longer hands
    over (see `OUTBOX_MAX_HAND_OVERS`)."""
    undone = OutboxMessage.objects.filter(done_at__isnull=True).order_by("created_at")
    if given_up_only:
        undone = undone.filter(attempts__gte=getattr(settings, "OUTBOX_MAX_HAND_OVERS", 10))
    return undone


def done_messages_prune(*, older_than: datetime.timedelta, batch: int = 5000) -> int:
    """Deletes done messages older than `older_than`, one batch per call; returns how many."""
    cutoff = timezone.now() - older_than
    pks = list(
        OutboxMessage.objects.filter(done_at__lt=cutoff).order_by("pk").values_list("pk", flat=True)[:batch]
    )
    if not pks:
        return 0
    return OutboxMessage.objects.filter(pk__in=pks).delete()[0]
