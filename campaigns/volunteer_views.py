"""A volunteer's own pages: signing up for a shift and giving it up from the web, and "my shifts"; and an
NGO manager's pages for the places their teams hold on shifts ("team places").

The views stay thin: the rules live in `services`, the reads in `selectors`. A refusal (a closed call, a
full line, the cancellation cutoff…) becomes a message on the page the person came from, never an error
page: the only input is the button they pressed, so nothing they typed is lost.
"""

import datetime
import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db import router
from django.db.models import (
    BooleanField,
    Case,
    Count,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import compiled_queries
from core.errors import DomainError
from core.localization import ascii_digits, format_date, format_number
from volunteers.errors import ProfileInvalid
from volunteers.services import profile_update

from . import reminders, selectors, services, signup_line
from . import saved_searches as saved_search_services
from .api import roster_csv_response
from .errors import CampaignErrorCode, ReservationNotFound, SignUpNotFound
from .forms import SignupRequirementsForm
from .models import CalendarFeed, SignUp, SignUpRequest
from .team_forms import SavedSearchForm, TeamAssignForm, TeamPlacesForm, TeamReserveForm

# --- Reads for these pages ----------------------------------------------------------------------------


def signups_with_place_in_line(signups: QuerySet[SignUp]) -> QuerySet[SignUp]:
    """Annotates each sign-up with `place_in_line`: 1 + the people still waiting ahead of it on its shift,
    None unless it is waitlisted.

    `waitlist_position` is a ticket number that is not renumbered when someone ahead leaves the line, so
    it is not what a person wants to know. One correlated subquery counts those ahead for every row of
    the query at once, so a page of sign-ups costs one query however many rows it has.
    """
    ahead = (
        SignUp.objects.filter(
            shift=OuterRef("shift"),
            status=SignUp.Status.WAITLISTED,
            waitlist_position__lt=OuterRef("waitlist_position"),
        )
        .order_by()
        .values("shift")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return signups.annotate(
        place_in_line=Case(
            When(
                status=SignUp.Status.WAITLISTED,
                then=Coalesce(Subquery(ahead, output_field=IntegerField()), 0) + 1,
            ),
            default=None,
            output_field=IntegerField(),
        )
    )


def active_signups_by_shift(*, volunteer, call_id: int) -> dict[int, SignUp]:
    """The person's confirmed and waitlisted sign-ups on the call's shifts, by shift id, in one query."""
    signups = SignUp.objects.filter(
        volunteer=volunteer, shift__call_id=call_id, status__in=SignUp.ACTIVE_STATUSES
    ).order_by()
    return {signup.shift_id: signup for signup in signups_with_place_in_line(signups)}


# "My shifts" reads every sign-up of the person with its shift, call, service and district in one statement
# that took longer for Django to compose than for the database to answer: composed once per process.
_MY_SIGNUPS = compiled_queries.CompiledInstancesQuery(
    SignUp,
    lambda volunteer_id, now: signups_with_place_in_line(
        selectors.signup_list_for_volunteer(volunteer=volunteer_id, now=now).prefetch_related(None)
    ),
    related=["shift__call__service", "shift__call__district"],
    annotations={"has_ended": BooleanField(), "place_in_line": IntegerField(null=True)},
    volunteer_id=int,
    now=datetime.datetime,
)


def my_shifts_sections(*, volunteer) -> dict[str, list[SignUp]]:
    """The person's sign-ups in the three sections of "my shifts", each in the selector's order:
    upcoming confirmed places (soonest first), places in line, and everything ended or cancelled."""
    signups = _MY_SIGNUPS.list(
        using=router.db_for_read(SignUp), volunteer_id=volunteer.pk, now=timezone.now()
    )
    prefetch_related_objects(signups, "reservation__team__organisation")
    sections: dict[str, list[SignUp]] = {"upcoming": [], "waiting": [], "past": []}
    for signup in signups:
        # Checked out is done, even before the shift's end: it waits for its report, not for the day.
        if signup.has_ended or signup.status == SignUp.Status.CANCELLED or signup.checked_out_at:
            sections["past"].append(signup)
        elif signup.status == SignUp.Status.CONFIRMED:
            sections["upcoming"].append(signup)
        else:
            sections["waiting"].append(signup)
    return sections


# --- Helpers ------------------------------------------------------------------------------------------


def _next_url(request, *, fallback: str) -> str:
    """Where to go back to: the `next` the form or link sent when it is an address on this site."""
    next_url = request.POST.get("next") or request.GET.get("next")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return fallback


def _login_required_back_to_page(view):
    """`login_required` for the POST-only addresses: someone whose session ended while the call page was
    open is sent to log in and then back to that page (`next`), not to this address, which answers
    GET with 405."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(_next_url(request, fallback=reverse("volunteer:my_shifts")))
        return view(request, *args, **kwargs)

    return wrapper


def _when(shift) -> str:
    return format_date(shift.starts_at, with_time=True, with_weekday=True)


# --- Views --------------------------------------------------------------------------------------------


@require_POST
@_login_required_back_to_page
def signup_create(request, shift_id: int):
    """Signs the person up for the shift (or puts them in line) and goes back to the call's page."""
    try:
        outcome = signup_line.signup_or_queue(
            shift_id=shift_id, person=request.user, channel="web", guest_names=_guests(request)
        )
    except DomainError as error:
        call_url = selectors.call_url_of_shift(shift_id=shift_id, request=request)
        back = _next_url(request, fallback=call_url or reverse("volunteer:my_shifts"))
        return _signup_refused(
            request,
            shift_id=shift_id,
            code=error.code,
            message=error.message,
            back=back,
            guests=_guests(request),
        )
    if isinstance(outcome, SignUpRequest):
        # Many are signing up at once: the person waits their turn on a page that says their place (and
        # then goes back where they came from, else to the call's page).
        waiting_page = reverse("volunteer:signup_request", args=[outcome.pk])
        back = _next_url(request, fallback="")
        return redirect(f"{waiting_page}?{urlencode({'next': back})}" if back else waiting_page)
    return _signed_up(request, outcome)


@login_required
@require_GET
def signup_request(request, request_id: int):
    """A sign-up waiting its turn in a shift's line: the person's place in line until it is decided (the
    page looks again by itself, and `?format=json` answers its script), then the outcome, told as a
    sign-up decided at once would tell it."""
    try:
        entry = signup_line.signup_request_get_for_person(request_id=request_id, person=request.user)
    except DomainError as error:
        raise Http404(error.message) from None
    call = entry.shift.call
    back = _next_url(request, fallback=call.get_url(request) or reverse("volunteer:my_shifts"))
    place = signup_line.queue_position(entry)
    retry_after = signup_line.retry_after_seconds(entry)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "state": entry.state,
                "queue_position": place,
                "queue_position_text": format_number(place) if place is not None else "",
                "retry_after_seconds": retry_after,
            }
        )
    if entry.state == SignUpRequest.State.SIGNED_UP:
        return _signed_up(request, entry.signup)
    if entry.state == SignUpRequest.State.REFUSED:
        return _signup_refused(
            request,
            shift_id=entry.shift_id,
            code=entry.refusal_code,
            message=entry.refusal_message,
            back=back,
            guests=entry.guest_names,
        )
    return render(
        request,
        "campaigns/volunteer/signup_request.html",
        {
            "entry": entry,
            "call": call,
            "shift": entry.shift,
            "place": place,
            "retry_after": retry_after,
            "back": back,
            "state_url": f"{request.path}?{urlencode({'format': 'json'})}",
        },
    )


