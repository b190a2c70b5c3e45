import json

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema, Status
from ninja.decorators import decorate_view
from ninja.pagination import paginate
from ninja.responses import NinjaJSONEncoder

from city.models import Department, District, Service
from core.cache import kept_part
from core.cached_answers import cached_answer
from core.db_routing import replica_reads
from core.pagination import PageNumberPagination
from volunteers.auth import api_auth

from . import reminders, saved_searches, selectors, services, signup_line
from .models import SignUpRequest
from .schemas import (
    AssignmentIn,
    AssignmentOut,
    AssignmentResultOut,
    AssignmentsIn,
    CalendarFeedOut,
    CallDetailOut,
    CallFilter,
    CallOut,
    CallPageIn,
    ReservationIn,
    ReservationOut,
    ReservationPatchIn,
    SavedSearchIn,
    SavedSearchOut,
    ServiceOut,
    SignUpIn,
    SignUpOut,
    SignUpPageIn,
    SignUpRequestOut,
    StaffCancelIn,
    StaffSignUpOut,
    TeamMessageIn,
    TeamMessageOut,
    WaiverAcceptanceOut,
    WaiverAcceptIn,
)

public_router = Router(tags=["Services"])
router = Router(tags=["Services"], auth=api_auth)


@public_router.get(
    "/services", response=list[ServiceOut], summary="The catalogue of crowdsourceable services"
)
def list_services(request: HttpRequest, department: str | None = None):
    """Every active service, in catalogue order; `department` narrows to one department's slug."""
    return selectors.service_list(department_slug=department)


@public_router.get("/services/{slug}", response=ServiceOut, summary="One service of the catalogue")
def get_service(request: HttpRequest, slug: str):
    return selectors.service_get(slug=slug)


# --- Open calls -----------------------------------------------------------------------------------------


class CallPagination(PageNumberPagination):
    """Numbered pages of 20 calls, up to 100 with `page_size`, as `{"items": [...], "count": N}`.

    A page past the last one is empty rather than an error, and is answered without asking the database
    for rows; a page number above `core.pagination.PAGE_MAX` answers 422 like on every paginated endpoint.
    """

    # Named, not ninja's nested `Input`: the OpenAPI components are keyed by class name, and another
    # paginated endpoint's `Input` would silently replace this one.
    Input = CallPageIn

    def paginate_queryset(self, queryset: QuerySet, pagination: CallPageIn, request: HttpRequest, **params):
        count = self.items_count(queryset, **params)
        offset = (pagination.page - 1) * pagination.page_size
        items = queryset[offset : offset + pagination.page_size] if offset < count else []
        return {self.items_attribute: items, "count": count}

    def items_count(self, queryset: QuerySet, **params) -> int:
        return self._items_count(queryset)


# A page of open calls as CallPagination answers, named (and documented) as ninja names its pages.
class PagedCallOut(Schema):
    items: list[CallOut]
    count: int


@public_router.get(
    "/calls", response=PagedCallOut, tags=["Open calls"], summary="Open calls, filtered, in pages"
)
@decorate_view(
    replica_reads,
    # Kept until the calls change or the free places of a call it lists (selectors.listing_answer_key).
    cached_answer(
        selectors.listing_answer_key, selectors.CALL_COUNT_SECONDS, selectors.LISTING_ANSWER_FRESHNESS
    ),
)
def list_calls(request: HttpRequest, filters: Query[CallFilter], pagination: Query[CallPageIn]):
    """Published, public calls with the web listing's filters, soonest next shift first; `count` is the
    number of matching calls on all pages."""
    call_filters = filters.to_call_filters()
    count = selectors.call_list_count(filters=call_filters)  # cached per filter set
    offset = (pagination.page - 1) * pagination.page_size
    calls = (
        selectors.call_list_page(filters=call_filters, offset=offset, limit=pagination.page_size)
        if offset < count
        else []
    )
    return _listed_calls_answer(request, calls=calls, count=count)


def _listed_calls_answer(request: HttpRequest, *, calls: list, count: int) -> HttpResponse:
    """PagedCallOut's JSON, as ninja would answer it, with each call's part kept in this process (as the web
    listing keeps its cards): validating a call's ~20 fields through ninja took ~40% of a computed page.
    A part is kept under the calls' version, the language (of its title and names), the scheme and host (of
    its address), and the figures that change without a new version (next shift, free places, closure)."""
    version = selectors.calls_version()
    language, site = translation.get_language(), f"{request.scheme}://{request.get_host()}"

    def call_json(call) -> str:
        return json.dumps(
            CallOut.model_validate(call, context={"request": request}).model_dump(), cls=NinjaJSONEncoder
        )

    items = [
        call_json(call)
        if version is None
        else kept_part(
            (version, language, site, "api-call", call.pk, call.next_shift_starts_at, call.free_places,
             call.is_closed),
            lambda call=call: call_json(call),
            in_process=True,
        )  # fmt: skip
        for call in calls
    ]
    # json.dumps' own separators, so the answer is byte for byte what ninja renders.
    body = '{"items": [' + ", ".join(items) + '], "count": ' + json.dumps(count) + "}"
    return HttpResponse(body, content_type="application/json; charset=utf-8")


