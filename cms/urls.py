"""The site's own pages under /account/: figures that combine several apps (the paths predate the move)."""

from django.urls import path

from . import dashboard_views

app_name = "dashboards"

urlpatterns = [
    path("dashboard/", dashboard_views.volunteer_dashboard, name="volunteer"),
    path("ngo/<int:organisation_id>/figures/", dashboard_views.ngo_figures, name="ngo_figures"),
]
