"""Writes for people's accounts: personal API tokens, logging in for one, and limits on failed attempts."""

import datetime
import hashlib
import math
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth import authenticate
from django.core.cache import cache
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from .errors import ApiTokenNotFound, ApiTokenRefused, InvalidCredentials, TooManyAttempts
from .models import ApiToken, User
from .phone import normalize_mobile

# --- Limits on failed attempts ------------------------------------------------------------------------


@dataclass(frozen=True)
class FailureLimit:
    """At most `max_failures` failed attempts per key (a person's identifier, an IP address…) within
    `window`, which starts at the key's first failure. Counts live in Django's cache, shared by every web
    process when the cache is Redis."""

    scope: str
    max_failures: int
    window: datetime.timedelta


LOGIN_FAILURES_PER_IDENTIFIER = FailureLimit("login-identifier", 5, datetime.timedelta(minutes=15))
# Looser than per identifier: many people share one address behind mobile carriers' NAT, offices and
# universities; this limit is against one machine trying many accounts, not against typos.
LOGIN_FAILURES_PER_IP = FailureLimit("login-ip", 20, datetime.timedelta(minutes=15))

LimitedKeys = Sequence[tuple[FailureLimit, str]]


def _failure_cache_keys(limit: FailureLimit, key: str) -> tuple[str, str]:
    # Hashed: cache keys stay short and safe whatever the key holds, and the cache holds no phone numbers.
    digest = hashlib.sha256(key.encode()).hexdigest()
    base = f"failures:{limit.scope}:{digest}"
    return f"{base}:count", f"{base}:since"


def _seconds_left(limit: FailureLimit, since: float | None, now: float) -> int:
    window = limit.window.total_seconds()
    if since is None:
        return math.ceil(window)
    return max(1, math.ceil(since + window - now))


def attempt_reserve(*, limits: LimitedKeys, now: float | None = None) -> None:
    """Counts an attempt as failed for every key before it is checked, or refuses it with TooManyAttempts
    when a key has no failures left.

    Counting before the check, with the cache's atomic increment, means that a burst of parallel attempts
    cannot all pass a read of the count together: at most `max_failures` attempts are ever checked per
    window. A successful attempt takes its count back with `attempt_succeeded`. `now` (a Unix time) is
    for tests.
    """
    now = time.time() if now is None else now
    keys = {limit: _failure_cache_keys(limit, key) for limit, key in limits}
    stored = cache.get_many([key for pair in keys.values() for key in pair])

    def refuse(used_up: list[FailureLimit]) -> TooManyAttempts:
        return TooManyAttempts(
            retry_after=max(_seconds_left(limit, stored.get(keys[limit][1]), now) for limit in used_up)
        )

    used_up = [
        limit for limit, (count_key, _) in keys.items() if stored.get(count_key, 0) >= limit.max_failures
    ]
    if used_up:
        raise refuse(used_up)  # refused without counting: a locked-out key's window does not grow

    for limit, (count_key, since_key) in keys.items():
        window = math.ceil(limit.window.total_seconds())
        cache.add(since_key, now, window)
        stored[since_key] = cache.get(since_key, now)
        seconds_left = _seconds_left(limit, stored[since_key], now)
        if cache.add(count_key, 1, seconds_left):
            continue
        try:
            count = cache.incr(count_key)
        except ValueError:  # the window ended between add() and incr()
            cache.set(count_key, 1, seconds_left)
            continue
        # Redis's INCR on a key that expired a moment before recreates it without an expiry; touch() makes
        # sure no count can outlive its window.
        cache.touch(count_key, seconds_left)
        if count > limit.max_failures:
            used_up.append(limit)
    if used_up:
        raise refuse(used_up)  # a parallel attempt took the last failure first


def attempt_succeeded(*, limits: LimitedKeys, reset: LimitedKeys = ()) -> None:
    """The reserved attempt succeeded: it is not a failure for `limits`, and `reset` start again from zero."""
    for limit, key in limits:
        count_key, _ = _failure_cache_keys(limit, key)
        try:
            count = cache.decr(count_key)
        except ValueError:  # its window has ended meanwhile
            continue
        if count <= 0:  # nothing left to count, or Redis recreated an expired key at -1 with no expiry
            cache.delete(count_key)
    cache.delete_many([cache_key for limit, key in reset for cache_key in _failure_cache_keys(limit, key)])


# --- Personal API tokens ------------------------------------------------------------------------------

# last_used_at is a hint for people reviewing their tokens, not an audit log: writing it at most once a
# minute spares a database write on nearly every request.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


def api_token_create(
    *, user: User, name: str = "", expires_at: datetime.datetime | None = None
) -> tuple[ApiToken, str]:
    """Makes a personal API token and returns it with its secret, which is shown this once and never
    stored: only its SHA-256 is kept."""
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        key_hash=ApiToken.hash_secret(secret),
        prefix=secret[: ApiToken.PREFIX_LENGTH],
        expires_at=expires_at,
    )
    return token, secret


def api_token_revoke(*, token: ApiToken, user: User) -> ApiToken:
    """Stops the token from working, for good. Only its owner may; revoking it again changes nothing."""
    if token.user_id != user.pk:
        raise ApiTokenNotFound(token.pk)  # someone else's token does not exist for this person
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db(fields=["revoked_at"])
    return token


def api_token_authenticate(*, secret: str) -> ApiToken:
    """The working token with this secret, with its person, noting when it was used; ApiTokenRefused when
    it is unknown, revoked, expired or its person's account is deactivated.

    The lookup compares SHA-256 digests in a unique index. Its timing can tell at most how a guess's
    digest begins, which says nothing about the secret, so no comparison in constant time is needed.
    """
    now = timezone.now()
    token = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash_secret(secret)).first()
    if token is None or not token.user.is_active:
        raise ApiTokenRefused.invalid()
    if token.revoked_at is not None:
        raise ApiTokenRefused.revoked()
    if token.expires_at is not None and token.expires_at <= now:
        raise ApiTokenRefused.expired()
    stale_before = now - LAST_USED_PRECISION
    if token.last_used_at is None or token.last_used_at <= stale_before:
        # Conditional, so parallel requests with one token write it once.
        ApiToken.objects.filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale_before), pk=token.pk
        ).update(last_used_at=now)
        token.last_used_at = now
    return token


def login_identifier_key(identifier: str) -> str:
    """One key per person however they type who they are: a mobile number in any form counts as one."""
    return normalize_mobile(identifier) or identifier.strip().casefold()


def api_token_login(
    *, identifier: str, password: str, client_ip: str, name: str = "", request: HttpRequest | None = None
) -> tuple[ApiToken, str]:
    """Exchanges a mobile number, e-mail address or username and its password for a new API token.

    Failed attempts are limited per identifier and per client address (TooManyAttempts). A success
    resets the identifier's count but only takes back its own attempt from the address's, so that
    logging in to one's own account now and then cannot reset the count of someone trying others'.
    """
    per_identifier = (LOGIN_FAILURES_PER_IDENTIFIER, login_identifier_key(identifier))
    per_ip = (LOGIN_FAILURES_PER_IP, client_ip)
    attempt_reserve(limits=[per_identifier, per_ip])
    # Django's authenticate(): the project's backend reads mobile numbers in any form and Persian digits.
    user = authenticate(request, username=identifier, password=password)
    if user is None:
        raise InvalidCredentials()
    attempt_succeeded(limits=[per_ip], reset=[per_identifier])
    return api_token_create(user=user, name=name)
