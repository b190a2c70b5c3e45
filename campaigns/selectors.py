from django.db.models import Count, Prefetch, Q, QuerySet

from .errors import ServiceNotFound
from .models import DelphiRound, Department, Service


def service_list(*, department_slug: str | None = None, include_inactive: bool = False) -> QuerySet[Service]:
    """Services of the catalogue in catalogue order, with their department and Delphi rounds loaded."""
    services = Service.objects.select_related("department").prefetch_related(
        Prefetch("delphi_rounds", queryset=DelphiRound.objects.order_by("round_number"))
    )
    if not include_inactive:
        services = services.filter(is_active=True)
    if department_slug:
        services = services.filter(department__slug=department_slug)
    return services


def service_get(*, slug: str) -> Service:
    try:
        return service_list().get(slug=slug)
    except Service.DoesNotExist:
        raise ServiceNotFound(slug) from None


def department_list_with_services() -> QuerySet[Department]:
    """Departments that have active services, each with its active services, for catalogue pages."""
    active_services = Q(services__is_active=True)
    return (
        Department.objects.annotate(active_service_count=Count("services", filter=active_services))
        .filter(active_service_count__gt=0)
        .prefetch_related(Prefetch("services", queryset=service_list(), to_attr="active_services"))
    )