def _signup_refused(request, *, shift_id: int, code: str, message, back: str, guests: list[str]):
    """A sign-up that was not made, decided at once or in the queue: what the call needs that the profile
    lacks is asked for on the way (the guests named go along, so nothing typed is lost); any other refusal
    is said on the page the person came from."""
    if code in ASKED_ON_THE_WAY:
        requirements = reverse("volunteer:signup_requirements", args=[shift_id])
        query = urlencode({"next": back, "guest": guests}, doseq=True)
        return redirect(f"{requirements}?{query}")
    messages.error(request, message)
    return redirect(back)


def _guests(request) -> list[str]:
    """The names of the guests the person brings, from the sign-up form (or passed along in the address)."""
    names = request.POST.getlist("guest") or request.GET.getlist("guest")
    return [name for name in names if name.strip()][:20]


# What a call needs that a profile may lack; asked for on the sign-up path rather than refused.
ASKED_ON_THE_WAY = {
    CampaignErrorCode.DATE_OF_BIRTH_MISSING,
    CampaignErrorCode.SKILLS_MISSING,
    CampaignErrorCode.QUALIFICATIONS_MISSING,
    CampaignErrorCode.GUARDIAN_CONSENT_MISSING,
    CampaignErrorCode.WAIVER_NOT_ACCEPTED,
    CampaignErrorCode.WAIVER_VERSION_STALE,
}