@public_router.get(
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
    response={201: SignUpOut, 202: SignUpRequestOut},
    tags=["Sign-ups"],
    summary="Sign up for a shift",
)
def create_signup(request: HttpRequest, response: HttpResponse, shift_id: int, params: Query[SignUpIn]):
    """A free place confirms you at once; a full shift puts you at the end of its waiting list, and a place
    that frees up goes to the first in line. A call with a waiver needs `?accept_waiver_version=` (a query
    parameter, so the request still needs no body). 404 `shift_not_found` for a shift of no published call;
    400 `call_closed`, `shift_over`, `signups_closed`, `call_teams_only`, `date_of_birth_missing`,
    `too_young`, `skills_missing`, `qualifications_missing`, `guardian_consent_missing`,
    `waiver_not_accepted`, `waiver_version_stale` or `guests_invalid`; 409 `already_signed_up` or
    `overlapping_signup`.

    While many sign up for the shift at once (a popular call opening), the answer is 202 at once instead:
    you are in the shift's sign-up queue, with your position in it, and queued sign-ups are decided in the
    order they came, by the same rules and with the same codes. Read the outcome at the `Location` given
    (after `Retry-After` seconds); asking again while you wait gives the same entry.

    When more sign up across the site than the web servers can answer, the proxy in front of them answers
    some at once with 429 `signups_busy` and `Retry-After`: nothing was recorded, send the same request again
    after that many seconds."""
    outcome = signup_line.signup_or_queue(
        shift_id=shift_id,
        person=request.auth,
        accept_waiver_version=params.accept_waiver_version,
        channel="api",
        guest_names=params.guest,
    )
    if isinstance(outcome, SignUpRequest):
        return _signup_request_answer(response, outcome, status=202)
    return Status(201, outcome)


def _signup_request_answer(response: HttpResponse, entry: SignUpRequest, *, status: int = 200):
    response["Location"] = reverse("api-v1:get_signup_request", kwargs={"request_id": entry.pk})
    if (seconds := signup_line.retry_after_seconds(entry)) is not None:
        response["Retry-After"] = str(seconds)
    return Status(status, entry)


@router.get(
    "/me/signup-requests/{request_id}",
    response=SignUpRequestOut,
    tags=["Sign-ups"],
    summary="A queued sign-up",
    url_name="get_signup_request",
)
def get_signup_request(request: HttpRequest, response: HttpResponse, request_id: int):
    """Your sign-up in a shift's sign-up queue and, once decided, its outcome (see `POST
    /shifts/{shift_id}/signups`). While it waits the answer has `Retry-After`. 404 `signup_request_not_found`
    for anyone else's."""
    entry = signup_line.signup_request_get_for_person(request_id=request_id, person=request.auth)
    return _signup_request_answer(response, entry)


@router.post(
    "/calls/{call_id}/waiver-acceptances",
    response={201: WaiverAcceptanceOut},
    tags=["Sign-ups"],
    summary="Accept a call's current waiver",
)
def accept_waiver(request: HttpRequest, call_id: int, payload: WaiverAcceptIn):
    """For someone signed up when staff changed the waiver (and its version). 404 `call_not_found`; 400
    `waiver_version_stale` or `waiver_none`. Accepting twice keeps the first record."""
    call = selectors.call_get(call_id=call_id)
    return Status(
        201, services.waiver_accept(call=call, person=request.auth, version=payload.version, channel="api")
    )


@router.delete("/signups/{signup_id}", response=SignUpOut, tags=["Sign-ups"], summary="Cancel my sign-up")
def cancel_signup(request: HttpRequest, signup_id: int):
    """Frees your place, which goes to the first in line. 404 `signup_not_found` for anyone else's
    sign-up; 409 `signup_already_cancelled`."""
    signup = selectors.signup_get_for_volunteer(signup_id=signup_id, volunteer=request.auth)
    return services.signup_cancel(signup=signup)


@router.get("/me/signups", response=list[SignUpOut], tags=["Sign-ups"], summary="My sign-ups")
@paginate(SignUpPagination)
def list_my_signups(request: HttpRequest):
    """All my sign-ups, cancelled ones too: shifts that have not ended first, soonest first; then ended
    shifts, most recent first."""
    return selectors.signup_list_for_volunteer(volunteer=request.auth)


