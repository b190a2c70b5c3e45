"""NGO pages, under /account/ngo/ (namespace `volunteers:ngo`)."""

from django.urls import path

from . import views

app_name = "ngo"

urlpatterns = [
    path("", views.my_ngos, name="my_ngos"),
    path("register/", views.register, name="register"),
    path("join/", views.join, name="join"),
    path("join/<str:code>/", views.join_code, name="join_code"),
    path("<int:organisation_id>/", views.dashboard, name="dashboard"),
    path("<int:organisation_id>/resubmit/", views.resubmit, name="resubmit"),
    path("<int:organisation_id>/members/<int:membership_id>/role/", views.member_role, name="member_role"),
    path(
        "<int:organisation_id>/members/<int:membership_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path("<int:organisation_id>/teams/new/", views.team_create, name="team_create"),
    path("<int:organisation_id>/teams/<int:team_id>/", views.team_detail, name="team"),
    path("<int:organisation_id>/teams/<int:team_id>/delete/", views.team_delete, name="team_delete"),
    path(
        "<int:organisation_id>/teams/<int:team_id>/members/add/",
        views.team_member_add,
        name="team_member_add",
    ),
    path(
        "<int:organisation_id>/teams/<int:team_id>/members/<int:user_id>/remove/",
        views.team_member_remove,
        name="team_member_remove",
    ),
    path("<int:organisation_id>/invitations/new/", views.invitation_create, name="invitation_create"),
    path(
        "<int:organisation_id>/invitations/<int:invitation_id>/",
        views.invitation_detail,
        name="invitation",
    ),
    path(
        "<int:organisation_id>/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
]