def _signed_up(request, signup: SignUp):
    """Says where the person now stands and goes back to the call's page (or where they came from)."""
    call = signup.shift.call
    if signup.status == SignUp.Status.CONFIRMED:
        messages.success(
            request,
            _("You are signed up for “%(call)s” on %(date)s.")
            % {"call": call.localized_title, "date": _when(signup.shift)},
        )
    else:
        place = signups_with_place_in_line(SignUp.objects.filter(pk=signup.pk)).get().place_in_line
        messages.success(
            request,
            _("The shift is full, so you are on the waiting list, number %(place)s.")
            % {"place": format_number(place)},
        )
    return redirect(_next_url(request, fallback=call.get_url(request) or reverse("volunteer:my_shifts")))


@login_required
def signup_requirements(request, shift_id: int):
    """Asks for what the call needs that the person lacks: their date of birth and the call's skills
    (saved to their profile) and the call's waiver (accepted), then signs them up in one step. What cannot
    be given on the spot is linked to: a qualification (staff verify it first) and a guardian's consent
    (a code to the guardian's mobile). The call's other rules still apply (someone too young is told so)."""
    try:
        shift = selectors.shift_get_for_signup(shift_id=shift_id)
    except DomainError as error:
        raise Http404(error.message) from None
    call = shift.call
    back = _next_url(request, fallback=call.get_url(request) or reverse("volunteer:my_shifts"))
    missing = selectors.signup_requirements_missing(call=call, person=request.user, shift=shift)
    if not missing:
        messages.info(request, _("Your profile has what this call needs; sign up on the call's page."))
        return redirect(back)
    form = SignupRequirementsForm(
        request.POST or None, missing=missing, initial={"waiver_version": call.waiver_version}
    )
    if request.method == "POST" and missing.can_sign_up_now and form.is_valid():
        changes = {}
        if "date_of_birth" in form.cleaned_data:
            changes["date_of_birth"] = form.cleaned_data["date_of_birth"]
        if form.cleaned_data.get("skills"):
            changes["skills"] = [*request.user.skills.all(), *form.cleaned_data["skills"]]
        try:
            if changes:
                # Saved even when the sign-up then asks for more (a date of birth can reveal a minor).
                profile_update(user=request.user, changes=changes)
            signup = services.signup_create(
                shift=shift,
                volunteer=request.user,
                accept_waiver_version=form.cleaned_data.get("waiver_version"),
                guest_names=_guests(request),
            )
        except ProfileInvalid as invalid:
            form.add_error(invalid.field if invalid.field in form.fields else None, invalid.message)
        except DomainError as error:
            if error.code in ASKED_ON_THE_WAY:
                messages.info(request, error.message)
                query = urlencode({"next": back, "guest": _guests(request)}, doseq=True)
                return redirect(f"{request.path}?{query}")
            messages.error(request, error.message)
            return redirect(back)
        else:
            return _signed_up(request, signup)
    here = f"{request.path}?{urlencode({'next': back})}"
    return render(
        request,
        "campaigns/volunteer/signup_requirements.html",
        {
            "form": form,
            "shift": shift,
            "call": call,
            "missing": missing,
            "next_url": back,
            "guest_names": _guests(request),
            "qualifications_missing": [
                {
                    "kind": kind,
                    "pending": kind.pk in missing.qualifications_pending,
                    "add_url": reverse("volunteers:qualifications")
                    + "?"
                    + urlencode({"kind": kind.slug, "next": here}),
                }
                for kind in missing.qualifications
            ],
            "guardian_url": f"{reverse('volunteers:guardian_consent')}?{urlencode({'next': here})}",
        },
    )


