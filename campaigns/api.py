from django.http import HttpRequest
from ninja import Router

from . import selectors
from .schemas import ServiceOut

router = Router(tags=["Services"])


@router.get("/services", response=list[ServiceOut], summary="The catalogue of crowdsourceable services")
def list_services(request: HttpRequest, department: str | None = None):
    """Every active service, in catalogue order; `department` narrows to one department's slug."""
    return selectors.service_list(department_slug=department)


@router.get("/services/{slug}", response=ServiceOut, summary="One service of the catalogue")
def get_service(request: HttpRequest, slug: str):
    return selectors.service_get(slug=slug)
