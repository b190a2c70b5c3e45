"""Writes for people's accounts: signing up and logging in (password or a one-time code sent by SMS),
profiles, personal API tokens, and limits on failed attempts and on codes asked for."""

import datetime
import hashlib
import logging
import math
import re
import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from core.cache import limits_cache
from core.compiled_queries import CompiledInstanceQuery
from core.errors import DomainError
from core.localization import ascii_digits, format_number

from .errors import (
    ApiTokenNotFound,
    ApiTokenRefused,
    CodeRefused,
    EmailTaken,
    InvalidCredentials,
    InvalidPassword,
    InvalidPhone,
    NoAccountForPhone,
    PhoneTaken,
    ProfileInvalid,
    SmsNotSent,
    TooManyAttempts,
    TooManyCodeRequests,
)
from .models import ApiToken, OneTimeCode, User
from .phone import normalize_mobile
from .sms import send_sms

logger = logging.getLogger(__name__)

# --- Limits on failed attempts ------------------------------------------------------------------------


@dataclass(frozen=True)
class FailureLimit:
    """At most `max_failures` failed attempts per key (a person's identifier, an IP address…) within
    `window`, which starts at the key's first failure. Counts live in the `limits` cache (core/cache.py):
    Redis, shared by every web process, and the database while Redis is down."""

    scope: str
    max_failures: int
    window: datetime.timedelta


# Failed passwords slow whoever is failing, not the account's owner. Tightest per person and client
# address: one client guessing one person's password.
LOGIN_FAILURES_PER_IDENTIFIER_AND_IP = FailureLimit(
    "login-identifier-ip", 5, datetime.timedelta(minutes=15)
)
# Looser: many people share one address behind mobile carriers' NAT, offices and universities; this limit
# is against one machine trying many accounts, not against typos.
LOGIN_FAILURES_PER_IP = FailureLimit("login-ip", 20, datetime.timedelta(minutes=15))
# Against many addresses guessing one person's password. Lenient (see attempt_reserve): once used up, it
# refuses only addresses that have failed for that person, so that anyone who knows a phone number cannot
# lock its owner out; and the owner can always log in with a one-time code by SMS, which these password
# failures never block.
LOGIN_FAILURES_PER_IDENTIFIER = FailureLimit("login-identifier", 30, datetime.timedelta(minutes=15))

LimitedKey = tuple[FailureLimit, str]
LimitedKeys = Sequence[LimitedKey]


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


def _failure_count(limit: FailureLimit, count_key: str, since_key: str, stored: dict, now: float) -> int:
    """Adds one failure to the key's count, in its window, and returns the new count."""
    window = math.ceil(limit.window.total_seconds())
    limits_cache.add(since_key, now, window)
    stored[since_key] = limits_cache.get(since_key, now)
    seconds_left = _seconds_left(limit, stored[since_key], now)
    if limits_cache.add(count_key, 1, seconds_left):
        return 1
    try:
        count = limits_cache.incr(count_key)
    except ValueError:  # the window ended between add() and incr()
        limits_cache.set(count_key, 1, seconds_left)
        return 1
    # Redis's INCR on a key that expired a moment before recreates it without an expiry; touch() makes
    # sure no count can outlive its window.
    limits_cache.touch(count_key, seconds_left)
    return count


