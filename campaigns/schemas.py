import datetime
import re
from decimal import Decimal
from enum import StrEnum

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema
from pydantic import ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from city.models import DelphiRound, Department, Service
from core.absolute_urls import page_absolute_url
from core.localization import ascii_digits
from core.pagination import PAGE_MAX

from . import selectors, signup_line
from .models import OpenCallPage, Shift, SignUp, SignUpRequest
from .selectors import CallFilters

# Named for the API: the model's enum is called "Status" like the voucher's, and OpenAPI components are
# keyed by name, so one would silently document the other's values.
SignUpStatus = StrEnum("SignUpStatus", {status.name: status.value for status in SignUp.Status})
SignUpRequestState = StrEnum(
    "SignUpRequestState", {state.name: state.value for state in SignUpRequest.State}
)
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# A date parameter of the listing may be blank ("any"), as a web form sends it; the document says so.
BLANK_OR_DATE = [{"type": "string", "format": "date"}, {"const": ""}, {"type": "null"}]

class DepartmentOut(Schema):
    slug: str
    name: str
    name_fa: str
    name_en: str
    panel_size: int | None
    kendall_w_round_2: Decimal | None
    kendall_w_round_3: Decimal | None

    @staticmethod
    def resolve_name(department: Department) -> str:
        return department.name


class DelphiRoundOut(Schema):
    round: int
    mean: Decimal
    standard_deviation: Decimal

    @staticmethod
    def resolve_round(delphi_round: DelphiRound) -> int:
        return delphi_round.round_number


class ServiceOut(Schema):
    slug: str
    study_number: int | None
    name: str
    short_name: str
    name_fa: str
    name_en: str
    short_name_fa: str
    short_name_en: str
    description: str
    department: DepartmentOut
    delphi_rounds: list[DelphiRoundOut]
    url: str

    @staticmethod
    def resolve_url(service: Service, context) -> str:
        return context["request"].build_absolute_uri(service.get_absolute_url())

    @staticmethod
    def resolve_delphi_rounds(service: Service) -> list[DelphiRound]:
        return list(service.delphi_rounds.all())


# --- Open calls -----------------------------------------------------------------------------------------


class CallFilter(Schema):
    """The filters of the web listing of open calls, as query parameters; all optional, they combine.

    Blank parameters mean "any", as an HTML form sends them, and Persian digits are read like ASCII ones.
    """

    department: str | None = Field(
        None, max_length=64, description="A department's slug, e.g. `urban_services`."
    )
    service: str | None = Field(None, max_length=80, description="A service's slug, e.g. `tourist-tours`.")
    district: int | None = Field(None, ge=1, le=1000, description="A municipal district's number.")
    date_from: datetime.date | None = Field(
        None,
        description="Calls with a shift that starts on or after this day (ISO 8601, Tehran time).",
        json_schema_extra={"anyOf": BLANK_OR_DATE},
    )
    date_to: datetime.date | None = Field(
        None,
        description="Calls with a shift that starts on or before this day (ISO 8601, Tehran time).",
        json_schema_extra={"anyOf": BLANK_OR_DATE},
    )
    has_free_places: bool = Field(False, description="Only calls open to sign-ups with a free place ahead.")
    open_to_teams: bool = Field(False, description="Only calls that NGO teams may join.")
    age: int | None = Field(None, ge=0, le=120, description="The reader's age: calls it is old enough for.")
    q: str = Field("", max_length=100, description="Words to search the calls' text for.")

    @field_validator("department", "service", "district", "date_from", "date_to", "age", mode="before")
    @classmethod
    def _blank_is_any_and_digits_are_ascii(cls, value):
        if isinstance(value, str):
            return ascii_digits(value.strip()) or None
        return value

    @field_validator("date_from", "date_to", mode="before")
    @classmethod
    def _dates_as_documented(cls, value):
        # A date is YYYY-MM-DD, as documented: pydantic would also take "0" as a Unix time (1970-01-01).
        # (Before-validators run last-defined first: blank and Persian digits are read here too.)
        if isinstance(value, str):
            value = ascii_digits(value.strip()) or None
        if value is not None and not (isinstance(value, str) and ISO_DATE.fullmatch(value)):
            raise PydanticCustomError("date_format", str(_("Enter a date as YYYY-MM-DD.")))
        return value

    @field_validator("has_free_places", "open_to_teams", mode="before")
    @classmethod
    def _blank_is_no(cls, value):
        return False if isinstance(value, str) and not value.strip() else value

    @field_validator("date_to")
    @classmethod
    def _not_before_date_from(cls, date_to: datetime.date | None, info: ValidationInfo):
        date_from = info.data.get("date_from")
        if date_to and date_from and date_to < date_from:
            # The web listing's message; rendered now, in the request's language, as pydantic keeps the text.
            raise PydanticCustomError("date_range", str(_("This date is before the “From” date.")))
        return date_to

    def to_call_filters(self) -> CallFilters:
        return CallFilters(
            department=self.department,
            service=self.service,
            district=self.district,
            date_from=self.date_from,
            date_to=self.date_to,
            has_free_places=self.has_free_places,
            open_to_teams=self.open_to_teams,
            age=self.age,
            text=self.q,
        )