@require_POST
@login_required
def waiver_accept(request, call_id: int):
    """Accepts the current version of a call's waiver from "my shifts", after staff changed its text."""
    back = _next_url(request, fallback=reverse("volunteer:my_shifts"))
    try:
        call = selectors.call_get(call_id=call_id)
    except DomainError as error:
        raise Http404(error.message) from None
    try:
        services.waiver_accept(
            call=call, person=request.user, version=request.POST.get("version", ""), channel="web"
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Thank you: you have accepted the new waiver of “%(call)s”.") % {"call": call.localized_title},
        )
    return redirect(back)


@require_GET
@login_required
def signup_cancel_confirm(request, signup_id: int):
    """Asks before giving up a place: a confirmed place goes to the next person in line at once."""
    try:
        signup = selectors.signup_get_for_volunteer(signup_id=signup_id, volunteer=request.user)
    except SignUpNotFound as error:
        raise Http404(error.message) from None
    back = _next_url(request, fallback=reverse("volunteer:my_shifts"))
    if signup.status == SignUp.Status.CANCELLED:
        messages.info(request, _("This sign-up is already cancelled."))
        return redirect(back)
    signup = signups_with_place_in_line(SignUp.objects.filter(pk=signup.pk)).select_related(
        "shift__call__district"
    )[0]
    return render(
        request, "campaigns/volunteer/signup_cancel_confirm.html", {"signup": signup, "next_url": back}
    )


@require_POST
@_login_required_back_to_page
def signup_cancel(request, signup_id: int):
    """Gives up the person's place or leaves the line, and goes back to where they came from."""
    back = _next_url(request, fallback=reverse("volunteer:my_shifts"))
    try:
        signup = selectors.signup_get_for_volunteer(signup_id=signup_id, volunteer=request.user)
        was_confirmed = signup.status == SignUp.Status.CONFIRMED
        services.signup_cancel(signup=signup)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(back)

    values = {"call": signup.shift.call.localized_title, "date": _when(signup.shift)}
    if was_confirmed:
        messages.success(request, _("Your place on “%(call)s” on %(date)s is cancelled.") % values)
    else:
        messages.success(request, _("You have left the waiting list for “%(call)s” on %(date)s.") % values)
    return redirect(back)


# "My shifts" shows this many past or cancelled places, the latest first; the rest on ask.
PAST_SHOWN = 20


@require_GET
@login_required
def my_shifts(request):
    """The person's shifts: upcoming places, places in line, and what is over or cancelled; and the
    address of their calendar feed, to subscribe to from any calendar app."""
    context = my_shifts_sections(volunteer=request.user)
    every_signup = [*context["upcoming"], *context["waiting"], *context["past"]]
    context["waivers_to_accept"] = selectors.waivers_to_accept(person=request.user, signups=every_signup)
    # A long-time volunteer's past would make a page of hundreds of cards: the latest, and the rest on ask.
    past = context["past"]
    context["past_count"] = len(past)
    if request.GET.get("past") != "all":
        context["past"] = past[:PAST_SHOWN]
    facts = selectors.my_shifts_facts(person=request.user)
    context["queued"] = (
        signup_line.signup_requests_waiting_for(person=request.user) if facts.waiting_in_a_queue else []
    )
    context["manages_teams"] = facts.manages_teams
    feed = (
        CalendarFeed(user=request.user, token=facts.calendar_token)
        if facts.calendar_token
        else reminders.calendar_feed_get_or_create(user=request.user)
    )
    base_url = request.build_absolute_uri("/")
    context["calendar_feed_url"] = reminders.calendar_feed_url(feed=feed, base_url=base_url)
    context["calendar_subscribe_url"] = reminders.calendar_subscribe_url(feed=feed, base_url=base_url)
    return render(request, "campaigns/volunteer/my_shifts.html", context)


