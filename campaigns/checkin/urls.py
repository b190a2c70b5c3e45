"""Check-in pages, mounted at /checkin/: the address in the QR code and the site lead's pages."""

from django.urls import path

from . import views as checkin_views

app_name = "checkin"

urlpatterns = [
    path("shifts/", checkin_views.shift_list, name="shift_list"),
    path("shifts/<int:shift_id>/qr/", checkin_views.qr, name="qr"),
    path("shifts/<int:shift_id>/roster/", checkin_views.roster, name="roster"),
    path("shifts/<int:shift_id>/walk-in/", checkin_views.walk_in, name="walk_in"),
    path("sign-ups/<int:signup_id>/check-in/", checkin_views.signup_check_in, name="signup_check_in"),
    path("sign-ups/<int:signup_id>/check-out/", checkin_views.signup_check_out, name="signup_check_out"),
    path("sign-ups/<int:signup_id>/", checkin_views.result, name="result"),
    # Last: a token never contains a slash, so it cannot shadow the addresses above.
    path("<str:token>/", checkin_views.scan, name="scan"),
]
