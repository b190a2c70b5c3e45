"""Demo open calls for a newcomer's local site: at least one call for each of the study's 21 services, at real
places in Isfahan, in Persian and English, with shifts that are over, under way and coming up.

Shift times are placed relative to the moment the demo is loaded, so a fresh site always has something
happening now and something to sign up for. Calls are keyed by their slug under their department's section:
a call that is already there is left alone, with its shifts, so loading again changes nothing.

District numbers follow the municipality's published district boundaries where a place lies clearly inside
one (Naqsh-e Jahan in 3, Jolfa in 5, Sofeh in 6…); places on a boundary street are filed under one side.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from campaigns.models import DepartmentCallsPage, OpenCallPage, Shift, SignUp, TeamReservation
from campaigns.services import (
    call_close,
    call_schedule_refresh,
    department_section_ensure,
    team_reservation_assign,
    team_reservation_create,
)
from city.models import Department, District, Service
from verification.models import Completion
from volunteers.models import Skill, Team

from .data import demo_data
from .people import DEMO_NGO, DEMO_TEAM_NAME

FRIDAY, THURSDAY, TUESDAY = 4, 3, 1  # datetime.date.weekday()


@dataclass(frozen=True)
class DemoShift:
    """A shift placed relative to the day the demo is loaded.

    `day` counts days from today in the city's time zone (negative: already over), or, with `weekday`, counts
    that weekday: 1 is the next one after today, -1 the last one before today. `day=None` makes a shift that
    is under way right now (started an hour ago, ends in two hours).
    """

    day: int | None
    start: str = "08:00"  # local time
    hours: float = 3
    capacity: int = 20
    team_places: int = 0
    checkin_radius_m: int | None = None
    weekday: int | None = None
    signups_close_hours_before: int | None = None


@dataclass(frozen=True)
class DemoFaq:
    question_fa: str
    answer_fa: str
    question_en: str
    answer_en: str


@dataclass(frozen=True)
class DemoCall:
    """One demo call. Checklist items are (Persian, English) pairs so the two bodies stay in step."""

    slug: str
    service: str  # service slug
    district: int
    latitude: str
    longitude: str
    title_fa: str
    title_en: str
    summary_fa: str
    summary_en: str
    address_fa: str
    address_en: str
    text_fa: str
    text_en: str
    shifts: tuple[DemoShift, ...]
    min_age: int = 0
    max_guests: int = 0
    open_to_individuals: bool = True
    open_to_teams: bool = True
    points_per_hour: int = 10
    contact_name: str = ""
    contact_phone: str = ""
    what_to_bring: tuple[tuple[str, str], ...] = ()
    safety_notes: tuple[tuple[str, str], ...] = ()
    faq: tuple[DemoFaq, ...] = ()
    live: bool = True
    closure_reason: str = ""
    required_skills: tuple[str, ...] = ()  # slugs of DEMO_SKILLS


_CALLS = demo_data("calls")

# Skills that demo calls require: (slug, Persian name, English name).
DEMO_SKILLS = tuple(
    (skill["slug"], skill["name_fa"], skill["name_en"]) for skill in _CALLS["required_skills"]
)

# The demo NGO's team holds places on the next-but-one Friday sweep of Chaharbagh, two members assigned.
DEMO_TEAM_RESERVATION_CALL = _CALLS["team_reservation"]["call"]
DEMO_TEAM_RESERVATION_PLACES = _CALLS["team_reservation"]["places"]
DEMO_TEAM_RESERVATION_MEMBERS = tuple(_CALLS["team_reservation"]["members"])


@dataclass
class DemoCallsLoaded:
    created: list[OpenCallPage] = field(default_factory=list)
    existing: int = 0
    shifts_created: int = 0
    shifts_moved: int = 0


def _pairs(items: list[dict]) -> tuple[tuple[str, str], ...]:
    return tuple((item["fa"], item["en"]) for item in items)


def _call_plan(data: dict) -> DemoCall:
    """A call of demo/data/calls.json as the loader reads it; absent fields take DemoCall's defaults."""
    nested = {
        "shifts": tuple(DemoShift(**shift) for shift in data["shifts"]),
        "faq": tuple(DemoFaq(**faq) for faq in data.get("faq", ())),
        "what_to_bring": _pairs(data.get("what_to_bring", ())),
        "safety_notes": _pairs(data.get("safety_notes", ())),
        "required_skills": tuple(data.get("required_skills", ())),
    }
    return DemoCall(**{**data, **nested})


DEMO_CALLS: tuple[DemoCall, ...] = tuple(_call_plan(call) for call in _CALLS["calls"])


def _richtext_block(html: str) -> dict:
    return {"type": "text", "value": html}


