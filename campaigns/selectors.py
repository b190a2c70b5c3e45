import csv
import dataclasses
import datetime
import hashlib
import io
import json
import re
import unicodedata
import uuid
from dataclasses import dataclass

import jdatetime
from django.contrib.auth import get_user_model
from django.contrib.postgres.search import SearchQuery
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection, connections, router, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import StartsWith
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.models import PageViewRestriction

from city.models import DelphiRound, Department, District, Service
from city.permissions import departments_for_staff
from core import compiled_queries
from core.cache import forget_versions_read, kept_part, read_together, shared_versions
from core.cached_answers import Freshness
from volunteers.eligibility.selectors import (
    guardian_consent_on,
    qualification_kinds_missing,
    qualification_kinds_pending,
)
from volunteers.models import GuardianConsent, Team
from volunteers.ngos.selectors import MANAGING_ROLES, teams_managed_by

from .errors import (
    CallNotFound,
    CampaignErrorCode,
    ReservationNotFound,
    ServiceNotFound,
    ShiftNotFound,
    SignUpForbidden,
    SignUpNotFound,
    SignUpNotFoundForMember,
    TeamNotFound,
)
from .models import (
    CALL_SEARCHED_FIELDS,
    TEXT_SEARCH_CONFIG,
    CalendarFeed,
    CallClosure,
    CallSchedule,
    OpenCallPage,
    Shift,
    ShiftMessage,
    SignUp,
    SignUpRequest,
    TeamReservation,
    WaiverAcceptance,
)


def service_list(*, department_slug: str | None = None, include_inactive: bool = False) -> QuerySet[Service]:
    """Services of the catalogue in catalogue order, with their department and Delphi rounds loaded."""
    services = Service.objects.select_related("department").prefetch_related(
        Prefetch("delphi_rounds", queryset=DelphiRound.objects.order_by("round_number"))
    )
    if not include_inactive:
        services = services.filter(is_active=True)
    if department_slug:
        services = services.filter(department__slug=department_slug)
    return services


def service_get(*, slug: str) -> Service:
    try:
        return service_list().get(slug=slug)
    except Service.DoesNotExist:
        raise ServiceNotFound(slug) from None


def department_list_with_services() -> QuerySet[Department]:
    """Departments that have active services, each with its active services, for catalogue pages."""
    active_services = Q(services__is_active=True)
    return (
        Department.objects.annotate(active_service_count=Count("services", filter=active_services))
        .filter(active_service_count__gt=0)
        # Meta.ordering does not apply to aggregating queries; the order must be asked for.
        .order_by("sort_order", "slug")
        .prefetch_related(Prefetch("services", queryset=service_list(), to_attr="active_services"))
    )


# --- Open calls -----------------------------------------------------------------------------------------


def _public_calls(*, now) -> QuerySet[OpenCallPage]:
    """Calls anyone may see: live, public (no view restriction), not past their expiry. An alias is a second
    place for the same call, and an expired call waits only for beat to unpublish it: neither counts."""
    return OpenCallPage.objects.filter(_public_call_condition(now=now))


def _public_call_condition(*, now, of: str = "") -> Q:
    """The condition of _public_calls, on the call itself or, with `of`, on the call a relation leads to.

    "Public" is Wagtail's `.public()` (no restriction on the page or above it) as a NOT EXISTS on the tree
    path: `.public()` reads every view restriction in a query of its own first.
    """
    prefix = f"{of}__" if of else ""
    restricted = PageViewRestriction.objects.filter(StartsWith(OuterRef(f"{prefix}path"), F("page__path")))
    return (
        ~Q(Exists(restricted))
        & Q(**{f"{prefix}live": True, f"{prefix}alias_of__isnull": True})
        & ~Q(**{f"{prefix}expire_at__lte": now})
    )


@dataclass(frozen=True)
class CallFilters:
    """What a reader can narrow the open calls by; every field is optional and they combine."""

    department: str | None = None  # department slug
    service: str | None = None  # service slug
    district: int | None = None  # district number
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    has_free_places: bool = False
    open_to_teams: bool = False
    age: int | None = None  # the reader's age: calls whose minimum age is at most this
    text: str = ""


def _schedule_annotations(*, now, stale: Q | None) -> dict:
    """`next_shift_starts_at`, `free_places` and `is_closed`: worked out from the shifts where `stale`
    holds (everywhere when it is None), read from the call's CallSchedule elsewhere."""
    # The shifts still taking sign-ups: one under way, or whose sign-ups closed, is not "next".
    upcoming = Shift.objects.annotate(deadline=Coalesce("signups_close_at", "starts_at")).filter(
        call=OuterRef("pk"), deadline__gt=now
    )
    next_start = Subquery(upcoming.order_by("starts_at").values("starts_at")[:1])
    free = Coalesce(
        Subquery(
            upcoming.values("call")
            .annotate(total=Sum(F("capacity") - F("confirmed_count") - F("team_unassigned_count")))
            .values("total")[:1]
        ),
        0,
    )
    if stale is not None:
        next_start = Case(When(stale, then=next_start), default=F("schedule__next_shift_starts_at"))
        free = Case(When(stale, then=free), default=F("schedule__free_places"), output_field=IntegerField())
    return {
        "next_shift_starts_at": next_start,
        "free_places": free,
        "is_closed": Exists(CallClosure.objects.filter(call=OuterRef("pk"))),
    }


# What the listings show of a call (the cards, the map, the API's CallOut), its page's address and the
# order; the rest of its ~100 columns (the body, the search vector, Wagtail's page fields) cost time to
# select, send and decode for every call of a page, and to compile into every listing query.
CALL_LISTING_FIELDS = (
    "title", "slug", "url_path", "path", "depth", "live", "first_published_at", "content_type",
    "title_en", "summary_fa", "summary_en", "address_fa", "address_en", "latitude", "longitude",
    "min_age", "open_to_individuals", "open_to_teams", "points_per_hour", "service", "district",
)  # fmt: skip