class CallPageIn(Schema):
    """Which page of open calls; see `api.CallPagination`."""

    page: int = Field(1, ge=1, le=PAGE_MAX, description="Which page, from 1.")
    page_size: int = Field(20, ge=1, le=100, description="Calls per page.")


class CallDepartmentOut(Schema):
    slug: str
    name: str


class CallServiceOut(Schema):
    slug: str
    short_name: str


class DistrictOut(Schema):
    number: int
    name: str


class CallSkillOut(Schema):
    slug: str
    name: str


class ShiftOut(Schema):
    id: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    duration_hours: float
    capacity: int
    free_places: int
    team_places: int
    checkin_radius_m: int | None
    signups_close_at: datetime.datetime | None = Field(
        description="When sign-ups close; null means when the shift starts."
    )
    is_past: bool = Field(description="The shift has ended.")

    @staticmethod
    def resolve_is_past(shift: Shift) -> bool:
        return shift.ends_at <= timezone.now()


class CallOut(Schema):
    """An open call as listed: the live, published version of its page, in the reader's language."""

    id: int
    title: str
    title_fa: str
    title_en: str
    summary: str
    service: CallServiceOut
    department: CallDepartmentOut
    district: DistrictOut
    address: str
    latitude: float | None
    longitude: float | None
    min_age: int = Field(description="0 means any age.")
    open_to_individuals: bool
    open_to_teams: bool
    points_per_hour: int
    next_shift_starts_at: datetime.datetime | None = Field(description="Null when no shift is ahead.")
    free_places: int = Field(description="Free places over the shifts that have not ended.")
    is_closed: bool = Field(description="Staff closed the call to new sign-ups.")
    url: str = Field(description="The call's public page, in the reader's language.")

    @staticmethod
    def resolve_title(call: OpenCallPage) -> str:
        return call.localized_title

    @staticmethod
    def resolve_title_fa(call: OpenCallPage) -> str:
        return call.title

    @staticmethod
    def resolve_department(call: OpenCallPage) -> Department:
        return call.service.department

    @staticmethod
    def resolve_url(call: OpenCallPage, context) -> str:
        return page_absolute_url(call, context["request"])


class CallQualificationOut(Schema):
    slug: str
    name: str
    validity_months: int | None


class CallDetailOut(CallOut):
    """One open call with its shifts: what a reader needs to choose a shift and sign up."""

    body_html: str = Field(description="The call's body in the reader's language, as HTML.")
    required_skills: list[CallSkillOut]
    required_qualifications: list[CallQualificationOut] = Field(
        description="Each needs a qualification of the person, verified by staff and valid on the shift's "
        "day."
    )
    guardian_consent_required: bool = Field(
        description="People under 18 on the shift's day need a guardian's consent "
        "(POST /me/guardian-consent)."
    )
    waiver: str = Field(
        description="The waiver to accept on signing up, in the reader's language; empty for none."
    )
    waiver_version: str = Field(description="Send it as `accept_waiver_version` when signing up.")
    contact_name: str
    contact_phone: str
    is_accepting_signups: bool
    shifts: list[ShiftOut]

    @staticmethod
    def resolve_body_html(call: OpenCallPage) -> str:
        return str(call.body)

    @staticmethod
    def resolve_required_skills(call: OpenCallPage):
        return list(call.required_skills.all())

    @staticmethod
    def resolve_required_qualifications(call: OpenCallPage):
        return list(call.required_qualifications.all())

    @staticmethod
    def resolve_waiver(call: OpenCallPage) -> str:
        return call.waiver

    @staticmethod
    def resolve_is_accepting_signups(call: OpenCallPage) -> bool:
        return selectors.call_is_accepting_signups(call=call)

    @staticmethod
    def resolve_shifts(call: OpenCallPage) -> list[Shift]:
        return list(selectors.shift_list_for_call(call=call))


# --- Sign-ups -------------------------------------------------------------------------------------------


class SignUpShiftOut(Schema):
    id: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime


class SignUpCallOut(Schema):
    id: int
    title: str = Field(description="In the reader's language.")
    url: str | None = Field(description="The call's public page; null once the call is no longer published.")

    @staticmethod
    def resolve_title(call: OpenCallPage) -> str:
        return call.localized_title

    @staticmethod
    def resolve_url(call: OpenCallPage, context) -> str | None:
        if not call.live:
            return None
        return page_absolute_url(call, context["request"])


