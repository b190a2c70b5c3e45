"""Reads that can go to a PostgreSQL streaming replica (DATABASE_REPLICA_URL), for the pages everyone reads
the same way: the open calls, the leaderboards and the open city. Everything else, and every write, goes to
the primary, and so do these reads

- for a reader who has just written (read-after-write: a sign-up, then the listing that shows it): for
  REPLICA_PIN_SECONDS after any successful change they made, by a cookie (web) or a cache key of their API
  token (the API), set by `PinToPrimaryAfterWritesMiddleware`;
- inside a transaction, which must see its own writes;
- while the replica does not answer: the request goes to the primary, and the replica is left alone for
  REPLICA_PAUSE_SECONDS.

Replicas lag a little behind the primary; these pages already show what changed within seconds. An answer
they keep (the listing's, the boards') may have been read a few milliseconds behind a change, and is then
kept for its usual time at most (30 s).
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


def replica_reads(view):
    """Runs the view (a read) with its queries on the replica, unless the reader is pinned to the primary,
    there is no replica, or it is paused; a replica that fails makes the view run again on the primary."""

    @functools.wraps(view)
    def routed(request, *args, **kwargs):
        if not replica_configured() or _pinned(request) or not _replica_usable():
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