def call_list(*, filters: CallFilters = CallFilters(), now=None) -> QuerySet[OpenCallPage]:
    """Live, public calls that match the filters, soonest next shift first (calls with no shift ahead
    come last), each annotated with `next_shift_starts_at` and `free_places` over its upcoming shifts.
    Pass the calls shown to `calls_with_catalogue` for their service, department and district.

    Both are read from the call's CallSchedule row, so the first page is an index scan rather than a sort
    of every call; for the few rows a shift ending has made stale (until beat rewrites them) they are
    worked out from the shifts, and only such a row's place in the order lags by up to a minute.
    """
    now = now or timezone.now()
    upcoming = Shift.objects.filter(call=OuterRef("pk"), ends_at__gt=now)
    calls = (
        _public_calls(now=now)
        .filter(schedule__isnull=False)
        .only(*CALL_LISTING_FIELDS)
        .annotate(**_schedule_annotations(now=now, stale=Q(schedule__valid_until__lte=now)))
    )
    if filters.department:
        calls = calls.filter(service__department__slug=filters.department)
    if filters.service:
        calls = calls.filter(service__slug=filters.service)
    if filters.district:
        calls = calls.filter(district__number=filters.district)
    if filters.date_from or filters.date_to:
        in_range = Shift.objects.filter(call=OuterRef("pk"))
        if filters.date_from:
            in_range = in_range.filter(starts_at__date__gte=filters.date_from)
        if filters.date_to:
            in_range = in_range.filter(starts_at__date__lte=filters.date_to)
        calls = calls.filter(Exists(in_range))
    if filters.has_free_places:
        # A shift ending only takes places away, so a schedule with none free is right even when stale.
        calls = calls.filter(
            Exists(upcoming.filter(capacity__gt=F("confirmed_count") + F("team_unassigned_count"))),
            schedule__free_places__gt=0,
            is_closed=False,
        )
    if filters.open_to_teams:
        calls = calls.filter(open_to_teams=True)
    if filters.age is not None:
        calls = calls.filter(min_age__lte=filters.age)
    if filters.text.strip():
        calls = _calls_matching_text(calls, filters.text)
    return calls.order_by(
        F("schedule__next_shift_starts_at").asc(nulls_last=True), "-first_published_at", "pk"
    )


# One page of the listing: Django took longer to compose its statement (the filters, the schedule's
# annotations, the view restrictions) than PostgreSQL takes to answer it, so each filter set's shape (which
# filters are given, and the page's window) is composed once per process (core.compiled_queries) and sent
# again with the new values. On PostgreSQL a text search is one more value (its query of the call's search
# vector); elsewhere, where its statement depends on its words, it is composed each time, as are pages far
# down the list.
_LISTING_VALUE_KINDS = {
    "department": str, "service": str, "district": int,
    "date_from": datetime.date, "date_to": datetime.date, "age": int, "search_query": str,
}  # fmt: skip
LISTING_PAGES_COMPOSED_ONCE = 5
# Bounds this process's statements (the API's page sizes make many windows): past it, they start over.
LISTING_STATEMENTS_KEPT = 200
_listing_page_statements: dict[tuple, compiled_queries.CompiledInstancesQuery] = {}


def call_list_page(*, filters: CallFilters, offset: int, limit: int, now=None) -> list[OpenCallPage]:
    """The calls `call_list(filters=filters)[offset:offset + limit]` gives, with their catalogue
    (`calls_with_catalogue`)."""
    now = now or timezone.now()
    using = router.db_for_read(OpenCallPage)
    searched = bool(filters.text.strip())
    composed_each_time = searched and connections[using].vendor != "postgresql"
    if composed_each_time or offset >= LISTING_PAGES_COMPOSED_ONCE * limit:
        return calls_with_catalogue(call_list(filters=filters, now=now)[offset : offset + limit])
    # The filters call_list applies (the same tests of each value), and whether it applies the flags.
    values = {
        name: getattr(filters, name)
        for name in _LISTING_VALUE_KINDS
        if name != "search_query"
        and (getattr(filters, name) is not None if name == "age" else getattr(filters, name))
    }
    if searched:
        if not (words := _search_words(filters.text)):
            return []
        values["search_query"] = _search_query(words)
    flags = {"has_free_places": filters.has_free_places, "open_to_teams": filters.open_to_teams}
    shape = (tuple(values), tuple(flags.values()), offset, limit)
    statement = _listing_page_statements.get(shape)
    if statement is None:
        if len(_listing_page_statements) >= LISTING_STATEMENTS_KEPT:
            _listing_page_statements.clear()
        statement = _listing_page_statements[shape] = _listing_page_statement(
            names=tuple(values), flags=flags, offset=offset, limit=limit
        )
    return calls_with_catalogue(statement.list(using=using, now=now, **values))


def _listing_page_statement(*, names: tuple, flags: dict, offset: int, limit: int):
    def filtered(now, search_query=None, **values):
        calls = call_list(filters=CallFilters(**values, **flags), now=now)
        if search_query is not None:
            calls = _calls_matching_search(calls, search_query)
        return calls[offset : offset + limit]

    return compiled_queries.CompiledInstancesQuery(
        OpenCallPage,
        filtered,
        annotations={
            "next_shift_starts_at": DateTimeField(null=True),
            "free_places": IntegerField(),
            "is_closed": BooleanField(),
        },
        only=[
            OpenCallPage._meta.pk.attname,
            *(OpenCallPage._meta.get_field(name).attname for name in CALL_LISTING_FIELDS),
        ],
        now=datetime.datetime,
        **{name: _LISTING_VALUE_KINDS[name] for name in names},
    )