def _calendar_feed_out(request: HttpRequest, feed) -> dict:
    base_url = request.build_absolute_uri("/")
    return {
        "url": reminders.calendar_feed_url(feed=feed, base_url=base_url),
        "subscribe_url": reminders.calendar_subscribe_url(feed=feed, base_url=base_url),
    }


@router.get(
    "/me/saved-searches", response=list[SavedSearchOut], tags=["Saved searches"], summary="My saved searches"
)
def list_saved_searches(request: HttpRequest):
    return request.auth.saved_searches.select_related("department", "service", "district")


@router.post(
    "/me/saved-searches",
    response={201: SavedSearchOut},
    tags=["Saved searches"],
    summary="Hear of new calls of a department, service or district",
)
def create_saved_search(request: HttpRequest, payload: SavedSearchIn):
    """At least one of `department`, `service`, `district`; at most ten searches, and three notices a day.
    400 `saved_search_empty` or an unknown slug or number; 409 `saved_search_limit`."""
    department = service = district = None
    try:
        if payload.department:
            department = Department.objects.get(slug=payload.department)
        if payload.service:
            service = Service.objects.get(slug=payload.service)
        if payload.district is not None:
            district = District.objects.get(number=payload.district)
    except (Department.DoesNotExist, Service.DoesNotExist, District.DoesNotExist):
        raise saved_searches.SavedSearchRefused(
            "saved_search_unknown", _("There is no such department, service or district.")
        ) from None
    found = saved_searches.saved_search_create(
        person=request.auth, department=department, service=service, district=district
    )
    return Status(201, found)


@router.delete(
    "/me/saved-searches/{search_id}",
    response={204: None},
    tags=["Saved searches"],
    summary="Delete a saved search",
)
def delete_saved_search(request: HttpRequest, search_id: int):
    saved_searches.saved_search_get(person=request.auth, search_id=search_id).delete()
    return Status(204, None)


@router.get("/me/calendar", response=CalendarFeedOut, tags=["Sign-ups"], summary="My calendar feed's address")
def get_my_calendar_feed(request: HttpRequest):
    """The private address of a calendar (.ics) of my confirmed shifts, made the first time it is asked
    for. Anyone with the address sees my shifts; `POST /me/calendar/reset` replaces it."""
    return _calendar_feed_out(request, reminders.calendar_feed_get_or_create(user=request.auth))


@router.post(
    "/me/calendar/reset",
    response=CalendarFeedOut,
    tags=["Sign-ups"],
    summary="Give my calendar a new address",
)
def reset_my_calendar_feed(request: HttpRequest):
    """A new private address for my calendar feed; the old one stops working at once."""
    return _calendar_feed_out(request, reminders.calendar_feed_reset(user=request.auth))


@router.post(
    "/signups/{signup_id}/staff-cancel",
    response=StaffSignUpOut,
    tags=["Sign-ups"],
    summary="Cancel someone's sign-up (department staff)",
)
def staff_cancel_signup(request: HttpRequest, signup_id: int, payload: StaffCancelIn):
    """Staff of the call's department take a person off a shift; the person is told the reason and the
    freed place goes to the first in line, who is told too. 403 `not_department_staff`; 400
    `reason_required` or `shift_over`; 409 `signup_already_cancelled`."""
    signup = selectors.signup_get_for_staff(signup_id=signup_id, user=request.auth)
    return services.signup_staff_cancel(signup=signup, actor=request.auth, reason=payload.reason)


# --- Team reservations ----------------------------------------------------------------------------------


@router.post(
    "/shifts/{shift_id}/reservations",
    response={201: ReservationOut},
    tags=["Team reservations"],
    summary="Reserve places on a shift for my team",
)
def create_reservation(request: HttpRequest, shift_id: int, payload: ReservationIn):
    """Managers and owners of a verified NGO hold places for a team and assign members to them later;
    places still unassigned TEAM_PLACES_RELEASE_HOURS (24) before the shift go back to the public.
    404 `shift_not_found` or `team_not_found`; 403 `ngo_not_verified`; 400 `call_individuals_only`,
    `team_places_full`, `not_enough_places`, `team_reservations_closed`, `call_closed`, `shift_over` or
    `signups_closed`; 409 `reservation_exists`."""
    shift = selectors.shift_get_for_signup(shift_id=shift_id)
    team = selectors.team_get_for_manager(team_id=payload.team_id, user=request.auth)
    reservation = services.team_reservation_create(
        shift=shift, team=team, places=payload.places, actor=request.auth
    )
    return Status(
        201, selectors.team_reservation_get_for_manager(reservation_id=reservation.pk, user=request.auth)
    )


@router.get(
    "/me/reservations",
    response=list[ReservationOut],
    tags=["Team reservations"],
    summary="My teams' reservations",
)
@paginate(SignUpPagination)
def list_my_reservations(request: HttpRequest):
    """Reservations of every team of the NGOs I manage: shifts that have not ended first, soonest first."""
    return selectors.team_reservation_list_for_manager(user=request.auth)