def attempt_reserve(
    *,
    limits: LimitedKeys,
    lenient: LimitedKeys = (),
    client: LimitedKey | None = None,
    now: float | None = None,
) -> None:
    """Counts an attempt as failed for every key before it is checked, or refuses it with TooManyAttempts
    when a key has no failures left.

    Counting before the check, with the cache's atomic increment, means that a burst of parallel attempts
    cannot all pass a read of the count together: at most `max_failures` attempts are ever checked per
    window. A successful attempt takes its count back with `attempt_succeeded`. `now` (a Unix time) is
    for tests.

    `lenient` limits count every attempt too, but once used up they refuse only clients that have failed
    before: an attempt that is the first failure counted for `client` (one of `limits`, e.g. a person and
    a client address) passes them, and counts. So failures from elsewhere never shut out a client that
    has not been failing, while a client that keeps failing meets the lenient limit at its second try.
    """
    now = time.time() if now is None else now
    keys = {limit: _failure_cache_keys(limit, key) for limit, key in [*limits, *lenient]}
    lenient_limits = {limit for limit, _ in lenient}
    stored = limits_cache.get_many([key for pair in keys.values() for key in pair])
    client_count_key = keys[client[0]][0] if client else None
    first_try = client_count_key is not None and stored.get(client_count_key, 0) == 0

    def refuse(used_up: list[FailureLimit]) -> TooManyAttempts:
        return TooManyAttempts(
            retry_after=max(_seconds_left(limit, stored.get(keys[limit][1]), now) for limit in used_up)
        )

    used_up = [
        limit
        for limit, (count_key, _) in keys.items()
        if stored.get(count_key, 0) >= limit.max_failures and not (limit in lenient_limits and first_try)
    ]
    if used_up:
        raise refuse(used_up)  # refused without counting: a locked-out key's window does not grow

    counts = {
        limit: _failure_count(limit, count_key, since_key, stored, now)
        for limit, (count_key, since_key) in keys.items()  # `limits` first, so the client's count is known
    }
    # The first failure counted for the client, now that parallel attempts cannot both be the first.
    first_try = client is not None and counts[client[0]] == 1
    used_up = [
        limit
        for limit, count in counts.items()
        if count > limit.max_failures and not (limit in lenient_limits and first_try)
    ]
    if used_up:
        raise refuse(used_up)  # a parallel attempt took the last failure first


def attempt_succeeded(*, limits: LimitedKeys, reset: LimitedKeys = ()) -> None:
    """The reserved attempt succeeded: it is not a failure for `limits`, and `reset` start again from zero."""
    for limit, key in limits:
        count_key, _ = _failure_cache_keys(limit, key)
        try:
            count = limits_cache.decr(count_key)
        except ValueError:  # its window has ended meanwhile
            continue
        if count <= 0:  # nothing left to count, or Redis recreated an expired key at -1 with no expiry
            limits_cache.delete(count_key)
    limits_cache.delete_many(
        [cache_key for limit, key in reset for cache_key in _failure_cache_keys(limit, key)]
    )


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
    stale_before = now - LAST_USED_PRECISION
    key_hash = ApiToken.hash_secret(secret)
    # On PostgreSQL, outside a transaction, the look-up notes the use in the same statement.
    noted_in_look_up = connection.vendor == "postgresql" and connection.get_autocommit()
    if noted_in_look_up:
        token = _TOKEN_WITH_PERSON.get(
            using=connection.alias,
            key_hash=key_hash,
            with_clause=(_NOTE_USE_OF_WORKING_TOKEN_SQL, [now, key_hash, stale_before, now]),
        )
    else:
        token = _TOKEN_WITH_PERSON.get(using=connection.alias, key_hash=key_hash)
    if token is None or not token.user.is_active:
        raise ApiTokenRefused.invalid()
    if token.revoked_at is not None:
        raise ApiTokenRefused.revoked()
    if token.expires_at is not None and token.expires_at <= now:
        raise ApiTokenRefused.expired()
    if token.last_used_at is None or token.last_used_at <= stale_before:
        if not noted_in_look_up:
            _api_token_note_use(token, now=now, stale_before=stale_before)
        token.last_used_at = now  # what the look-up read is from before its own note
    return token


# Every API request with a token runs this look-up: composed once per process (core.compiled_queries).
_TOKEN_WITH_PERSON = CompiledInstanceQuery(
    ApiToken, "user", lambda key_hash: ApiToken.objects.filter(key_hash=key_hash), key_hash=str
)

# The use of a working token noted before the look-up, in its statement (one round trip, not two). The
# note is conditional, so parallel requests with one token write it once, and it does not wait for the
# disk (a hint may be lost in a crash, nothing else is): the statement is its own transaction, which turns
# synchronous_commit off for itself (in the same statement: a prepared statement cannot carry a second).
_NOTE_USE_OF_WORKING_TOKEN_SQL = """
    WITH lazy AS (SELECT set_config('synchronous_commit', 'off', true)),
    noted AS (
        UPDATE volunteers_apitoken SET last_used_at = %s FROM lazy
        WHERE key_hash = %s AND (last_used_at IS NULL OR last_used_at <= %s)
          AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > %s)
          AND EXISTS (SELECT FROM volunteers_user person
                      WHERE person.id = volunteers_apitoken.user_id AND person.is_active)
    )
"""


