"""A volunteer's own pages (signing up and cancelling from the web, "my shifts") and an NGO manager's
pages for their teams' places."""

from django.urls import path

from . import volunteer_views

app_name = "volunteer"

urlpatterns = [
    path("shifts/", volunteer_views.my_shifts, name="my_shifts"),
    path("saved-searches/", volunteer_views.saved_searches, name="saved_searches"),
    path("shifts/calendar/reset/", volunteer_views.calendar_feed_reset, name="calendar_feed_reset"),
    path("shifts/<int:shift_id>/sign-up/", volunteer_views.signup_create, name="signup_create"),
    path(
        "shifts/<int:shift_id>/sign-up/requirements/",
        volunteer_views.signup_requirements,
        name="signup_requirements",
    ),
    path("sign-up-requests/<int:request_id>/", volunteer_views.signup_request, name="signup_request"),
    path("calls/<int:call_id>/waiver/accept/", volunteer_views.waiver_accept, name="waiver_accept"),
    path("sign-ups/<int:signup_id>/cancel/", volunteer_views.signup_cancel, name="signup_cancel"),
    path(
        "sign-ups/<int:signup_id>/cancel/confirm/",
        volunteer_views.signup_cancel_confirm,
        name="signup_cancel_confirm",
    ),
    path("team-places/", volunteer_views.team_places, name="team_places"),
    path("team-places/reserve/", volunteer_views.team_reserve, name="team_reserve"),
    path("team-places/<int:reservation_id>/", volunteer_views.team_reservation, name="team_reservation"),
    path(
        "team-places/<int:reservation_id>/assign/",
        volunteer_views.team_reservation_assign,
        name="team_reservation_assign",
    ),
    path(
        "team-places/<int:reservation_id>/unassign/<int:user_id>/",
        volunteer_views.team_reservation_unassign,
        name="team_reservation_unassign",
    ),
    path(
        "team-places/<int:reservation_id>/message/",
        volunteer_views.team_reservation_message,
        name="team_reservation_message",
    ),
    path(
        "team-places/<int:reservation_id>/places/",
        volunteer_views.team_reservation_places,
        name="team_reservation_places",
    ),
    path(
        "team-places/shifts/<int:shift_id>/roster.csv",
        volunteer_views.team_roster_csv,
        name="team_roster_csv",
    ),
]