def _checklist_block(block_type: str, items: tuple[tuple[str, str], ...], language: str) -> dict:
    index = 0 if language == "fa" else 1
    return {"type": block_type, "value": {"items": [pair[index] for pair in items]}}


def _body(plan: DemoCall, language: str) -> list[dict]:
    """The call's StreamField body in Wagtail's raw JSON form: a short text, then the optional checklists
    and questions, in the order the call page shows them."""
    blocks = [_richtext_block(plan.text_fa if language == "fa" else plan.text_en)]
    if plan.what_to_bring:
        blocks.append(_checklist_block("what_to_bring", plan.what_to_bring, language))
    if plan.safety_notes:
        blocks.append(_checklist_block("safety_notes", plan.safety_notes, language))
    for faq in plan.faq:
        if language == "fa":
            question, answer = faq.question_fa, faq.answer_fa
        else:
            question, answer = faq.question_en, faq.answer_en
        blocks.append({"type": "faq", "value": {"question": question, "answer": answer}})
    return blocks


def _shift_day(plan: DemoShift, today: datetime.date) -> datetime.date:
    if plan.weekday is None:
        return today + datetime.timedelta(days=plan.day)
    if plan.day > 0:
        ahead = (plan.weekday - today.weekday()) % 7 or 7
        return today + datetime.timedelta(days=ahead + 7 * (plan.day - 1))
    back = (today.weekday() - plan.weekday) % 7 or 7
    return today - datetime.timedelta(days=back + 7 * (-plan.day - 1))


def _shift_times(plan: DemoShift, now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    if plan.day is None:
        starts_at = now.replace(second=0, microsecond=0) - datetime.timedelta(hours=1)
        return starts_at, starts_at + datetime.timedelta(hours=3)
    # Wall-clock hours in the city's time zone, whatever time zone the loading process has activated.
    city = timezone.get_default_timezone()
    hour, minute = (int(part) for part in plan.start.split(":"))
    day = _shift_day(plan, timezone.localtime(now, city).date())
    starts_at = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=city)
    return starts_at, starts_at + datetime.timedelta(hours=plan.hours)


def _shifts(plan: DemoCall, call: OpenCallPage, now: datetime.datetime) -> list[Shift]:
    shifts = []
    for shift_plan in plan.shifts:
        starts_at, ends_at = _shift_times(shift_plan, now)
        shift = Shift(
            call=call,
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=shift_plan.capacity,
            team_places=shift_plan.team_places,
            checkin_radius_m=shift_plan.checkin_radius_m,
            signups_close_at=(
                starts_at - datetime.timedelta(hours=shift_plan.signups_close_hours_before)
                if shift_plan.signups_close_hours_before
                else None
            ),
        )
        # Field validators and Shift.clean()'s rules; the check constraints are left to the database, which
        # enforces them on insert anyway (validating them here costs a query each).
        shift.full_clean(exclude=["call"], validate_constraints=False)
        shifts.append(shift)
    return shifts


def _call_page(plan: DemoCall, service: Service, district: District) -> OpenCallPage:
    return OpenCallPage(
        title=plan.title_fa,
        slug=plan.slug,
        live=plan.live,
        title_en=plan.title_en,
        service=service,
        summary_fa=plan.summary_fa,
        summary_en=plan.summary_en,
        body_fa=_body(plan, "fa"),
        body_en=_body(plan, "en"),
        district=district,
        address_fa=plan.address_fa,
        address_en=plan.address_en,
        latitude=Decimal(plan.latitude),
        longitude=Decimal(plan.longitude),
        min_age=plan.min_age,
        max_guests=plan.max_guests,
        open_to_individuals=plan.open_to_individuals,
        open_to_teams=plan.open_to_teams,
        points_per_hour=plan.points_per_hour,
        contact_name=plan.contact_name,
        contact_phone=plan.contact_phone,
    )


# A shift is moved back to its planned day when it has drifted at least this far from it: the planned days
# are whole days (or weeks) from today, and the one shift under way is left alone while it still is.
SHIFT_DRIFT_MOVED = datetime.timedelta(hours=1)