class SignUpTeamOut(Schema):
    id: int
    name: str
    organisation: str = Field(description="The NGO that reserved the place.")

    @staticmethod
    def resolve_organisation(team) -> str:
        return team.organisation.name


class SignUpIn(Schema):
    accept_waiver_version: str | None = Field(
        None,
        max_length=20,
        description="The call's `waiver_version` that you have shown the person and they accepted. Needed "
        "when the call has a waiver you have not accepted yet; a stale version is refused.",
    )
    guest: list[str] = Field(
        [],
        max_length=9,
        description="The name of a guest you bring (repeat the parameter for each), on a call whose "
        "`max_guests` allows them: each takes a place, and the group gets its places together or waits "
        "in line together.",
    )


class WaiverAcceptIn(Schema):
    version: str = Field(max_length=20)


class WaiverAcceptanceOut(Schema):
    call_id: int
    version: str
    accepted_at: datetime.datetime
    channel: str


class SignUpOut(Schema):
    """One of the caller's own sign-ups. It names no person: it is only ever shown to its volunteer."""

    id: int
    status: SignUpStatus = Field(
        description="`confirmed`: the place is yours; `waitlisted`: in line for a place that frees up; "
        "`cancelled`; `no_show`: confirmed, but never checked in."
    )
    waitlist_position: int | None = Field(
        description="Your ticket in the line while waitlisted: places go to the lowest number first. "
        "Numbers are not renumbered when people ahead leave the line. Null unless waitlisted."
    )
    created_at: datetime.datetime = Field(description="When you signed up.")
    cancelled_at: datetime.datetime | None
    cancelled_by_organisers: bool = Field(
        description="Staff of the call, or your team's manager, cancelled it rather than you."
    )
    cancellation_reason: str = Field(description="Why staff cancelled it; empty otherwise.")
    guest_names: list[str] = Field(description="The guests you bring; each takes a place.")
    team: SignUpTeamOut | None = Field(description="The team whose reserved place this is, if any.")
    shift: SignUpShiftOut
    call: SignUpCallOut

    @staticmethod
    def resolve_call(signup: SignUp) -> OpenCallPage:
        return signup.shift.call

    @staticmethod
    def resolve_cancelled_by_organisers(signup: SignUp) -> bool:
        return signup.cancelled_by_id is not None and signup.cancelled_by_id != signup.volunteer_id

    @staticmethod
    def resolve_team(signup: SignUp):
        return signup.reservation.team if signup.reservation_id else None


class SignUpRequestOut(Schema):
    """A sign-up waiting its turn in the shift's sign-up queue: while many sign up for one shift at once,
    `POST /shifts/{id}/signups` answers 202 with this at once, and decides the queued sign-ups in the order
    they came, by the same rules (a sign-up it decides may still land on the waiting list).
    Read it again at `GET /me/signup-requests/{id}` (the answer's `Location`) until it is decided."""

    id: int
    shift_id: int
    state: SignUpRequestState = Field(
        description="`waiting`: not decided yet; `signed_up`: see `signup` (confirmed or on the waiting "
        "list); `refused`: see `code` and `message`, as a sign-up answered at once would say."
    )
    queue_position: int | None = Field(
        description="While waiting: how many wait ahead of you in the queue, plus one. Null once decided."
    )
    retry_after_seconds: int | None = Field(
        description="While waiting: when to look again (also in the `Retry-After` header)."
    )
    signup: SignUpOut | None = Field(description="Your sign-up, once signed up.")
    code: str = Field(description="Once refused: the error code, e.g. `already_signed_up`.")
    message: str = Field(description="Once refused: why, in the language you asked in.")
    created_at: datetime.datetime = Field(description="When you joined the queue.")
    decided_at: datetime.datetime | None

    @staticmethod
    def resolve_queue_position(entry: SignUpRequest) -> int | None:
        return signup_line.queue_position(entry)

    @staticmethod
    def resolve_retry_after_seconds(entry: SignUpRequest) -> int | None:
        return signup_line.retry_after_seconds(entry)

    @staticmethod
    def resolve_code(entry: SignUpRequest) -> str:
        return entry.refusal_code

    @staticmethod
    def resolve_message(entry: SignUpRequest) -> str:
        return entry.refusal_message


class SignUpPageIn(Schema):
    """Which page of my sign-ups; see `api.SignUpPagination`."""

    page: int = Field(1, ge=1, le=PAGE_MAX, description="Which page, from 1.")
    page_size: int = Field(20, ge=1, le=100, description="Sign-ups per page.")