@dataclass(frozen=True)
class Catalogue:
    """The departments, services (each with its department) and districts, in their own orders."""

    departments: list[Department]
    services: list[Service]
    districts: list[District]

    @cached_property
    def services_by_id(self) -> dict[int, Service]:
        return {service.pk: service for service in self.services}

    @cached_property
    def districts_by_id(self) -> dict[int, District]:
        return {district.pk: district for district in self.districts}

    @cached_property
    def made_from_it(self) -> dict:
        """What callers make of this copy (in a language, say), kept with it: a change of the catalogue
        makes a new copy, so nothing here outlives what it was made from."""
        return {}


# This process's copy of the catalogue, under the "calls" version it was read at (see below): every change
# of a department, service or district sets a new one, so a copy is never read after such a change commits.
_catalogue_kept: dict[str, Catalogue] = {}


def catalogue() -> Catalogue:
    """The catalogue every listing names its calls by and the filter form offers, read from the database
    once per process and change rather than in two or three queries on every request."""
    versions = None if connection.in_atomic_block else _count_versions([CALLS_VERSION_KEY])
    if versions and (kept := _catalogue_kept.get(versions[0])) is not None:
        return kept
    read = Catalogue(
        departments=list(Department.objects.all()),
        services=list(Service.objects.select_related("department")),
        districts=list(District.objects.all()),
    )
    if versions:
        _catalogue_kept.clear()
        _catalogue_kept[versions[0]] = read
    return read


def calls_with_catalogue(calls) -> list[OpenCallPage]:
    """The calls (of a page of `call_list`) as a list, each with its service, the service's department and
    its district from `catalogue()`: no query per call, nor one per relation per page."""
    kept = catalogue()
    listed = list(calls)
    for call in listed:
        # A call of a service or district newer than the copy (only inside a transaction) reads its own.
        if (service := kept.services_by_id.get(call.service_id)) is not None:
            call.service = service
        if (district := kept.districts_by_id.get(call.district_id)) is not None:
            call.district = district
    return listed


# Counting every matching call is most of a listing request's database time, and the same filter sets come
# back again and again, so counts are cached per filter set under the versions of what they depend on.
# Whatever changes which calls are listed (a call or page saved, published, unpublished or deleted, a shift
# saved or deleted, a view restriction, the catalogue) sets a new "calls" version; a change of free places
# or of a closure sets a new "places" version, which only the free-places filter reads. The new value is
# set once the change is committed, so no count from before it can be cached under it. Time passing
# changes counts too (a shift ends, a call expires): CALL_COUNT_SECONDS bounds that lag.
# A call's own page shows only that call's free places: it is kept under the "calls" version and a version
# of its own places (call_places_version_key), so that a sign-up for one call leaves every other call's
# kept page in place.
CALL_COUNT_SECONDS = 30
CALLS_VERSION_KEY = "campaigns:call-list:calls-version"
PLACES_VERSION_KEY = "campaigns:call-list:places-version"
# Which calls are closed: what the home page's choice of calls depends on beyond the calls (a call reopened
# may come back onto it), while the listing shows closed calls too, with a badge.
CLOSURES_VERSION_KEY = "campaigns:call-list:closures-version"
# Nearly every page of the site or the listing's API reads them: with the first version a request reads.
read_together(CALLS_VERSION_KEY, PLACES_VERSION_KEY, CLOSURES_VERSION_KEY)


def call_places_version_key(call_id: int) -> str:
    return f"campaigns:call-places-version:{call_id}"


def _count_versions(keys: list[str], *, fresh: bool = False) -> list[str] | None:
    # A version the cache forgot is made anew (never a value used before), so what was cached under the
    # old one stays unreachable; read once per request unless `fresh` (core.cache.shared_versions).
    versions = shared_versions(*keys, fresh=fresh)
    return None if any(version is None for version in versions) else versions


def _versions_outside_transactions(keys: list[str]) -> str | None:
    """The versions of `keys` as one value; None inside a transaction (it may have changed what nobody else
    sees yet) or when the cache is down: then nothing is kept."""
    if connection.in_atomic_block:
        return None
    versions = _count_versions(keys)
    return None if versions is None else ":".join(versions)


def call_list_count(*, filters: CallFilters = CallFilters()) -> int:
    """How many calls `call_list(filters=filters)` lists, cached per filter set (see above)."""
    if connection.in_atomic_block:
        # The transaction may have changed calls that nobody else sees yet, or ever will.
        return call_list(filters=filters).count()
    keys = [CALLS_VERSION_KEY, PLACES_VERSION_KEY] if filters.has_free_places else [CALLS_VERSION_KEY]
    versions = _count_versions(keys)
    if versions is None:
        return call_list(filters=filters).count()
    described = {**dataclasses.asdict(filters), "text": _search_words(filters.text)}
    digest = hashlib.sha256(json.dumps(described, default=str, sort_keys=True).encode()).hexdigest()
    key = f"campaigns:call-list:count:{':'.join(versions)}:{digest}"
    count = cache.get(key)
    if count is None:
        count = call_list(filters=filters).count()
        cache.set(key, count, CALL_COUNT_SECONDS)
    return count


def call_list_response_key(*, surface: str, path: str, language: str) -> str | None:
    """The cache key of one listing response that is the same for every reader (`path` with its query
    string, in `language`), under both versions above: a change of calls or of free places makes it
    unreachable once committed, and time passing at most CALL_COUNT_SECONDS later. None inside a
    transaction, or when the cache is down: then nothing is cached."""
    versions = call_list_version()
    if versions is None:
        return None
    return _response_key(versions, surface=surface, path=path, language=language)


