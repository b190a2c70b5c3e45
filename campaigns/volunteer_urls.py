"""A volunteer's own pages: signing up and cancelling from the web, and "my shifts"."""

from django.urls import path

from . import volunteer_views

app_name = "volunteer"

urlpatterns = [
    path("shifts/", volunteer_views.my_shifts, name="my_shifts"),
    path("shifts/<int:shift_id>/sign-up/", volunteer_views.signup_create, name="signup_create"),
    path("sign-ups/<int:signup_id>/cancel/", volunteer_views.signup_cancel, name="signup_cancel"),
    path(
        "sign-ups/<int:signup_id>/cancel/confirm/",
        volunteer_views.signup_cancel_confirm,
        name="signup_cancel_confirm",
    ),
]
