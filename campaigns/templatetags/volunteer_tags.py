"""The sign-up cell of a call page's shifts table: what the reader can do on each shift."""

from django import template
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from campaigns.volunteer_views import active_signups_by_shift

register = template.Library()

# Wagtail serves the call page and builds its context in OpenCallPage.get_context, which this feature
# does not change; the tag therefore finds the reader's sign-ups itself. Asking per shift would cost a
# query per row, so the first call on a request loads the person's active sign-ups on every shift of the
# call in one query and keeps them on the request, keyed by call, for the other rows.
_REQUEST_CACHE = "_hamyar_signups_by_call"


def _signups_on_call(request, *, call_id: int) -> dict:
    cache = getattr(request, _REQUEST_CACHE, None)
    if cache is None:
        cache = {}
        setattr(request, _REQUEST_CACHE, cache)
    if call_id not in cache:
        cache[call_id] = active_signups_by_shift(volunteer=request.user, call_id=call_id)
    return cache[call_id]


def signup_state(*, shift, signup, user, is_accepting_signups: bool, now) -> str:
    """Which of the cell's faces to show. Ended shifts show nothing; a person's own place always shows,
    with a way to give it up, even once the call is closed."""
    if shift.has_ended:
        return ""
    if signup is not None:
        return "confirmed" if signup.status == signup.Status.CONFIRMED else "waitlisted"
    if not is_accepting_signups:
        return ""
    if shift.signup_deadline <= now:
        return "signups_closed"
    return "can_sign_up" if user.is_authenticated else "log_in"


@register.inclusion_tag("campaigns/volunteer/shift_signup.html", takes_context=True)
def signup_status_for(context, shift, is_accepting_signups=None):
    """`{% signup_status_for shift %}`: the reader's sign-up button or status for one shift of a call."""
    request = context.get("request")
    user = getattr(request, "user", None) or AnonymousUser()
    if is_accepting_signups is None:
        is_accepting_signups = context.get("is_accepting_signups", False)
    signup = None
    if user.is_authenticated and not shift.has_ended:
        signup = _signups_on_call(request, call_id=shift.call_id).get(shift.pk)
        if signup is not None:
            signup.shift = shift  # already read: whether it can still be cancelled asks no query
    return {
        "shift": shift,
        "signup": signup,
        "state": signup_state(
            shift=shift,
            signup=signup,
            user=user,
            is_accepting_signups=is_accepting_signups,
            now=timezone.now(),
        ),
        "next_url": request.get_full_path() if request else shift.call.url,
        "call": _call_of(context, shift),
    }


def _call_of(context, shift):
    """The shift's call: the page being shown when it is that call (no query per shift), else read."""
    page = context.get("page")
    if getattr(page, "pk", None) == shift.call_id and hasattr(page, "max_guests"):
        return page
    return shift.call


@register.filter
def split_by_ended(shifts) -> dict:
    """`{% with split=shifts|split_by_ended %}`: the shifts still to come (in order) and the ended ones, so
    the page can put what a reader can still sign up for first and fold away the past."""
    upcoming, past = [], []
    for shift in shifts:
        (past if shift.has_ended else upcoming).append(shift)
    return {"upcoming": upcoming, "past": past}


@register.simple_tag(takes_context=True)
def reader_sees_contact_phone(context, call) -> bool:
    """`{% reader_sees_contact_phone page as shown %}`: the call's contact phone is for the people signed
    up for it (and its staff), who may need to call on the day, not for every visitor."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return bool(_signups_on_call(request, call_id=call.pk))
