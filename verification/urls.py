"""Completion reports, from the volunteer's and the NGO manager's side (mounted at /completions/)."""

from django.urls import path

from . import views

app_name = "verification"

urlpatterns = [
    path("", views.my_completions, name="mine"),
    path("signups/<int:signup_id>/report/", views.report, name="report"),
    path("<int:completion_id>/", views.detail, name="detail"),
    path("<int:completion_id>/photos-public/", views.photos_public, name="photos_public"),
    path("photos/<int:photo_id>/", views.photo, name="photo"),
]