@router.patch(
    "/reservations/{reservation_id}",
    response=ReservationOut,
    tags=["Team reservations"],
    summary="Change how many places my team holds",
)
def resize_reservation(request: HttpRequest, reservation_id: int, payload: ReservationPatchIn):
    """Fewer places gives the difference to the waiting list at once; more places follow the rules of a
    new reservation. 400 `places_below_assigned`, `reservation_released` or `shift_started`."""
    reservation = selectors.team_reservation_get_for_manager(reservation_id=reservation_id, user=request.auth)
    services.team_reservation_resize(reservation=reservation, places=payload.places, actor=request.auth)
    return selectors.team_reservation_get_for_manager(reservation_id=reservation_id, user=request.auth)


@router.post(
    "/reservations/{reservation_id}/assignments",
    response={201: AssignmentOut},
    tags=["Team reservations"],
    summary="Give a reserved place to a team member",
)
def create_assignment(request: HttpRequest, reservation_id: int, payload: AssignmentIn):
    """Makes a confirmed sign-up for the member under the personal rules of signing up. 400
    `not_a_team_member`, `no_unassigned_places`, `date_of_birth_missing`, `too_young` or `skills_missing`;
    409 `already_signed_up` or `overlapping_signup`."""
    reservation = selectors.team_reservation_get_for_manager(reservation_id=reservation_id, user=request.auth)
    member = selectors.team_member_get(team=reservation.team, user_id=payload.user_id)
    signup = services.team_reservation_assign(
        reservation=reservation, member=member, actor=request.auth
    )
    return Status(201, signup)


@router.post(
    "/reservations/{reservation_id}/assignments/bulk",
    response=list[AssignmentResultOut],
    tags=["Team reservations"],
    summary="Give reserved places to several team members at once",
)
def create_assignments(request: HttpRequest, reservation_id: int, payload: AssignmentsIn):
    """Each member in turn, under the rules of one assignment; a refusal (`not_a_team_member`,
    `no_unassigned_places`, `too_young`, `overlapping_signup`…) is reported beside the others, who keep
    their places. Never more members than the reservation's unassigned places get one."""
    reservation = selectors.team_reservation_get_for_manager(reservation_id=reservation_id, user=request.auth)
    return services.team_reservation_assign_many(
        reservation=reservation, member_ids=payload.user_ids, actor=request.auth
    )


@router.post(
    "/reservations/{reservation_id}/messages",
    response={201: TeamMessageOut},
    tags=["Team reservations"],
    summary="Message the team members with the reservation's places",
)
def create_team_message(request: HttpRequest, reservation_id: int, payload: TeamMessageIn):
    """By e-mail and SMS, each member once, in their language; members who turned organisers' messages off
    are skipped. 400 `message_invalid` or `message_nobody`; 429 after five messages to the team in a day."""
    reservation = selectors.team_reservation_get_for_manager(reservation_id=reservation_id, user=request.auth)
    message = services.team_message_send(
        reservation=reservation, actor=request.auth, text=payload.text, text_en=payload.text_en
    )
    return Status(201, message)


@router.delete(
    "/reservations/{reservation_id}/assignments/{user_id}",
    response=ReservationOut,
    tags=["Team reservations"],
    summary="Take a team member off their reserved place",
)
def delete_assignment(request: HttpRequest, reservation_id: int, user_id: int):
    """The place goes back to the team (or, once unassigned places were released, to the first in line).
    404 `assignment_not_found`; 400 `shift_started`."""
    reservation = selectors.team_reservation_get_for_manager(reservation_id=reservation_id, user=request.auth)
    services.team_reservation_unassign(reservation=reservation, member_id=user_id, actor=request.auth)
    return selectors.team_reservation_get_for_manager(reservation_id=reservation_id, user=request.auth)


@router.get(
    "/shifts/{shift_id}/roster.csv",
    tags=["Team reservations"],
    summary="The shift's roster as CSV",
    openapi_extra={"responses": {200: {"description": "CSV (UTF-8 with BOM)", "content": {"text/csv": {}}}}},
)
def shift_roster_csv(request: HttpRequest, shift_id: int):
    """Name, mobile number, team, status and check-in/out times. Staff of the call's department get
    everyone; an NGO manager gets the people on their own teams' places. 403 `roster_forbidden`."""
    shift = selectors.shift_get_for_roster(shift_id=shift_id)
    signups = selectors.shift_roster(shift=shift, viewer=request.auth)
    return roster_csv_response(shift=shift, signups=signups)


def roster_csv_response(*, shift, signups) -> HttpResponse:
    """A CSV download of the roster; the web pages for managers and staff answer with it too."""
    response = HttpResponse(
        selectors.shift_roster_csv(signups=signups), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{selectors.shift_roster_filename(shift)}"'
    return response