def _response_key(versions: str, *, surface: str, path: str, language: str) -> str:
    digest = hashlib.sha256("\n".join([surface, language, path]).encode()).hexdigest()
    return f"campaigns:call-list:response:{versions}:{digest}"


def call_list_version() -> str | None:
    """Both versions above as one value: what the listing's kept answers are kept under (a call's own page
    is kept under call_page_version). None inside a transaction, or when the cache is down: then nothing
    is kept."""
    return _versions_outside_transactions([CALLS_VERSION_KEY, PLACES_VERSION_KEY])


def calls_version() -> str | None:
    """The "calls" version alone: what a part of a page that shows no free places (the listing's filter
    form, from the catalogue) is kept under. None inside a transaction, or when the cache is down."""
    return _versions_outside_transactions([CALLS_VERSION_KEY])


def listing_page_response_key(request) -> str | None:
    """The key the listing's whole page is kept under (core.cached_answers.page_kept_for_readers): the
    "calls" version, per address and language; and the "places" version only when it filters by free
    places (which calls it lists then depends on every call's places). The free places and closures of
    the calls it shows are checked by LISTING_FRESHNESS instead, so that a sign-up for a call the page
    does not show leaves it kept. None inside a transaction, or when the cache is down."""
    # Kept with its calls' places versions: a key of its own, never one an older release kept HTML under.
    surface = "listing page with its calls' places"
    return _listing_key(request, surface=surface, path=request.build_absolute_uri())


def listing_answer_key(request) -> str | None:
    """The API's listing_page_response_key: its answers are kept with their calls' places versions too
    (LISTING_ANSWER_FRESHNESS), per scheme and host too (each call's `url` is an absolute address)."""
    return _listing_key(request, surface="api with its calls' places", path=request.build_absolute_uri())


def home_page_response_key(request) -> str | None:
    """The key the home page is kept under: the "calls" and "closures" versions, per address and language.
    The free places of the calls it shows are checked by LISTING_FRESHNESS, and the city's total of free
    places is put in for every reader (cms.models.HomePage.current_parts), so that a sign-up for a call it
    does not show leaves it kept. None inside a transaction, or when the cache is down."""
    return _listing_key(
        request,
        surface="home page with its calls' places",
        path=request.build_absolute_uri(),
        keys=[CALLS_VERSION_KEY, CLOSURES_VERSION_KEY],
    )


def _listing_key(request, *, surface: str, path: str, keys: list[str] | None = None) -> str | None:
    keys = list(keys or [CALLS_VERSION_KEY])
    if "has_free_places" in request.GET:
        keys.append(PLACES_VERSION_KEY)
    versions = _versions_outside_transactions(keys)
    if versions is None:
        return None
    return _response_key(versions, surface=surface, path=path, language=translation.get_language())


# Each call's card says which call it is (campaigns/includes/call_card.html).
_CALL_CARD = re.compile(r'data-call-id="(\d+)"')


def _places_version_before_rendering() -> str | None:
    return _versions_outside_transactions([PLACES_VERSION_KEY])


def _listed_calls_places_versions(before: str | None, call_ids) -> dict[int, str] | None:
    """The places version of each of the calls a page lists, or None when any call's places changed while
    the page was rendered. Every change sets the "places" version with the call's own (never after it), so
    a call's version read here that is newer than what the page shows comes with a newer "places" version
    than `before`."""
    if before is None:
        return None
    call_ids = sorted(set(call_ids))
    keys = [PLACES_VERSION_KEY, *(call_places_version_key(pk) for pk in call_ids)]
    versions = _count_versions(keys, fresh=True)
    if versions is None or versions[0] != before:
        return None
    return dict(zip(call_ids, versions[1:], strict=True))


def _listed_calls_unchanged(stamp: dict[int, str]) -> bool:
    if not stamp:
        return True
    keys = {call_places_version_key(pk): version for pk, version in stamp.items()}
    now = cache.get_many(list(keys))
    return all(now.get(key) == version for key, version in keys.items())


LISTING_FRESHNESS = Freshness(
    before=_places_version_before_rendering,
    stamp=lambda before, html: _listed_calls_places_versions(
        before, (int(found) for found in _CALL_CARD.findall(html))
    ),
    still_fresh=_listed_calls_unchanged,
)
LISTING_ANSWER_FRESHNESS = Freshness(
    before=_places_version_before_rendering,
    stamp=lambda before, text: _listed_calls_places_versions(
        before, (item["id"] for item in json.loads(text)["items"])
    ),
    still_fresh=_listed_calls_unchanged,
)


def call_page_version(call_id: int) -> str | None:
    """The versions a call's own page (and its kept parts) is kept under: the "calls" version and that of
    the call's own free places and closure. None inside a transaction, or when the cache is down."""
    return _versions_outside_transactions([CALLS_VERSION_KEY, call_places_version_key(call_id)])


def call_page_response_key(request, *, call_id: int) -> str | None:
    """The key a call's whole page is kept under (core.cached_answers.page_kept_for_readers), per absolute
    address and language."""
    versions = call_page_version(call_id)
    if versions is None:
        return None
    return _response_key(
        versions, surface="call page", path=request.build_absolute_uri(), language=translation.get_language()
    )


