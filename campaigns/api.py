from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import PageNumberPagination, paginate

from . import selectors
from .schemas import CallDetailOut, CallFilter, CallOut, CallPageIn, ServiceOut

router = Router(tags=["Services"])


@router.get("/services", response=list[ServiceOut], summary="The catalogue of crowdsourceable services")
def list_services(request: HttpRequest, department: str | None = None):
    """Every active service, in catalogue order; `department` narrows to one department's slug."""
    return selectors.service_list(department_slug=department)


@router.get("/services/{slug}", response=ServiceOut, summary="One service of the catalogue")
def get_service(request: HttpRequest, slug: str):
    return selectors.service_get(slug=slug)


# --- Open calls -----------------------------------------------------------------------------------------


class CallPagination(PageNumberPagination):
    """Numbered pages of 20 calls, up to 100 with `page_size`, as `{"items": [...], "count": N}`.

    A page past the last one is empty rather than an error, and is answered without asking the database
    for rows: a page number however large never turns into an OFFSET the database refuses.
    """

    # Named, not ninja's nested `Input`: the OpenAPI components are keyed by class name, and another
    # paginated endpoint's `Input` would silently replace this one.
    Input = CallPageIn

    def paginate_queryset(self, queryset: QuerySet, pagination: CallPageIn, request: HttpRequest, **params):
        count = self._items_count(queryset)
        offset = (pagination.page - 1) * pagination.page_size
        items = queryset[offset : offset + pagination.page_size] if offset < count else []
        return {self.items_attribute: items, "count": count}


@router.get("/calls", response=list[CallOut], tags=["Open calls"], summary="Open calls, filtered, in pages")
@paginate(CallPagination)
def list_calls(request: HttpRequest, filters: Query[CallFilter]):
    """Published, public calls with the web listing's filters, soonest next shift first; `count` is the
    number of matching calls on all pages."""
    return selectors.call_list(filters=filters.to_call_filters())


@router.get(
    "/calls/{call_id}", response=CallDetailOut, tags=["Open calls"], summary="One open call with its shifts"
)
def get_call(request: HttpRequest, call_id: int):
    """A published, public call; drafts, unpublished and private calls answer 404 `call_not_found`."""
    return selectors.call_get(call_id=call_id)
