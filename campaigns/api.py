from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import PageNumberPagination, paginate

from volunteers.auth import api_auth

from . import selectors, services
from .schemas import CallDetailOut, CallFilter, CallOut, CallPageIn, ServiceOut, SignUpOut, SignUpPageIn

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


# --- Sign-ups -------------------------------------------------------------------------------------------


class SignUpPagination(CallPagination):
    """Numbered pages of 20 sign-ups, up to 100 with `page_size`, as `{"items": [...], "count": N}`."""

    Input = SignUpPageIn


@router.post(
    "/shifts/{shift_id}/signups",
    response={201: SignUpOut},
    auth=api_auth,
    tags=["Sign-ups"],
    summary="Sign up for a shift",
)
def create_signup(request: HttpRequest, shift_id: int):
    """A free place confirms you at once; a full shift puts you at the end of its waiting list, and a place
    that frees up goes to the first in line. 404 `shift_not_found` for a shift of no published call;
    400 `call_closed`, `shift_over` or `signups_closed`; 409 `already_signed_up`."""
    shift = selectors.shift_get_for_signup(shift_id=shift_id)
    return Status(201, services.signup_create(shift=shift, volunteer=request.auth))


@router.delete(
    "/signups/{signup_id}", response=SignUpOut, auth=api_auth, tags=["Sign-ups"], summary="Cancel my sign-up"
)
def cancel_signup(request: HttpRequest, signup_id: int):
    """Frees your place, which goes to the first in line. 404 `signup_not_found` for anyone else's
    sign-up; 409 `signup_already_cancelled`."""
    signup = selectors.signup_get_for_volunteer(signup_id=signup_id, volunteer=request.auth)
    return services.signup_cancel(signup=signup)


@router.get("/me/signups", response=list[SignUpOut], auth=api_auth, tags=["Sign-ups"], summary="My sign-ups")
@paginate(SignUpPagination)
def list_my_signups(request: HttpRequest):
    """All my sign-ups, cancelled ones too: shifts that have not ended first, soonest first; then ended
    shifts, most recent first."""
    return selectors.signup_list_for_volunteer(volunteer=request.auth)