def call_list_counts_expire(
    *, free_places_only: bool = False, call_id: int | None = None, closure: bool = False
) -> None:
    """Makes the listing's cached counts unreachable once the current transaction commits (at once outside
    one). `free_places_only`: only free places or closures changed, which only one filter reads — those of
    the call `call_id`, whose own page is kept under a version of them too; `closure`: a call was closed or
    reopened."""
    keys = [PLACES_VERSION_KEY] if free_places_only else [CALLS_VERSION_KEY]
    if free_places_only and call_id is not None:
        keys.append(call_places_version_key(call_id))
    if closure:
        keys.append(CLOSURES_VERSION_KEY)

    def expire() -> None:
        # Together (one MULTI/EXEC in Redis; in this order in a local memory cache): a reader that sees the
        # call's new version sees the new "places" version too (LISTING_FRESHNESS relies on it).
        cache.set_many({key: uuid.uuid4().hex for key in keys}, timeout=None)
        forget_versions_read()  # this request reads its own change

    # robust: the change is committed by then; a cache that is down must not turn it into an error.
    transaction.on_commit(expire, robust=True)


SEARCH_WORDS_MAX = 8


def _search_words(text: str) -> list[str]:
    """The words of a search as typed, split at spaces and trimmed of punctuation around them. Quotes and
    backslashes separate words too (they would end a quoted word of PostgreSQL's query syntax), and so do
    invisible characters: PostgreSQL splits words at a zero-width non-joiner, and refuses a NUL."""
    separated = "".join(
        " " if char in "'\\" or unicodedata.category(char)[0] == "C" else char for char in text
    )
    words = []
    for token in separated.split():
        letters = [i for i, char in enumerate(token) if unicodedata.category(char)[0] in "LN"]
        if letters:
            # Combining marks (the hamza of «منطقهٔ») belong to the word they follow.
            end = letters[-1] + 1
            while end < len(token) and unicodedata.category(token[end])[0] == "M":
                end += 1
            words.append(token[letters[0] : end])
    return words[:SEARCH_WORDS_MAX]


def _search_query(words: list[str]) -> str:
    """PostgreSQL's query (to_tsquery's syntax) for calls with every word, the last one as a prefix."""
    terms = [f"'{word}'" for word in words]
    terms[-1] += ":*"
    return " & ".join(terms)


def _calls_matching_search(calls: QuerySet[OpenCallPage], search_query: str) -> QuerySet[OpenCallPage]:
    return calls.filter(
        search_vector=SearchQuery(search_query, search_type="raw", config=TEXT_SEARCH_CONFIG)
    )


def _calls_matching_text(calls: QuerySet[OpenCallPage], text: str) -> QuerySet[OpenCallPage]:
    """The calls with every word of `text` in their title, English title, summaries, address, service's
    short name or district's name; the last word may be the start of a word ("کارگا" finds "کارگاه").

    On PostgreSQL this is one condition on the call's search vector, with a GIN index, inside the
    listing's own query: PostgreSQL then walks the calls in order and stops at the page's end when a word
    is common, and starts from the index when it is rare. Elsewhere (SQLite, the newcomer's default) a
    word is found anywhere inside those texts.
    """
    words = _search_words(text)
    if not words:
        return calls.none()
    if connection.vendor == "postgresql":
        return _calls_matching_search(calls, _search_query(words))
    for word in words:
        found = Q()
        for field in CALL_SEARCHED_FIELDS:
            found |= Q(**{f"{field}__icontains": word})
        calls = calls.filter(found)
    return calls


def call_get(*, call_id: int) -> OpenCallPage:
    """A live, public call by id; drafts and private calls do not exist for the public."""
    now = timezone.now()
    calls = (
        _public_calls(now=now)
        .select_related("service__department", "district")
        .annotate(**_schedule_annotations(now=now, stale=None))
    )
    try:
        return calls.get(pk=call_id)
    except OpenCallPage.DoesNotExist:
        raise CallNotFound(call_id) from None


def shift_list_for_call(*, call: OpenCallPage) -> QuerySet[Shift]:
    return call.shifts_in_order()


def call_is_accepting_signups(*, call: OpenCallPage) -> bool:
    """Open for new sign-ups: live, not closed by staff."""
    return call.is_accepting_signups()


def call_map_points(*, calls, request) -> list[dict]:
    """What the map needs of each call on the current page of results: position, title and link."""
    version = calls_version()
    language, site = translation.get_language(), f"{request.scheme}://{request.get_host()}"

    def url(call) -> str:
        # With the request, Wagtail reads the sites' root paths once for the page, not once per call.
        if version is None:
            return call.get_url(request)
        # Building it costs a URL reversal: kept in this process as the call's card is, which shows it too.
        parts = (version, language, site, "call-url", call.pk)
        return kept_part(parts, lambda: call.get_url(request) or "", in_process=True) or None

    return [
        {
            "id": call.pk,
            "title": call.localized_title,
            "url": url(call),
            "lat": float(call.latitude),
            "lng": float(call.longitude),
            "service": call.service.short_name,
        }
        for call in calls
        if call.latitude is not None and call.longitude is not None
    ]


# --- Sign-ups -------------------------------------------------------------------------------------------


def shift_get_for_signup(*, shift_id: int) -> Shift:
    """A shift of a call the public can see: live, public, not expired. Others do not exist for sign-ups.
    One query, with the call loaded."""
    # Every sign-up runs this: the statement is composed once per process (see core.compiled_queries).
    shift = _SHIFT_FOR_SIGNUP.get(using=router.db_for_read(Shift), now=timezone.now(), shift_id=shift_id)
    if shift is None:
        raise ShiftNotFound(shift_id)
    return shift


def call_url_of_shift(*, shift_id: int, request=None) -> str | None:
    """The address of the shift's call while the public can see it (where a refused sign-up goes back)."""
    try:
        return shift_get_for_signup(shift_id=shift_id).call.get_url(request)
    except ShiftNotFound:
        return None


