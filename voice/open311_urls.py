"""Open311 GeoReport v2, JSON only (the `.json` format suffix is required, as the specification shows)."""

from django.urls import path

from . import open311

app_name = "open311"

urlpatterns = [
    path("services.json", open311.service_list, name="services"),
    path("services/<str:service_code>.json", open311.service_definition, name="service"),
    path("requests.json", open311.requests_view, name="requests"),
    path("requests/<str:request_id>.json", open311.request_detail, name="request"),
]
