"""Caches for a site where Redis is an accelerator, not a dependency (settings in config/settings/base.py).

- `default` (kept answers, versions): django-redis with IGNORE_EXCEPTIONS, so Redis down is a miss and
  every page is computed from the database.
- `limits` (failed log-ins, codes asked for): `FailoverCache`, Redis first and the database when Redis
  fails, so limits keep limiting through an outage instead of opening the door. The counts of the two
  stores are separate; an outage can at most restart a window, never lift a limit for good.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import time
import uuid
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.db import DatabaseCache
from django.utils.connection import ConnectionProxy
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# The `limits` cache, as `django.core.cache.cache` is the default one.
limits_cache = ConnectionProxy(caches, "limits")

# How long to go straight to the database after Redis failed, so an outage costs one failed connection
# per process and interval rather than one per operation.
PRIMARY_PAUSE_SECONDS = 5.0


class FailoverCache(BaseCache):
    """A primary cache (Redis) that falls back to a database table when the primary raises.

    LOCATION is the primary's; OPTIONS: {"PRIMARY_BACKEND": dotted path, "PRIMARY_OPTIONS": {...},
    "FALLBACK_TABLE": table name} (the table is made by core's migration 0002).
    """

    def __init__(self, location: str, params: dict[str, Any]):
        super().__init__(params)
        options = dict(params.get("OPTIONS", {}))
        shared = {key: params[key] for key in ("TIMEOUT", "KEY_PREFIX", "VERSION") if key in params}
        primary_class = import_string(options.get("PRIMARY_BACKEND", "django_redis.cache.RedisCache"))
        self.primary = primary_class(location, {**shared, "OPTIONS": options.get("PRIMARY_OPTIONS", {})})
        self.fallback = DatabaseCache(options.get("FALLBACK_TABLE", "core_cache_fallback"), shared)
        self._primary_paused_until = 0.0

    def _call(self, method: str, *args, **kwargs):
        if time.monotonic() >= self._primary_paused_until:
            try:
                return getattr(self.primary, method)(*args, **kwargs)
            except ValueError:  # incr()/decr() of a missing key: an answer, not a failure
                raise
            except Exception as error:  # Redis down or timing out: the database answers instead
                logger.warning("Cache %s failed (%r); the database answers for a while", method, error)
                self._primary_paused_until = time.monotonic() + PRIMARY_PAUSE_SECONDS
        return getattr(self.fallback, method)(*args, **kwargs)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout=timeout, version=version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default=default, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout=timeout, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout=timeout, version=version)

    def delete(self, key, version=None):
        return self._call("delete", key, version=version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout=timeout, version=version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version=version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version=version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta=delta, version=version)

    def decr(self, key, delta=1, version=None):
        return self._call("decr", key, delta=delta, version=version)

    def clear(self):
        self.fallback.clear()
        return self._call("clear")


def shared_version(key: str) -> str | None:
    """The value of a version kept in the shared cache under `key`, made on first use; whoever changes what
    it covers deletes it once the change commits, so the next reader makes a new one. None when the cache is
    down: then nothing may be kept under a version."""
    from django.core.cache import cache

    version = cache.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)
        version = cache.get(key)
    return version


def shared_versions(*keys: str, fresh: bool = False) -> list[str | None]:
    """`shared_version` of each key, read together in one round trip (made on first use likewise).

    Within `versions_read_once` (a request that only reads), each version is read once, and the first read
    brings those registered with `read_together` along; `fresh` reads them from the cache all the same
    (to check that nothing changed since)."""
    from django.core.cache import cache

    read = None if fresh else _versions_read.get()
    if read is None:
        found = cache.get_many(keys)
        return [found[key] if key in found else shared_version(key) for key in keys]
    asked = [key for key in keys if key not in read]
    if asked:
        asked += [key for key in _read_together if key not in read and key not in asked]
        found = cache.get_many(asked)
        for key in asked:
            version = found[key] if key in found else shared_version(key)
            if version is not None:
                read[key] = version
    return [read.get(key) for key in keys]


# --- Versions read once per request ---------------------------------------------------------------------
# A page reads the same versions several times (for the key of the page, of its parts, of a count), each a
# round trip to Redis. Within a request that only reads, each is read once (shared_versions). That is safe:
# a version read earlier is never newer, and what is computed after reading one and kept under it can be
# newer than that version, never older (what keeping values under versions guards against). A change the
# request commits itself forgets what it read (forget_versions_read), so that it reads its own writes.
_versions_read: ContextVar[dict[str, str] | None] = ContextVar("versions_read", default=None)
# Versions most pages read: fetched with the first version a request reads.
_read_together: list[str] = []


def read_together(*keys: str) -> None:
    """Registers versions many requests read, to be fetched with the first one a request reads."""
    _read_together.extend(key for key in keys if key not in _read_together)


@contextlib.contextmanager
def versions_read_once():
    token = _versions_read.set({})
    try:
        yield
    finally:
        _versions_read.reset(token)


def shared_version_expire(key: str) -> None:
    """Deletes a shared version (after the change it covers commits): its next reader makes a new one."""
    from django.core.cache import cache

    cache.delete(key)
    forget_versions_read()


def forget_versions_read() -> None:
    """After a change of versions commits: what this request read of them is no longer current."""
    read = _versions_read.get()
    if read is not None:
        read.clear()


class VersionsReadOnceMiddleware:
    """Requests that only read (GET, HEAD) read each shared version once (shared_versions)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        with versions_read_once():
            return self.get_response(request)


def copies_of_version(copies: dict, version: str) -> dict:
    """This process's copies kept under `version` (a `shared_version`) in `copies`, which holds no older
    version's: a new version drops them."""
    current = copies.get(version)
    if current is None:
        copies.clear()
        current = copies[version] = {}
    return current


# Parts of pages and answers that are the same for every reader (`{% kept %}`, `{% kept_in_process %}`, the
# API listing's calls) are kept for a few minutes under the versions of what they show. Parts repeated many
# times an answer (a card per call of the listing) are kept in each process's own memory (the
# `kept_in_process` cache alias, bounded in entries): a round trip to the shared cache per part would cost
# about what making one does.
KEPT_IN_PROCESS_ALIAS = "kept_in_process"
KEPT_PART_SECONDS = 300


def kept_part(parts: Sequence, make: Callable[[], str], *, in_process: bool = False) -> str:
    """What `make()` gives, kept under `parts`: the version of what it shows (read from the shared cache, so
    a change on any node sets a new one), the language, and every value it shows that may change without a
    new version; in the shared cache, or `in_process`."""
    kept = caches[KEPT_IN_PROCESS_ALIAS if in_process else "default"]
    key = "core:kept-part:" + hashlib.sha256("\n".join(map(str, parts)).encode()).hexdigest()
    value = kept.get(key)
    if value is None:
        value = str(make())
        kept.set(key, value, KEPT_PART_SECONDS)
    return value
