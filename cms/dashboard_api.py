"""GET /me/dashboard: the figures of the volunteer's dashboard page, for apps that draw their own charts."""

from django.http import HttpRequest
from ninja import Router

from volunteers.auth import api_auth

from .dashboard_schemas import DashboardOut
from .dashboard_selectors import volunteer_dashboard

router = Router(tags=["Account"], auth=api_auth)


@router.get(
    "/me/dashboard",
    response=DashboardOut,
    summary="My figures: verified hours per month, points by service, totals",
)
def get_my_dashboard(request: HttpRequest):
    page = volunteer_dashboard(user=request.auth)
    return {
        "verified_hours": page.verified_hours,
        "verified_shifts": page.verified_shifts,
        "points_balance": page.points_balance,
        "points_lifetime": page.points_lifetime,
        "hours_by_month": [
            {"month": datum.key, "label": datum.label, "hours": datum.value} for datum in page.hours_by_month
        ],
        "points_by_service": [
            {"service_id": int(datum.key), "service": datum.label, "points": datum.value}
            for datum in page.points_by_service
        ],
    }
