from django.core.cache import cache
from django.db.models import Exists, F, OuterRef, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from campaigns import selectors as campaign_selectors
from campaigns.models import OpenCallPage, Shift
from city.models import Service

HOME_PAGE_CALLS = 6


def _shifts_taking_signups(*, now) -> QuerySet[Shift]:
    """Shifts whose sign-ups are still open: one under way, or whose sign-ups closed, takes nobody more."""
    return Shift.objects.annotate(deadline=Coalesce("signups_close_at", "starts_at")).filter(deadline__gt=now)


def _calls_taking_signups(*, now) -> QuerySet[OpenCallPage]:
    """Live, public calls that staff have not closed and that have a shift still taking sign-ups: the calls
    a reader of the home page could join."""
    shift_ahead = _shifts_taking_signups(now=now).filter(call=OuterRef("pk"))
    return campaign_selectors.call_list(now=now).filter(Exists(shift_ahead), is_closed=False)


def upcoming_calls(*, limit: int = HOME_PAGE_CALLS, now=None) -> list[OpenCallPage]:
    """The calls whose next shift comes soonest, for the home page."""
    now = now or timezone.now()
    return campaign_selectors.calls_with_catalogue(_calls_taking_signups(now=now)[:limit])


def headline_numbers(*, now=None) -> dict[str, int]:
    """The figures the home page leads with. Later capabilities add volunteers and hours.

    Counting every open call and its free places is most of a home page's database time, so the figures
    are kept like the listing's counts: under its versions, which any change of calls, free places or the
    catalogue replaces, for CALL_COUNT_SECONDS at most. With `now` given they are always counted."""
    key = (
        None
        if now
        else campaign_selectors.call_list_response_key(surface="headline numbers", path="", language="")
    )
    if key and (kept := cache.get(key)) is not None:
        return kept
    now = now or timezone.now()
    open_calls = _calls_taking_signups(now=now)
    # Places held for NGO teams are not free for anyone else, as in the listing.
    free_places = _shifts_taking_signups(now=now).filter(call__in=open_calls.values("pk")).aggregate(
        total=Coalesce(Sum(F("capacity") - F("confirmed_count") - F("team_unassigned_count")), 0)
    )["total"]
    numbers = {
        "services": Service.objects.filter(is_active=True).count(),
        "departments": campaign_selectors.department_list_with_services().count(),
        "open_calls": open_calls.count(),
        "free_places": free_places,
    }
    if key:
        cache.set(key, numbers, campaign_selectors.CALL_COUNT_SECONDS)
    return numbers


def catalogue_by_department():
    return campaign_selectors.department_list_with_services()