# The call's condition joined in, rather than `call__in=_public_calls(…)`: a subquery per shift.
_SHIFT_FOR_SIGNUP = compiled_queries.CompiledInstanceQuery(
    Shift,
    "call",
    lambda now, shift_id: Shift.objects.filter(_public_call_condition(now=now, of="call"), pk=shift_id),
    now=datetime.datetime,
    shift_id=int,
)


def signup_get_for_volunteer(*, signup_id: int, volunteer) -> SignUp:
    """One of the person's own sign-ups; another person's does not exist for them."""
    try:
        return SignUp.objects.select_related("shift__call").get(pk=signup_id, volunteer=volunteer)
    except SignUp.DoesNotExist:
        raise SignUpNotFound(signup_id) from None


@dataclass(frozen=True)
class MyShiftsFacts:
    manages_teams: bool  # owner or manager of an NGO that has teams
    waiting_in_a_queue: bool  # a sign-up of theirs still waits in a shift's sign-up queue
    calendar_token: str | None  # their calendar feed's secret, once they have one


def my_shifts_facts(*, person) -> MyShiftsFacts:
    """What "my shifts" shows beside the person's sign-ups, in one statement composed once per process
    (three small questions asked on every visit cost more to compose and send than to answer)."""
    row = _MY_SHIFTS_FACTS.rows(using=router.db_for_read(SignUp), person_id=person.pk)
    return MyShiftsFacts(*row[0]) if row else MyShiftsFacts(False, False, None)


def _my_shifts_facts(person_id):
    person = OuterRef("pk")
    return (
        get_user_model()
        .objects.filter(pk=person_id)
        .annotate(
            manages_teams=Exists(
                Team.objects.filter(
                    organisation__memberships__user_id=person,
                    organisation__memberships__role__in=sorted(MANAGING_ROLES),
                )
            ),
            waiting_in_a_queue=Exists(
                SignUpRequest.objects.filter(person_id=person, state=SignUpRequest.State.WAITING)
            ),
            calendar_token=Subquery(CalendarFeed.objects.filter(user_id=person).values("token")[:1]),
        )
        .values_list("manages_teams", "waiting_in_a_queue", "calendar_token")
    )


_MY_SHIFTS_FACTS = compiled_queries.CompiledQuery(
    _my_shifts_facts,
    fields=[BooleanField(), BooleanField(), CalendarFeed._meta.get_field("token")],
    person_id=int,
)