def _api_token_note_use(token: ApiToken, *, now, stale_before) -> None:
    """Within a transaction, or on SQLite; conditional, so parallel requests with one token write it once."""
    ApiToken.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale_before), pk=token.pk
    ).update(last_used_at=now)


def login_identifier_key(identifier: str) -> str:
    """One key per person however they type who they are: a mobile number in any form counts as one."""
    return normalize_mobile(identifier) or identifier.strip().casefold()


def password_login(
    *, identifier: str, password: str, client_ip: str, request: HttpRequest | None = None
) -> User:
    """The active person with this mobile number, e-mail address or username and password.

    Failed attempts are limited (TooManyAttempts) so that they slow whoever fails, not the account's
    owner: per identifier and client address (5 in 15 minutes), per client address (20), and per
    identifier from everywhere (30) leniently: once that is used up, a client address that has not
    failed for this identifier may still try (and its failure counts), so nobody can lock a known person
    out by failing on purpose. The owner can always log in with a one-time code by SMS (`code_login`),
    which password failures never block.

    A success resets the count of its identifier and address but only takes back its own attempt from
    the others, so that logging in to one's own account now and then cannot reset the count of someone
    trying others' accounts from the same address, or this account from elsewhere.
    """
    key = login_identifier_key(identifier)
    per_identifier_and_ip = (LOGIN_FAILURES_PER_IDENTIFIER_AND_IP, f"{key}\n{client_ip}")
    per_ip = (LOGIN_FAILURES_PER_IP, client_ip)
    per_identifier = (LOGIN_FAILURES_PER_IDENTIFIER, key)
    attempt_reserve(
        limits=[per_identifier_and_ip, per_ip], lenient=[per_identifier], client=per_identifier_and_ip
    )
    # Django's authenticate(): the project's backend reads mobile numbers in any form and Persian digits.
    user = authenticate(request, username=identifier, password=password)
    if user is None:
        raise InvalidCredentials()
    attempt_succeeded(limits=[per_ip, per_identifier], reset=[per_identifier_and_ip])
    return user


def api_token_login(
    *, identifier: str, password: str, client_ip: str, name: str = "", request: HttpRequest | None = None
) -> tuple[ApiToken, str]:
    """Exchanges a mobile number, e-mail address or username and its password for a new API token."""
    user = password_login(identifier=identifier, password=password, client_ip=client_ip, request=request)
    return api_token_create(user=user, name=name)


def api_token_login_with_code(
    *, phone: str, code: str, client_ip: str, name: str = ""
) -> tuple[ApiToken, str]:
    """Exchanges a mobile number and the one-time code just sent to it for a new API token."""
    user = code_login(phone=phone, code=code, client_ip=client_ip)
    return api_token_create(user=user, name=name)


# --- One-time codes by SMS ------------------------------------------------------------------------------

CODE_DIGITS = 6
CODE_LIFETIME = datetime.timedelta(minutes=5)
# Guesses per code. With a new code at most CODE_REQUESTS_PER_PHONE times per window, someone without the
# phone has 3 × 5 guesses in a million every 15 minutes.
CODE_MAX_ATTEMPTS = 5
CODE_REQUESTS_PER_PHONE = FailureLimit("code-phone", 3, datetime.timedelta(minutes=15))
# Every SMS costs the city money: one address may ask for codes to a few dozen numbers an hour (many
# people share an address behind mobile carriers' NAT), not thousands.
CODE_REQUESTS_PER_IP = FailureLimit("code-ip", 20, datetime.timedelta(hours=1))


def _code_hash(*, phone: str, purpose: str, code: str) -> str:
    # Keyed with SECRET_KEY: a six-digit code has a million values, so a plain hash would give it away.
    return salted_hmac("volunteers.OneTimeCode", f"{purpose}:{phone}:{code}", algorithm="sha256").hexdigest()


def _mobile_or_refuse(phone: str) -> str:
    mobile = normalize_mobile(phone)
    if mobile is None:
        raise InvalidPhone()
    return mobile