def _shifts_kept_current(plan: DemoCall, call: OpenCallPage, now: datetime.datetime) -> int:
    """Moves an existing demo call's shifts to where the plan puts them relative to today, with the times of
    what people did on them (signing up, checking in and out, reporting), so that a demo loaded some days ago
    has shifts ahead again instead of a listing of calls with nothing to join. Returns how many moved."""
    moved = 0
    for shift, shift_plan in zip(call.shifts.order_by("pk"), plan.shifts, strict=False):
        starts_at, _ends_at = _shift_times(shift_plan, now)
        drift = starts_at - shift.starts_at
        if abs(drift) < SHIFT_DRIFT_MOVED:
            continue
        Shift.objects.filter(pk=shift.pk).update(
            starts_at=F("starts_at") + drift,
            ends_at=F("ends_at") + drift,
            signups_close_at=F("signups_close_at") + drift,
        )
        signups = SignUp.objects.filter(shift=shift)
        signups.update(
            created_at=F("created_at") + drift,
            checked_in_at=F("checked_in_at") + drift,
            checked_out_at=F("checked_out_at") + drift,
        )
        # Nothing is reported before it was done: a report keeps its time unless the work moved past it.
        ends_at = shift.ends_at + drift
        Completion.objects.filter(signup__shift=shift, created_at__lt=ends_at).update(
            created_at=min(ends_at, now)
        )
        moved += 1
    if moved:
        call_schedule_refresh(call_id=call.pk, now=now)
    return moved


@transaction.atomic
def demo_calls_load(*, now: datetime.datetime | None = None) -> DemoCallsLoaded:
    """Creates the demo open calls that are not there yet, each with its shifts; a second run changes nothing.

    Calls go under their department's section (set up here if it is missing), so OpenCallPage.clean() checks
    each call's service against the section's department, as it does for calls staff write.
    """
    now = now or timezone.now()
    services = {service.slug: service for service in Service.objects.select_related("department")}
    districts = {district.number: district for district in District.objects.all()}
    sections: dict[int, DepartmentCallsPage] = {}
    loaded = DemoCallsLoaded()
    skills = {
        slug: Skill.objects.get_or_create(slug=slug, defaults={"name_fa": name_fa, "name_en": name_en})[0]
        for slug, name_fa, name_en in DEMO_SKILLS
    }

    for plan in DEMO_CALLS:
        service = services[plan.service]
        department: Department = service.department
        if department.pk not in sections:
            sections[department.pk] = department_section_ensure(department=department)
        section = sections[department.pk]
        existing = OpenCallPage.objects.child_of(section).filter(slug=plan.slug).first()
        if existing is not None:
            loaded.existing += 1
            loaded.shifts_moved += _shifts_kept_current(plan, existing, now)
            continue

        call = section.add_child(instance=_call_page(plan, service, districts[plan.district]))
        if plan.required_skills:
            call.required_skills.set([skills[slug] for slug in plan.required_skills])
            call.save(clean=False)
        # add_child() has just run full_clean() (and OpenCallPage.clean()) on this very page.
        revision = call.save_revision(clean=False)
        if plan.live:
            revision.publish()
        shifts = Shift.objects.bulk_create(_shifts(plan, call, now))
        # bulk_create() sends no post_save: the listing's schedule of the call is written here.
        call_schedule_refresh(call_id=call.pk, now=now)
        if plan.closure_reason:
            # Nobody has signed up for a call created a moment ago, so closing it tells no one.
            call_close(call=call, actor=None, reason=plan.closure_reason)
        loaded.created.append(call)
        loaded.shifts_created += len(shifts)
    return loaded


@transaction.atomic
def demo_team_reservation_load(*, now: datetime.datetime | None = None) -> TeamReservation | None:
    """The demo NGO's team holds places on an upcoming demo shift, with two members assigned, through the
    same services as a manager would use. Runs after the demo people exist; a second run changes nothing.
    """


    now = now or timezone.now()
    team = Team.objects.filter(
        organisation__registration_number=DEMO_NGO["registration_number"], name=DEMO_TEAM_NAME
    ).first()
    if team is None:
        return None
    existing = TeamReservation.objects.filter(team=team).order_by("pk").first()
    if existing is not None:
        return existing
    release_hours = datetime.timedelta(hours=settings.TEAM_PLACES_RELEASE_HOURS)
    shift = (
        Shift.objects.filter(
            call__slug=DEMO_TEAM_RESERVATION_CALL,
            call__live=True,
            team_places__gte=DEMO_TEAM_RESERVATION_PLACES,
            starts_at__gt=now + release_hours + datetime.timedelta(days=1),
        )
        .order_by("starts_at")
        .first()
    )
    if shift is None:
        return None
    people = get_user_model().objects.in_bulk(
        ["ngo-manager", *DEMO_TEAM_RESERVATION_MEMBERS], field_name="username"
    )
    reservation = team_reservation_create(
        shift=shift, team=team, places=DEMO_TEAM_RESERVATION_PLACES, actor=people["ngo-manager"]
    )
    for username in DEMO_TEAM_RESERVATION_MEMBERS:
        team_reservation_assign(
            reservation=reservation, member=people[username], actor=people["ngo-manager"]
        )
    reservation.refresh_from_db()
    return reservation