@require_POST
@_login_required_back_to_page
def calendar_feed_reset(request):
    """Gives the person's calendar feed a new secret address; calendars subscribed to the old one stop
    getting their shifts (for a feed address shared by mistake)."""
    reminders.calendar_feed_reset(user=request.user)
    messages.success(
        request,
        _(
            "Your calendar has a new address. Subscribe to it again in your calendar app; the old one no "
            "longer works."
        ),
    )
    return redirect(reverse("volunteer:my_shifts"))


# --- Team places: an NGO manager's pages ------------------------------------------------------------------


def _reservation_or_404(request, reservation_id: int):
    try:
        return selectors.team_reservation_get_for_manager(reservation_id=reservation_id, user=request.user)
    except ReservationNotFound as error:
        raise Http404(error.message) from None


@require_GET
@login_required
def team_places(request):
    """The reservations of the manager's teams, with how many places each holds and has given out."""
    reservations = list(selectors.team_reservation_list_for_manager(user=request.user))
    return render(
        request,
        "campaigns/volunteer/team_places.html",
        {
            "upcoming": [reservation for reservation in reservations if not reservation.has_ended],
            "past": [reservation for reservation in reservations if reservation.has_ended],
            "manages_teams": selectors.teams_managed_by(user=request.user).exists(),
        },
    )