def one_time_code_send(
    *, phone: str, purpose: str, client_ip: str, language: str | None = None, text=None
) -> OneTimeCode:
    """Sends a new one-time code by SMS to sign up or log in with the mobile number `phone`.

    Asking is limited per number and per client address (TooManyCodeRequests), counted whether or not
    the number has an account. A number that already has an account cannot ask for a sign-up code
    (PhoneTaken), and one without cannot ask for a log-in code (NoAccountForPhone): sign-up has to say
    that a number is taken anyway, so hiding it here would only confuse people, and the limits keep
    anyone from trying numbers in bulk. Only the newest code for a number and purpose works.
    """
    mobile = _mobile_or_refuse(phone)
    if purpose not in OneTimeCode.Purpose.values:
        raise ValueError(f"Unknown purpose {purpose!r}")
    try:
        attempt_reserve(limits=[(CODE_REQUESTS_PER_IP, client_ip), (CODE_REQUESTS_PER_PHONE, mobile)])
    except TooManyAttempts as refused:
        raise TooManyCodeRequests(retry_after=refused.retry_after) from None
    accounts = User.objects.filter(phone=mobile)
    if purpose == OneTimeCode.Purpose.SIGNUP and accounts.exists():
        raise PhoneTaken()
    needs_account = (OneTimeCode.Purpose.LOGIN, OneTimeCode.Purpose.DELETE)
    if purpose in needs_account and not accounts.filter(is_active=True).exists():
        raise NoAccountForPhone()

    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    now = timezone.now()
    one_time_code = OneTimeCode.objects.create(
        phone=mobile,
        purpose=purpose,
        code_hash=_code_hash(phone=mobile, purpose=purpose, code=code),
        created_at=now,
        expires_at=now + CODE_LIFETIME,
    )
    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        # ASCII digits: phones offer to fill in a code from an SMS only when it is written in them.
        # `text` lets another purpose word its SMS (a guardian's consent); it has the same placeholders.
        if text is None:
            text = _("Your Hamyar code: %(code)s. It works for %(minutes)s minutes. Never give it to anyone.")
        text = text % {
            "code": code,
            # The code stays in ASCII digits; the minutes are in the reader's.
            "minutes": format_number(int(CODE_LIFETIME.total_seconds() // 60)),
        }
    try:
        send_sms(phone=mobile, text=str(text))
    except Exception as error:
        logger.exception("Could not send a one-time code by SMS", exc_info=error)
        raise SmsNotSent() from error
    return one_time_code


def one_time_code_use(*, phone: str, purpose: str, code: str, client_ip: str) -> str:
    """Uses up the code sent to `phone` for `purpose` and returns the number (normalised) it proves.

    CodeRefused when the code is wrong, expired, already used or guessed too often. Every guess is
    counted with a conditional UPDATE before the codes are compared (in constant time), so parallel
    guesses cannot exceed CODE_MAX_ATTEMPTS, and only one request can ever use a code. Wrong guesses
    also count against the client address's log-in failures. Call this outside a transaction that a
    wrong code would roll back, or the guess would not stay counted.
    """
    mobile = _mobile_or_refuse(phone)
    per_ip = (LOGIN_FAILURES_PER_IP, client_ip)
    attempt_reserve(limits=[per_ip])
    typed = re.sub(r"\s", "", ascii_digits(code or ""))
    now = timezone.now()
    newest = OneTimeCode.objects.filter(phone=mobile, purpose=purpose).order_by("-created_at", "-pk").first()
    if newest is None or newest.used_at is not None:
        raise CodeRefused.invalid()
    if newest.expires_at <= now:
        raise CodeRefused.expired()
    counted = OneTimeCode.objects.filter(
        pk=newest.pk, used_at__isnull=True, attempts__lt=CODE_MAX_ATTEMPTS
    ).update(attempts=F("attempts") + 1)
    if not counted:
        raise CodeRefused.attempts_exhausted()
    expected = _code_hash(phone=mobile, purpose=purpose, code=typed)
    if not constant_time_compare(newest.code_hash, expected):
        attempts = OneTimeCode.objects.values_list("attempts", flat=True).get(pk=newest.pk)
        raise CodeRefused.invalid(attempts_left=max(0, CODE_MAX_ATTEMPTS - attempts))
    if not OneTimeCode.objects.filter(pk=newest.pk, used_at__isnull=True).update(used_at=now):
        raise CodeRefused.invalid()  # a parallel request with the same code used it first
    attempt_succeeded(limits=[per_ip])
    return mobile


def code_login(*, phone: str, code: str, client_ip: str) -> User:
    """The active person whose mobile number the one-time log-in code proves."""
    mobile = one_time_code_use(phone=phone, purpose=OneTimeCode.Purpose.LOGIN, code=code, client_ip=client_ip)
    user = User.objects.filter(phone=mobile, is_active=True).first()
    if user is None:  # deactivated after the code was sent
        raise InvalidCredentials()
    return user


# Expired codes are kept a day, so someone typing an old code still hears "expired", not "wrong".
ONE_TIME_CODE_RETENTION = datetime.timedelta(days=1)
ONE_TIME_CODE_DELETE_BATCH = 5000


def one_time_codes_delete_expired(*, now: datetime.datetime | None = None) -> int:
    """Deletes one-time codes that expired more than ONE_TIME_CODE_RETENTION ago and returns how many.

    They prove nothing any more, and each holds a mobile number: keeping them would only keep personal
    data. Works in batches so one run never holds a long lock; only the newest code of a number counts, and
    a newer code always expires later than an older one, so deleting old ones never revives another.
    """
    cutoff = (now or timezone.now()) - ONE_TIME_CODE_RETENTION
    deleted = 0
    while True:
        batch = list(
            OneTimeCode.objects.filter(expires_at__lt=cutoff).values_list("pk", flat=True)[
                :ONE_TIME_CODE_DELETE_BATCH
            ]
        )
        if not batch:
            return deleted
        deleted += OneTimeCode.objects.filter(pk__in=batch).delete()[0]


# --- Signing up -----------------------------------------------------------------------------------------


def _password_check(password: str, *, user: User) -> None:
    try:
        validate_password(password, user=user)
    except DjangoValidationError as error:
        raise InvalidPassword(list(error.messages)) from None


def _names_clean(first_name: str, last_name: str) -> tuple[str, str]:
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    if not first_name:
        raise ProfileInvalid.name_required()
    return first_name[:150], last_name[:150]


def _new_username() -> str:
    # Never the phone or e-mail: usernames show up in places where personal data must not.
    while True:
        username = f"u{secrets.token_hex(6)}"
        if not User.objects.filter(username=username).exists():
            return username


def _user_create(*, taken_error: type[DomainError], password: str | None, **fields) -> User:
    user = User(username=_new_username(), **fields)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()  # logs in with codes by SMS until a password is set
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise taken_error() from None  # someone signed up with the same number or address meanwhile
    return user


def user_signup_with_phone(
    *,
    phone: str,
    code: str,
    first_name: str,
    last_name: str = "",
    password: str | None = None,
    client_ip: str,
    language: str = settings.LANGUAGE_CODE,
) -> User:
    """Makes an account for the holder of a mobile number, proven by the one-time sign-up code sent to it.

    The password is optional: without one, the person logs in with codes. Everything that could refuse
    the sign-up is checked before the code is used up, so a weak password does not cost a new SMS.
    """
    mobile = _mobile_or_refuse(phone)
    first_name, last_name = _names_clean(first_name, last_name)
    if User.objects.filter(phone=mobile).exists():
        raise PhoneTaken()
    if password:
        _password_check(password, user=User(phone=mobile, first_name=first_name, last_name=last_name))
    one_time_code_use(phone=mobile, purpose=OneTimeCode.Purpose.SIGNUP, code=code, client_ip=client_ip)
    return _user_create(
        taken_error=PhoneTaken,
        password=password,
        phone=mobile,
        first_name=first_name,
        last_name=last_name,
        preferred_language=_language_or_default(language),
    )


def user_signup_with_email(
    *,
    email: str,
    password: str,
    first_name: str,
    last_name: str = "",
    language: str = settings.LANGUAGE_CODE,
) -> User:
    """Makes an account that logs in with an e-mail address and password (for people without an Iranian
    mobile number)."""
    address = (email or "").strip().lower()
    try:
        validate_email(address)
    except DjangoValidationError:
        raise ProfileInvalid.invalid_email() from None
    first_name, last_name = _names_clean(first_name, last_name)
    if User.objects.filter(email__iexact=address).exists():
        raise EmailTaken()
    if not password:
        raise InvalidPassword([_("Choose a password.")])
    _password_check(password, user=User(email=address, first_name=first_name, last_name=last_name))
    return _user_create(
        taken_error=EmailTaken,
        password=password,
        email=address,
        first_name=first_name,
        last_name=last_name,
        preferred_language=_language_or_default(language),
    )


def _language_or_default(language: str | None) -> str:
    code = (language or "")[:2]
    return code if code in User.Language.values else User.Language.PERSIAN


# --- Profiles -------------------------------------------------------------------------------------------

PROFILE_FIELDS = frozenset(
    {
        "first_name",
        "last_name",
        "district",
        "skills",
        "date_of_birth",
        "emergency_contact_name",
        "emergency_contact_phone",
        "photo_consent",
        "organiser_messages",
        "cover_calls",
        "leaderboard_visibility",
        "leaderboard_pseudonym",
        "preferred_language",
    }
)
OLDEST_AGE_YEARS = 120
PHONE_NUMBER_PATTERN = re.compile(r"^\+?\d{7,15}$")


def _emergency_phone_clean(raw: str) -> str:
    text = re.sub(r"[\s\-()]", "", ascii_digits(raw or ""))
    if not text:
        return ""
    mobile = normalize_mobile(text)
    if mobile:
        return mobile
    if not PHONE_NUMBER_PATTERN.match(text):
        raise ProfileInvalid.emergency_phone()
    return text


@transaction.atomic
def profile_update(*, user: User, changes: Mapping[str, Any]) -> User:
    """Changes the given fields of the person's profile (the others stay as they are).

    `changes` maps names in PROFILE_FIELDS to new values: `district` a District or None, `skills` Skills,
    `date_of_birth` a date or None. ProfileInvalid, naming the field, when a value breaks a rule.
    """
    unknown = set(changes) - PROFILE_FIELDS
    if unknown:
        raise TypeError(f"Not profile fields: {sorted(unknown)}")
    values = dict(changes)
    if "first_name" in values or "last_name" in values:
        values["first_name"], values["last_name"] = _names_clean(
            values.get("first_name", user.first_name), values.get("last_name", user.last_name)
        )
    if values.get("date_of_birth") is not None:
        born = values["date_of_birth"]
        today = timezone.localdate()
        if born >= today or born.year < today.year - OLDEST_AGE_YEARS:
            raise ProfileInvalid.birth_date_out_of_range()
    if "emergency_contact_phone" in values:
        values["emergency_contact_phone"] = _emergency_phone_clean(values["emergency_contact_phone"])
    for text_field, max_length in (("emergency_contact_name", 120), ("leaderboard_pseudonym", 60)):
        if text_field in values:
            values[text_field] = (values[text_field] or "").strip()[:max_length]
    if "preferred_language" in values and values["preferred_language"] not in User.Language.values:
        raise ProfileInvalid("preferred_language", _("Choose Persian or English."))
    if (
        "leaderboard_visibility" in values
        and values["leaderboard_visibility"] not in User.LeaderboardVisibility.values
    ):
        raise ProfileInvalid("leaderboard_visibility", _("Choose how you appear on leaderboards."))
    visibility = values.get("leaderboard_visibility", user.leaderboard_visibility)
    pseudonym = values.get("leaderboard_pseudonym", user.leaderboard_pseudonym)
    if visibility == User.LeaderboardVisibility.PSEUDONYM and not pseudonym:
        raise ProfileInvalid.pseudonym_required()

    skills = values.pop("skills", None)
    for field, value in values.items():
        setattr(user, field, value)
    if values:
        user.save(update_fields=list(values))
    if skills is not None:
        user.skills.set(skills)
    return user


def walk_in_person_get_or_create(
    *, phone: str, first_name: str, last_name: str, language: str
) -> tuple[User, bool]:
    """The person with this mobile number, or a new account for a walk-in registered at a site by its lead:
    no password (they log in with a code sent to the number); True when it was made now."""
    mobile = _mobile_or_refuse(phone)
    found = User.objects.filter(phone=mobile).first()
    if found is not None:
        return found, False
    first_name, last_name = _names_clean(first_name, last_name)
    user = User(username=_new_username(), phone=mobile, first_name=first_name, last_name=last_name)
    user.preferred_language = language if language in User.Language.values else User.Language.PERSIAN
    user.set_unusable_password()
    user.save()
    return user, True
