import datetime
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
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
from django.utils import timezone

from .errors import CallNotFound, ServiceNotFound, ShiftNotFound, SignUpNotFound
from .models import CallClosure, DelphiRound, Department, OpenCallPage, Service, Shift, SignUp


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

MAX_SEARCH_MATCHES = 2000


def _public_calls(*, now) -> QuerySet[OpenCallPage]:
    """Calls anyone may see: live, public (no view restriction), not past their expiry. An alias is a second
    place for the same call, and an expired call waits only for beat to unpublish it: neither counts."""
    return OpenCallPage.objects.live().public().filter(alias_of__isnull=True).exclude(expire_at__lte=now)


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


def call_list(*, filters: CallFilters = CallFilters(), now=None) -> QuerySet[OpenCallPage]:
    """Live, public calls that match the filters, soonest next shift first (calls with no shift ahead
    come last), each annotated with `next_shift_starts_at` and `free_places` over its upcoming shifts."""
    now = now or timezone.now()
    upcoming = Shift.objects.filter(call=OuterRef("pk"), ends_at__gt=now)
    calls = (
        _public_calls(now=now)
        .select_related("service__department", "district")
        .annotate(
            next_shift_starts_at=Subquery(upcoming.order_by("starts_at").values("starts_at")[:1]),
            free_places=Coalesce(
                Subquery(
                    upcoming.values("call")
                    .annotate(total=Sum(F("capacity") - F("confirmed_count")))
                    .values("total")[:1]
                ),
                0,
            ),
            is_closed=Exists(CallClosure.objects.filter(call=OuterRef("pk"))),
        )
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
        calls = calls.filter(Exists(upcoming.filter(confirmed_count__lt=F("capacity"))), is_closed=False)
    if filters.open_to_teams:
        calls = calls.filter(open_to_teams=True)
    if filters.age is not None:
        calls = calls.filter(min_age__lte=filters.age)
    if filters.text.strip():
        matching_ids = [
            page.pk for page in OpenCallPage.objects.live().search(filters.text.strip())[:MAX_SEARCH_MATCHES]
        ]
        calls = calls.filter(pk__in=matching_ids)
    return calls.order_by(F("next_shift_starts_at").asc(nulls_last=True), "-first_published_at", "pk")


def call_get(*, call_id: int) -> OpenCallPage:
    """A live, public call by id; drafts and private calls do not exist for the public."""
    try:
        return call_list().get(pk=call_id)
    except OpenCallPage.DoesNotExist:
        raise CallNotFound(call_id) from None


def shift_list_for_call(*, call: OpenCallPage) -> QuerySet[Shift]:
    return Shift.objects.filter(call=call).order_by("starts_at", "pk")


def call_is_accepting_signups(*, call: OpenCallPage) -> bool:
    """Open for new sign-ups: live, not closed by staff."""
    return call.live and not CallClosure.objects.filter(call=call).exists()


def call_map_points(*, calls) -> list[dict]:
    """What the map needs of each call on the current page of results: position, title and link."""
    return [
        {
            "id": call.pk,
            "title": call.localized_title,
            "url": call.url,
            "lat": float(call.latitude),
            "lng": float(call.longitude),
            "service": call.service.short_name,
        }
        for call in calls
        if call.latitude is not None and call.longitude is not None
    ]


# --- Sign-ups -------------------------------------------------------------------------------------------


def shift_get_for_signup(*, shift_id: int) -> Shift:
    """A shift of a call the public can see: live, public, not expired. Others do not exist for sign-ups."""
    try:
        return Shift.objects.get(pk=shift_id, call__in=_public_calls(now=timezone.now()))
    except Shift.DoesNotExist:
        raise ShiftNotFound(shift_id) from None


def signup_get_for_volunteer(*, signup_id: int, volunteer) -> SignUp:
    """One of the person's own sign-ups; another person's does not exist for them."""
    try:
        return SignUp.objects.select_related("shift__call").get(pk=signup_id, volunteer=volunteer)
    except SignUp.DoesNotExist:
        raise SignUpNotFound(signup_id) from None


def signup_list_for_volunteer(*, volunteer) -> QuerySet[SignUp]:
    """The person's sign-ups in every status: shifts that have not ended first, soonest first; then ended
    shifts, most recent first."""
    now = timezone.now()
    return (
        SignUp.objects.filter(volunteer=volunteer)
        .select_related("shift__call")
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
