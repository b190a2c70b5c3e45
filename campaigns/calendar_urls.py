"""Calendar (.ics) feeds: a secret feed per volunteer and a download per shift."""

from django.urls import path, re_path

from . import calendar_views

app_name = "calendar"

urlpatterns = [
    path("shifts/<int:shift_id>.ics", calendar_views.shift_event, name="shift"),
    # Tokens come from secrets.token_urlsafe; anything else cannot be one and is not looked up.
    re_path(r"^(?P<token>[A-Za-z0-9_-]{32,64})\.ics$", calendar_views.volunteer_feed, name="feed"),
]
