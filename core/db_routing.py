"""Reads that can go to a PostgreSQL streaming replica (DATABASE_REPLICA_URL), for the pages everyone reads
the same way: the open calls, the leaderboards and the open city. Everything else, and every write, goes to
the primary, and so do these reads

- for a reader who has just written (read-after-write: a sign-up, then the listing that shows it): for
  REPLICA_PIN_SECONDS after any successful change they made, by a cookie (web) or a cache key of their API
  token (the API), set by `PinToPrimaryAfterWritesMiddleware`;
- inside a transaction, which must see its own writes;
- while the replica does not answer: the request goes to the primary, and the replica is left alone for
  REPLICA_PAUSE_SECONDS.

Replicas lag a little behind the primary (milliseconds on a healthy pair), which a reader of these pages
does not notice. An answer that will be kept for everyone (core.cached_answers) is different: read from a
replica a moment behind the change that replaced the kept one, it would be kept stale under the new
version, on every node, for its whole time. Such answers are worked out on the replica only when it has
replayed all the primary had written (two small questions, one to each), otherwise on the primary
(`reads_for_keeping`).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
PIN_COOKIE = "hamyar_primary"
REPLICA_PAUSE_SECONDS = 30.0

_reads_to_replica: ContextVar[bool] = ContextVar("reads_to_replica", default=False)
_keeping: ContextVar[bool] = ContextVar("keeping", default=False)
_replica_paused_until = 0.0


def replica_configured() -> bool:
    return REPLICA in connections.settings


def _token_pin_key(request) -> str | None:
    """A key for the API token the request carries (hashed: the cache never holds a token)."""
    authorization = request.META.get("HTTP_AUTHORIZATION", "")
    if not authorization:
        return None
    return "db:pinned-to-primary:" + hashlib.sha256(authorization.encode()).hexdigest()


def _pinned(request) -> bool:
    if PIN_COOKIE in request.COOKIES:
        return True
    key = _token_pin_key(request)
    return key is not None and bool(cache.get(key))


def _replica_usable() -> bool:
    """Whether the replica answers now; if not, it is left alone for REPLICA_PAUSE_SECONDS."""
    global _replica_paused_until  # noqa: PLW0603 - one pause for the whole process
    if time.monotonic() < _replica_paused_until:
        return False
    replica = connections[REPLICA]
    try:
        # Django's once-a-request health check of a kept connection (CONN_HEALTH_CHECKS), done here so that
        # a replica gone away is found before the view, not by its first query
        replica.close_if_health_check_failed()
        replica.ensure_connection()
        return True
    except OperationalError as error:
        logger.warning("The replica does not answer (%r); reads go to the primary for a while", error)
        _replica_paused_until = time.monotonic() + REPLICA_PAUSE_SECONDS
        replica.close()
        return False


@contextmanager
def reads_from_replica():
    token = _reads_to_replica.set(True)
    try:
        yield
    finally:
        _reads_to_replica.reset(token)


@contextmanager
def reads_for_keeping():
    """Reads in the block make an answer that will be kept for everyone (core.cached_answers): they go to
    the replica only if it has replayed everything the primary had written when they began, so that the
    change that replaced the kept answer is in what they read; otherwise to the primary. Works around
    `replica_reads` from outside (a kept API answer) or inside (a kept page)."""
    keeping = _keeping.set(True)
    routed = None
    if _reads_to_replica.get() and not _replica_caught_up():
        routed = _reads_to_replica.set(False)
    try:
        yield
    finally:
        if routed is not None:
            _reads_to_replica.reset(routed)
        _keeping.reset(keeping)


def _replica_caught_up() -> bool:
    try:
        with connections["default"].cursor() as cursor:
            # Where the next record will go, so every commit so far is behind it (the written position
            # can lag behind a commit made without waiting for the disk).
            cursor.execute("SELECT pg_current_wal_insert_lsn()")
            (written,) = cursor.fetchone()
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT COALESCE(pg_last_wal_replay_lsn() >= %s::pg_lsn, false)", [written])
            return bool(cursor.fetchone()[0])
    except OperationalError:
        return False


def replica_reads(view):
    """Runs the view (a read) with its queries on the replica, unless the reader is pinned to the primary,
    there is no replica, or it is paused; a replica that fails makes the view run again on the primary."""

    @functools.wraps(view)
    def routed(request, *args, **kwargs):
        if (
            not replica_configured()
            or _pinned(request)
            or not _replica_usable()
            or (_keeping.get() and not _replica_caught_up())
        ):
            return view(request, *args, **kwargs)
        with reads_from_replica():
            return view(request, *args, **kwargs)

    return routed


class ReplicaRouter:
    """Reads marked by `reads_from_replica` go to the replica outside transactions; the rest to default."""

    def db_for_read(self, model, **hints):
        if _reads_to_replica.get() and replica_configured() and not connections["default"].in_atomic_block:
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data on both

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA  # a replica follows its primary


class PinToPrimaryAfterWritesMiddleware:
    """After a successful change (a POST, PUT, PATCH or DELETE answered below 400), the reader's next reads
    go to the primary for REPLICA_PIN_SECONDS, so they see what they just did."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            replica_configured()
            and request.method not in ("GET", "HEAD", "OPTIONS")
            and response.status_code < 400
        ):
            seconds = settings.REPLICA_PIN_SECONDS
            response.set_cookie(PIN_COOKIE, "1", max_age=seconds, httponly=True, samesite="Lax",
                                secure=request.is_secure())  # fmt: skip
            if (key := _token_pin_key(request)) is not None:
                cache.set(key, 1, seconds)
        return response