class StaffCancelIn(Schema):
    reason: str = Field(min_length=1, max_length=300, description="Told to the person by e-mail and SMS.")


class StaffSignUpOut(Schema):
    """A sign-up as the call's department staff see it after cancelling it."""

    id: int
    status: SignUpStatus
    cancelled_at: datetime.datetime | None
    cancellation_reason: str


# --- Team reservations ----------------------------------------------------------------------------------


class ReservationIn(Schema):
    team_id: int
    places: int = Field(ge=1, le=10000, description="How many places to hold for the team.")


class ReservationPatchIn(Schema):
    places: int = Field(
        ge=0,
        le=10000,
        description="The new number of places, not below those already assigned. Fewer gives the "
        "difference to the waiting list at once.",
    )


class AssignmentIn(Schema):
    user_id: int = Field(description="A member of the reservation's team.")


class AssignmentsIn(Schema):
    user_ids: list[int] = Field(
        description="Members of the reservation's team, in the order they get places.",
        min_length=1,
        max_length=200,
    )


class TeamMessageIn(Schema):
    text: str = Field(description="The message, up to 600 characters.", max_length=600)
    text_en: str = Field("", description="The same in English, for members who read English.", max_length=600)


class TeamMessageOut(Schema):
    id: int
    text: str
    text_en: str
    created_at: datetime.datetime


class AssignmentResultOut(Schema):
    """One member's outcome: `assigned` with their sign-up, or `refused` with the code and message."""

    user_id: int
    name: str
    assigned: bool
    signup_id: int | None = None
    code: str = ""
    message: str = ""

    @staticmethod
    def resolve_assigned(result) -> bool:
        return result.signup is not None

    @staticmethod
    def resolve_user_id(result) -> int:
        return result.member_id

    @staticmethod
    def resolve_signup_id(result) -> int | None:
        return result.signup.pk if result.signup is not None else None


class ReservationTeamOut(Schema):
    id: int
    name: str
    organisation: str

    @staticmethod
    def resolve_organisation(team) -> str:
        return team.organisation.name


class AssignmentOut(Schema):
    """A team member given one of the reservation's places."""

    signup_id: int
    user_id: int
    name: str
    status: SignUpStatus

    @staticmethod
    def resolve_signup_id(signup: SignUp) -> int:
        return signup.pk

    @staticmethod
    def resolve_user_id(signup: SignUp) -> int:
        return signup.volunteer_id

    @staticmethod
    def resolve_name(signup: SignUp) -> str:
        return signup.volunteer.get_full_name() or signup.volunteer.username


class ReservationOut(Schema):
    """Places a team holds on a shift. Only the managers of the team's NGO see it."""

    id: int
    team: ReservationTeamOut
    shift: SignUpShiftOut
    call: SignUpCallOut
    places: int = Field(description="Places the team holds now, assigned or not.")
    assigned: int = Field(description="Places given to members.")
    unassigned: int = Field(description="Places still to give; they go back to the public before the shift.")
    release_at: datetime.datetime = Field(description="When places still unassigned go back to the public.")
    released_at: datetime.datetime | None
    released_places: int
    created_at: datetime.datetime
    assignments: list[AssignmentOut]

    @staticmethod
    def resolve_call(reservation) -> OpenCallPage:
        return reservation.shift.call

    @staticmethod
    def resolve_assigned(reservation) -> int:
        return reservation.assigned_count

    @staticmethod
    def resolve_unassigned(reservation) -> int:
        return reservation.unassigned_places

    @staticmethod
    def resolve_release_at(reservation) -> datetime.datetime:
        return reservation.shift.team_places_release_at

    @staticmethod
    def resolve_assignments(reservation) -> list[SignUp]:
        return list(selectors.team_reservation_assignments(reservation=reservation))


class CalendarFeedOut(Schema):
    """The secret address of my calendar feed: every confirmed shift, kept up to date by calendar apps."""

    url: str = Field(description="The https address to paste into a calendar app.")
    subscribe_url: str = Field(description="The same address with the webcal scheme (opens as subscribe).")


class SavedSearchIn(Schema):
    department: str | None = Field(None, description="A department's slug.")
    service: str | None = Field(None, description="A service's slug.")
    district: int | None = Field(None, description="A district's number.")


class SavedSearchOut(Schema):
    id: int
    department: str | None
    service: str | None
    district: int | None
    is_active: bool

    @staticmethod
    def resolve_department(search) -> str | None:
        return search.department.slug if search.department_id else None

    @staticmethod
    def resolve_service(search) -> str | None:
        return search.service.slug if search.service_id else None

    @staticmethod
    def resolve_district(search) -> int | None:
        return search.district.number if search.district_id else None
