"""Check-in on the web: the page a volunteer's phone opens from the QR code, and the site lead's QR screen,
roster and list of shifts. Rules live in `campaigns.checkin`; a refusal is a message on the page, never
an error page, and says what the person can do next."""

import math

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, translate_url
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import DomainError, NotFoundError, PermissionDeniedError
from core.localization import ascii_digits

from ..models import SignUp
from . import services as checkin


def _site_lead_shift(request, shift_id: int):
    try:
        return checkin.shift_get_for_site_lead(shift_id=shift_id, user=request.user)
    except NotFoundError as error:
        raise Http404(error.message) from None
    except PermissionDeniedError as error:
        raise PermissionDenied(error.message) from None


def _position(request) -> tuple[float | None, float | None]:
    """The phone's position from the form; anything unreadable counts as no position."""
    try:
        latitude = float(ascii_digits(request.POST.get("latitude", "")))
        longitude = float(ascii_digits(request.POST.get("longitude", "")))
    except ValueError:
        return None, None
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        return None, None
    return latitude, longitude


def _render_scan(request, *, token: str, plan=None, error: DomainError | None = None):
    context = {"token": token, "plan": plan, "error": error}
    if plan is not None:
        context["needs_position"] = checkin.position_required(plan.shift)
    status = error.status_code if error is not None else 200
    return render(request, "campaigns/checkin/scan.html", context, status=status)


# --- The volunteer's side -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def scan(request, token: str):
    """GET shows what the scan will do (check in or out) and asks for the phone's position when the shift
    needs it; POST does it and shows the result. Someone not logged in logs in (or signs up) and comes
    back here."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    # The QR code's link is in the site's default language; someone who reads another gets their own.
    if request.method == "GET" and get_language() == settings.LANGUAGE_CODE:
        in_their_language = translate_url(request.get_full_path(), request.user.preferred_language)
        if in_their_language != request.get_full_path():
            return redirect(in_their_language)
    if request.method == "POST":
        latitude, longitude = _position(request)
        try:
            result = checkin.checkin_scan(
                token=token, volunteer=request.user, latitude=latitude, longitude=longitude
            )
        except DomainError as error:
            try:
                plan = checkin.checkin_scan_plan(token=token, volunteer=request.user)
            except DomainError:
                plan = None  # nothing to retry on this page: the error says what to do instead
            return _render_scan(request, token=token, plan=plan, error=error)
        return redirect("checkin:result", signup_id=result.signup.pk)

    try:
        plan = checkin.checkin_scan_plan(token=token, volunteer=request.user)
    except DomainError as error:
        return _render_scan(request, token=token, error=error)
    if plan.step is None:
        return redirect("checkin:result", signup_id=plan.signup.pk)
    return _render_scan(request, token=token, plan=plan)


@require_GET
@login_required
def result(request, signup_id: int):
    """Where the person stands on the shift: checked in at…, checked out at…"""
    signup = (
        SignUp.objects.select_related("shift__call__district")
        .filter(pk=signup_id, volunteer=request.user)
        .first()
    )
    if signup is None:
        raise Http404(_("You have no sign-up with this number."))
    return render(request, "campaigns/checkin/result.html", {"signup": signup, "shift": signup.shift})


# --- The site lead's side -----------------------------------------------------------------------------


@require_GET
@login_required
def shift_list(request):
    """The shifts of the person's departments that are on now or coming up, with links to their QR code
    and roster."""
    if not checkin.departments_for_staff(user=request.user).exists():
        raise PermissionDenied(_("Only municipal staff run check-in."))
    shifts = checkin.shifts_for_site_lead(user=request.user)
    return render(request, "campaigns/checkin/shift_list.html", {"shifts": shifts})


@require_GET
@login_required
def qr(request, shift_id: int):
    """The big QR code for the site lead's screen; it refreshes itself before its token expires."""
    shift = _site_lead_shift(request, shift_id)
    issued = checkin.checkin_token_issue(shift=shift)
    url = checkin.checkin_url(token=issued.token, request=request)
    context = {
        "shift": shift,
        "issued": issued,
        "qr_svg": checkin.checkin_qr_svg(url=url),
        "counts": checkin.checkin_counts(shift=shift),
        "refresh_seconds": int(checkin.token_refresh_interval().total_seconds()),
        "opens_at": checkin.checkin_opens_at(shift),
        "not_open_yet": timezone.now() < checkin.checkin_opens_at(shift),
    }
    return render(request, "campaigns/checkin/qr.html", context)


@require_GET
@login_required
def roster(request, shift_id: int):
    """Everyone with a place on the shift, with buttons to check them in and out by hand."""
    shift = _site_lead_shift(request, shift_id)
    context = {
        "shift": shift,
        "signups": checkin.checkin_roster(shift=shift),
        "counts": checkin.checkin_counts(shift=shift),
    }
    return render(request, "campaigns/checkin/roster.html", context)


def _roster_action(request, signup_id: int, service, success_message: str):
    try:
        signup = checkin.signup_get_for_site_lead(signup_id=signup_id, user=request.user)
    except NotFoundError as error:
        raise Http404(error.message) from None
    try:
        signup = service(signup=signup, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        name = signup.volunteer.get_full_name() or signup.volunteer.get_username()
        messages.success(request, success_message % {"name": name})
    return redirect(f"{reverse('checkin:roster', args=[signup.shift_id])}#signup-{signup.pk}")


@require_POST
@login_required
def signup_check_in(request, signup_id: int):
    return _roster_action(request, signup_id, checkin.signup_check_in, _("%(name)s is checked in."))


@require_POST
@login_required
def signup_check_out(request, signup_id: int):
    return _roster_action(request, signup_id, checkin.signup_check_out, _("%(name)s is checked out."))


@require_POST
@login_required
def walk_in(request, shift_id: int):
    """The site lead registers someone who came without signing up, and checks them in."""
    shift = _site_lead_shift(request, shift_id)
    try:
        signup = checkin.walk_in_register(
            shift=shift,
            actor=request.user,
            phone=request.POST.get("phone", ""),
            first_name=request.POST.get("first_name", ""),
            last_name=request.POST.get("last_name", ""),
            language=request.LANGUAGE_CODE,
            waiver_accepted=request.POST.get("waiver_accepted") == "1",
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("checkin:roster", shift.pk)
    name = signup.volunteer.get_full_name() or signup.volunteer.get_username()
    messages.success(request, _("%(name)s has a place and is checked in.") % {"name": name})
    return redirect(f"{reverse('checkin:roster', args=[shift.pk])}#signup-{signup.pk}")