@require_http_methods(["GET", "POST"])
@_login_required_back_to_page
def team_reserve(request):
    """Reserves places on one of a call's shifts for one of the manager's teams.

    The call page posts here; a refusal shows this page with the form as the person filled it in.
    """
    try:
        call = selectors.call_get(
            call_id=int(ascii_digits(request.POST.get("call") or request.GET.get("call") or "0"))
        )
    except (ValueError, DomainError):
        raise Http404 from None
    teams = list(selectors.teams_managed_by(user=request.user, verified_only=True))
    shifts = selectors.shift_reservable_for_teams(call=call)
    form = TeamReserveForm(
        request.POST or None, shifts=shifts, teams=teams, initial={"shift": request.GET.get("shift")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            shift = selectors.shift_get_for_signup(shift_id=form.cleaned_data["shift"])
            team = selectors.team_get_for_manager(team_id=form.cleaned_data["team"], user=request.user)
            reservation = services.team_reservation_create(
                shift=shift, team=team, places=form.cleaned_data["places"], actor=request.user
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("%(places)s places on %(date)s are held for “%(team)s”. Assign members to them here.")
                % {
                    "places": format_number(reservation.places),
                    "date": _when(reservation.shift),
                    "team": team.name,
                },
            )
            return redirect("volunteer:team_reservation", reservation.pk)
    return render(
        request,
        "campaigns/volunteer/team_reserve.html",
        {"call": call, "form": form, "teams": teams, "shifts": shifts},
        status=400 if form.is_bound else 200,
    )


@require_GET
@login_required
def team_reservation(request, reservation_id: int):
    """One reservation: who has its places, who else could, and how many places the team holds."""
    reservation = _reservation_or_404(request, reservation_id)
    members = list(selectors.team_members_to_assign(reservation=reservation))
    return render(
        request,
        "campaigns/volunteer/team_reservation.html",
        {
            "reservation": reservation,
            "shift": reservation.shift,
            "assignments": selectors.team_reservation_assignments(reservation=reservation),
            "assign_form": TeamAssignForm(members=members),
            "places_form": TeamPlacesForm(initial={"places": reservation.places}),
            "can_change": reservation.released_at is None and not reservation.shift.has_ended,
            "messages_sent": reservation.messages.order_by("-created_at")[:10],
        },
    )


@require_POST
@_login_required_back_to_page
def team_reservation_assign(request, reservation_id: int):
    """Gives places to the chosen members; says who got one and, for anyone refused, why."""
    reservation = _reservation_or_404(request, reservation_id)
    form = TeamAssignForm(request.POST, members=selectors.team_members_to_assign(reservation=reservation))
    if not form.is_valid():
        messages.error(request, _("Choose team members who have no place on this shift yet."))
        return redirect("volunteer:team_reservation", reservation.pk)
    results = services.team_reservation_assign_many(
        reservation=reservation, member_ids=form.cleaned_data["member"], actor=request.user
    )
    for result in results:
        if result.signup is not None:
            messages.success(request, _("%(name)s has a place on this shift.") % {"name": result.name})
        else:
            messages.error(request, result.message)
    return redirect("volunteer:team_reservation", reservation.pk)


@require_POST
@_login_required_back_to_page
def team_reservation_unassign(request, reservation_id: int, user_id: int):
    reservation = _reservation_or_404(request, reservation_id)
    try:
        signup = services.team_reservation_unassign(
            reservation=reservation, member_id=user_id, actor=request.user
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(name)s no longer has a place on this shift; the place is free for another member.")
            % {"name": signup.volunteer.display_name},
        )
    return redirect("volunteer:team_reservation", reservation.pk)


@require_POST
@_login_required_back_to_page
def team_reservation_message(request, reservation_id: int):
    """The manager's message to the members with the reservation's places."""
    reservation = _reservation_or_404(request, reservation_id)
    try:
        services.team_message_send(
            reservation=reservation,
            actor=request.user,
            text=request.POST.get("text", ""),
            text_en=request.POST.get("text_en", ""),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your message is on its way, by e-mail and SMS, to each member once."))
    return redirect("volunteer:team_reservation", reservation.pk)


@require_POST
@_login_required_back_to_page
def team_reservation_places(request, reservation_id: int):
    reservation = _reservation_or_404(request, reservation_id)
    form = TeamPlacesForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the number of places as a whole number, 0 or more."))
        return redirect("volunteer:team_reservation", reservation.pk)
    try:
        reservation = services.team_reservation_resize(
            reservation=reservation, places=form.cleaned_data["places"], actor=request.user
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The team now holds %(places)s places.") % {"places": format_number(reservation.places)},
        )
    return redirect("volunteer:team_reservation", reservation.pk)


@require_GET
@login_required
def team_roster_csv(request, shift_id: int):
    """The roster of the manager's own teams' people on the shift, as CSV."""
    try:
        shift = selectors.shift_get_for_roster(shift_id=shift_id)
        signups = selectors.shift_roster(shift=shift, viewer=request.user)
    except DomainError as error:
        raise Http404(error.message) from None
    return roster_csv_response(shift=shift, signups=signups)


@login_required
def saved_searches(request):
    """The person's saved searches: add one, turn one off or on, delete one."""
    form = SavedSearchForm(request.POST or None)
    if request.method == "POST":
        action, search_id = request.POST.get("action", "add"), request.POST.get("search", "")
        try:
            if action == "add" and form.is_valid():
                saved_search_services.saved_search_create(person=request.user, **form.cleaned_data)
                messages.success(request, _("Saved: we tell you when a call like this opens."))
                return redirect("volunteer:saved_searches")
            if action in ("delete", "pause", "resume") and search_id.isdigit():
                found = saved_search_services.saved_search_get(person=request.user, search_id=int(search_id))
                if action == "delete":
                    found.delete()
                else:
                    found.is_active = action == "resume"
                    found.save(update_fields=["is_active"])
                return redirect("volunteer:saved_searches")
        except DomainError as error:
            form.add_error(None, error.message)
    return render(
        request,
        "campaigns/volunteer/saved_searches.html",
        {
            "form": form,
            "searches": request.user.saved_searches.select_related("department", "service", "district"),
        },
        status=400 if form.errors else 200,
    )
