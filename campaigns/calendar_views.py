"""Calendar files: a person's secret feed of their shifts, and one shift to add to any calendar.

Served outside the language prefix: calendar apps fetch these without cookies or a language, and get the
city's language.
"""

from django.http import Http404, HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from . import reminders
from .errors import ShiftNotFound
from .selectors import shift_get_for_signup


def _base_url(request) -> str:
    """The address this request came to: links in the file point back where the reader got it."""
    return request.build_absolute_uri("/")


def _calendar_response(text: str, *, filename: str) -> HttpResponse:
    response = HttpResponse(text.encode("utf-8"), content_type=reminders.ICAL_CONTENT_TYPE)
    response.headers["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    return response


@require_safe
def volunteer_feed(request, token: str) -> HttpResponse:
    """The feed at the person's secret address; an unknown or reset address does not exist."""
    feed = reminders.calendar_feed_get_by_token(token=token)
    if feed is None:
        raise Http404
    response = _calendar_response(
        reminders.calendar_feed_render(feed=feed, base_url=_base_url(request)), filename="hamyar-shifts.ics"
    )
    # The address is the secret: no shared cache may keep the feed, no search engine may list it.
    add_never_cache_headers(response)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_safe
def shift_event(request, shift_id: int) -> HttpResponse:
    """One shift of a live, public call as a calendar file; other shifts do not exist here."""
    try:
        shift = shift_get_for_signup(shift_id=shift_id)
    except ShiftNotFound:
        raise Http404 from None
    return _calendar_response(
        reminders.shift_calendar_render(shift=shift, base_url=_base_url(request)),
        filename=f"hamyar-shift-{shift.pk}.ics",
    )