def signup_list_for_volunteer(*, volunteer, now=None) -> QuerySet[SignUp]:
    """The person's sign-ups in every status: shifts that have not ended first, soonest first; then ended
    shifts, most recent first."""
    now = now or timezone.now()
    return (
        SignUp.objects.filter(volunteer=volunteer)
        .select_related("shift__call")
        # A team's place is rare: read apart, for the sign-ups that have one (no query when none has),
        # rather than joined in, which made the statement three wide tables slower to plan.
        .prefetch_related("reservation__team__organisation")
        .annotate(
            has_ended=Case(
                When(shift__ends_at__lte=now, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by(
            "has_ended",
            Case(When(has_ended=False, then=F("shift__starts_at"))).asc(nulls_last=True),
            F("shift__starts_at").desc(),
            "-pk",
        )
    )


def signup_get_for_staff(*, signup_id: int, user) -> SignUp:
    """A sign-up on a shift of one of the person's departments' calls; staff of other departments are
    refused, and to everyone else it does not exist."""
    signup = SignUp.objects.select_related("shift__call__service", "volunteer").filter(pk=signup_id).first()
    if signup is None:
        raise SignUpNotFound(signup_id)
    if not departments_for_staff(user=user).filter(pk=signup.shift.call.service.department_id).exists():
        raise SignUpForbidden(
            CampaignErrorCode.NOT_DEPARTMENT_STAFF,
            _("Only staff of the call's department can cancel someone's sign-up."),
        )
    return signup


# --- Teams and their reservations -------------------------------------------------------------------


def team_get_for_manager(*, team_id: int, user):
    try:
        return teams_managed_by(user=user).get(pk=team_id)
    except ObjectDoesNotExist:
        raise TeamNotFound(team_id) from None


def team_reservation_list_for_manager(*, user) -> QuerySet[TeamReservation]:
    """Reservations of the person's teams: shifts that have not ended first, soonest first; then ended
    ones, most recent first."""
    now = timezone.now()
    return (
        TeamReservation.objects.filter(team__in=teams_managed_by(user=user))
        .select_related("shift__call__service", "shift__call__district", "team__organisation")
        .prefetch_related(
            Prefetch(
                "signups", queryset=_assignments().order_by(*ASSIGNMENT_ORDER), to_attr="assignment_list"
            )
        )
        .annotate(
            has_ended=Case(
                When(shift__ends_at__lte=now, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by(
            "has_ended",
            Case(When(has_ended=False, then=F("shift__starts_at"))).asc(nulls_last=True),
            F("shift__starts_at").desc(),
            "pk",
        )
    )


def team_reservations_upcoming(*, organisation, manager) -> list[TeamReservation]:
    """Places the NGO's teams hold on shifts that have not ended, soonest first, with how many are given
    to members (`assigned_count`): the NGO's page shows them to its managers."""
    return list(
        team_reservation_list_for_manager(user=manager).filter(
            team__organisation=organisation, has_ended=False
        )[:50]
    )


def team_reservation_get_for_manager(*, reservation_id: int, user) -> TeamReservation:
    """One of the person's teams' reservations; anyone else's does not exist for them."""
    try:
        return team_reservation_list_for_manager(user=user).get(pk=reservation_id)
    except TeamReservation.DoesNotExist:
        raise ReservationNotFound(reservation_id) from None


def team_member_get(*, team, user_id: int):
    """A member of the team; anyone else is not one, and is refused as such by the service."""
    member = team.members.filter(pk=user_id).first()
    if member is None:
        # Let the service say why: it refuses people who are not members with a clear message.
        member = get_user_model().objects.filter(pk=user_id).first()
    if member is None:
        raise SignUpNotFoundForMember(user_id)
    return member


ASSIGNMENT_ORDER = ("volunteer__first_name", "volunteer__last_name", "pk")


def _assignments() -> QuerySet[SignUp]:
    return SignUp.objects.filter(status__in=[SignUp.Status.CONFIRMED, SignUp.Status.NO_SHOW]).select_related(
        "volunteer"
    )


def team_reservation_assignments(*, reservation: TeamReservation) -> list[SignUp]:
    """The places given out of the reservation (confirmed, or no-shows once the shift is over), with their
    people; read from the prefetch of `team_reservation_list_for_manager` when it is there."""
    if hasattr(reservation, "assignment_list"):
        return reservation.assignment_list
    return list(_assignments().filter(reservation=reservation).order_by(*ASSIGNMENT_ORDER))


def team_members_to_assign(*, reservation: TeamReservation):
    """Members of the reservation's team who are free then: no active sign-up on its shift or on any shift
    at the same time (assigning them would be refused as an overlap)."""
    shift = reservation.shift
    busy = SignUp.objects.filter(
        status__in=SignUp.ACTIVE_STATUSES,
        shift__starts_at__lt=shift.ends_at,
        shift__ends_at__gt=shift.starts_at,
    ).values("volunteer_id")
    return reservation.team.members.exclude(pk__in=busy).order_by("first_name", "last_name", "pk")


def shift_reservable_for_teams(*, call: OpenCallPage, now=None) -> list[Shift]:
    """The call's shifts a team may still reserve places on (OpenCallPage.shifts_reservable_for_teams)."""
    return call.shifts_reservable_for_teams(now=now)


# --- Rosters --------------------------------------------------------------------------------------------

ROSTER_STATUS_ORDER = Case(
    When(status=SignUp.Status.CONFIRMED, then=Value(0)),
    When(status=SignUp.Status.NO_SHOW, then=Value(1)),
    When(status=SignUp.Status.WAITLISTED, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


def shift_get_for_roster(*, shift_id: int) -> Shift:
    try:
        return Shift.objects.select_related("call__service").get(pk=shift_id)
    except Shift.DoesNotExist:
        raise ShiftNotFound(shift_id) from None


def shift_roster(*, shift: Shift, viewer) -> QuerySet[SignUp]:
    """Who is on the shift, as the viewer may see it: staff of the call's department see everyone; an NGO
    manager sees the people on their own teams' places; anyone else is refused."""
    shift_day = timezone.localtime(shift.starts_at).date()
    consent = GuardianConsent.objects.filter(
        person=OuterRef("volunteer"), valid_until__gte=shift_day
    ).order_by("-consented_at")
    waiver = WaiverAcceptance.objects.filter(
        person=OuterRef("volunteer"), call=shift.call_id, version=shift.call.waiver_version
    )
    signups = (
        SignUp.objects.filter(shift=shift)
        .select_related("volunteer", "reservation__team")
        # What staff check at the site: a minor's guardian's consent, and the current waiver accepted.
        .annotate(
            guardian_consent_by=Subquery(consent.values("guardian_name")[:1]),
            guardian_consent_at=Subquery(consent.values("consented_at")[:1]),
            waiver_accepted=Exists(waiver),
        )
        .order_by(
            ROSTER_STATUS_ORDER, "waitlist_position", "volunteer__first_name", "volunteer__last_name", "pk"
        )
    )
    if departments_for_staff(user=viewer).filter(pk=shift.call.service.department_id).exists():
        return signups
    teams = teams_managed_by(user=viewer)
    if teams.filter(shift_reservations__shift=shift).exists():
        return signups.filter(reservation__team__in=teams)
    raise SignUpForbidden(
        CampaignErrorCode.ROSTER_FORBIDDEN,
        _(
            "Only staff of the call's department, and managers of teams with places on this shift, can see "
            "its roster."
        ),
    )


def _csv_cell(value: str) -> str:
    # A spreadsheet runs a cell that starts with one of these as a formula; a name must stay a name.
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _roster_time(value) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value)
    if translation.get_language() == "fa":
        return jdatetime.datetime.fromgregorian(datetime=local).strftime("%Y/%m/%d %H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


def shift_roster_filename(shift: Shift) -> str:
    day = timezone.localtime(shift.starts_at).strftime("%Y-%m-%d")
    return f"roster-shift-{shift.pk}-{day}.csv"


def shift_roster_csv(*, signups) -> str:
    """The roster as CSV text, headed in the reader's language, starting with a byte-order mark so that
    Excel reads the Persian names as UTF-8."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(
        [_("Name"), _("Mobile number"), _("Team"), _("Status"), _("Checked in"), _("Checked out")]
    )
    for signup in signups:
        person = signup.volunteer
        writer.writerow(
            [
                _csv_cell(person.get_full_name() or person.username),
                person.phone or "",
                _csv_cell(signup.reservation.team.name if signup.reservation_id else ""),
                str(signup.get_status_display()),
                _roster_time(signup.checked_in_at),
                _roster_time(signup.checked_out_at),
            ]
        )
    return buffer.getvalue()


# --- What a call asks of the person signing up ---------------------------------------------------------


@dataclass(frozen=True)
class SignupRequirementsMissing:
    """What the person lacks for the call's rules: asked on the sign-up path, before a refusal. Date of
    birth, skills and the waiver are given on the spot; a qualification needs staff to verify it and a
    guardian's consent a code from the guardian's mobile, so those are links to where they are given."""

    min_age: int | None
    date_of_birth: bool  # the call has an age limit and the person has not given their date of birth
    skills: list  # the call's required skills their profile does not list
    # kinds with no verified qualification valid on the shift's day
    qualifications: list = dataclasses.field(default_factory=list)
    qualifications_pending: frozenset = frozenset()  # ids of those kinds submitted and awaiting staff
    waiver: bool = False  # the call has a waiver whose current version they have not accepted
    guardian_consent: bool = False  # under 18 on the day, and no guardian's consent valid then

    def __bool__(self) -> bool:
        return (
            self.date_of_birth
            or bool(self.skills)
            or bool(self.qualifications)
            or self.waiver
            or self.guardian_consent
        )

    @property
    def asks_on_the_spot(self) -> bool:
        """Something the sign-up page's own form can take (the rest waits for staff or a guardian)."""
        return self.date_of_birth or bool(self.skills) or self.waiver

    @property
    def can_sign_up_now(self) -> bool:
        return not self.qualifications and not self.guardian_consent


def signup_requirements_missing(
    *, call: OpenCallPage, person, shift: Shift | None = None
) -> SignupRequirementsMissing:
    """What `person` lacks for `call`; with `shift`, also what depends on its day (a qualification's
    expiry, being under 18)."""
    held = set(person.skills.values_list("pk", flat=True))
    qualifications, pending, guardian = [], frozenset(), False
    if shift is not None:
        day = timezone.localtime(shift.starts_at).date()
        qualifications = qualification_kinds_missing(
            kinds=call.required_qualifications.order_by("name_fa", "slug"), person=person, day=day
        )
        if qualifications:
            pending = frozenset(qualification_kinds_pending(kinds=qualifications, person=person))
        born = person.date_of_birth
        birthday_ahead = (day.month, day.day) < (born.month, born.day) if born else False
        is_minor = born is not None and day.year - born.year - birthday_ahead < 18
        guardian = (
            call.guardian_consent_required
            and is_minor
            and guardian_consent_on(person=person, day=day) is None
        )
    waiver = (
        bool(call.waiver_version)
        and not WaiverAcceptance.objects.filter(
            person=person, call=call, version=call.waiver_version
        ).exists()
    )
    return SignupRequirementsMissing(
        min_age=call.min_age or None,
        date_of_birth=bool(call.min_age) and person.date_of_birth is None,
        skills=[skill for skill in call.required_skills.order_by("name_fa", "slug") if skill.pk not in held],
        qualifications=qualifications,
        qualifications_pending=pending,
        waiver=waiver,
        guardian_consent=guardian,
    )


def waivers_to_accept(*, person, signups) -> list:
    """The calls of the person's active, not yet ended sign-ups (`signups`, all of theirs, read with
    their shift and call) whose waiver has a version they have not accepted (staff changed the text
    since): shown on "my shifts" to accept, one per call, soonest first. No query unless one has a waiver."""
    now = timezone.now()
    with_waiver = sorted(
        (
            signup
            for signup in signups
            if signup.status in SignUp.ACTIVE_STATUSES
            and signup.shift.ends_at > now
            and signup.shift.call.waiver_version
        ),
        key=lambda signup: signup.shift.starts_at,
    )
    if not with_waiver:
        return []
    accepted = set(
        WaiverAcceptance.objects.filter(
            person=person, call_id__in={signup.shift.call_id for signup in with_waiver}
        ).values_list("call_id", "version")
    )
    calls = {}
    for signup in with_waiver:
        call = signup.shift.call
        if (call.pk, call.waiver_version) not in accepted:
            calls.setdefault(call.pk, call)
    return list(calls.values())


# --- Messages to a shift's people -------------------------------------------------------------------


def shift_message_recipients(*, shift: Shift, audience: str, reservation_id: int | None = None):
    """The people a message to `audience` of the shift reaches: signed up (with a place, in line, or
    either; for a team's message, with a place out of its reservation) and not having turned organisers'
    messages off."""
    if audience == ShiftMessage.Audience.TEAM:
        return (
            get_user_model()
            .objects.filter(
                signups__shift=shift,
                signups__reservation_id=reservation_id,
                signups__status=SignUp.Status.CONFIRMED,
                organiser_messages=True,
                is_active=True,
            )
            .distinct()
        )
    statuses = {
        ShiftMessage.Audience.CONFIRMED: [SignUp.Status.CONFIRMED],
        ShiftMessage.Audience.WAITLISTED: [SignUp.Status.WAITLISTED],
        ShiftMessage.Audience.EVERYONE: list(SignUp.ACTIVE_STATUSES),
    }[audience]
    return (
        get_user_model()
        .objects.filter(
            signups__shift=shift, signups__status__in=statuses, organiser_messages=True, is_active=True
        )
        .distinct()
    )


# --- The listing's schedule rows, checked ----------------------------------------------------------------


def call_schedules_differing(*, now=None) -> list[int]:
    """Calls whose stored CallSchedule (what the listing sorts and filters by) differs from their shifts:
    none when every path that writes shifts kept it true. A row that is only stale by time (past its
    `valid_until`, due for the beat task) is not counted."""
    now = now or timezone.now()
    computed = OpenCallPage.objects.annotate(**_schedule_annotations(now=now, stale=None)).values_list(
        "pk", "next_shift_starts_at", "free_places"
    )
    stored = {row.call_id: row for row in CallSchedule.objects.all()}
    differing = []
    for call_id, next_start, free in computed:
        row = stored.get(call_id)
        if row is not None and row.valid_until is not None and row.valid_until <= now:
            continue  # stale by time alone: refreshed within a minute by beat
        kept = (row.next_shift_starts_at, row.free_places) if row else (None, 0)
        if kept != (next_start, free or 0):
            differing.append(call_id)
    return differing
