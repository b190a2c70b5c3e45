from django.urls import path

from . import views

app_name = "achievements"

urlpatterns = [
    path("", views.leaderboards, name="leaderboards"),
    path("me/", views.my_achievements, name="me"),
]
