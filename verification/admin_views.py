"""The staff's verification queue in the Wagtail admin, scoped to their own departments.

Volunteers who reach these addresses are refused (403); a report of another department does not exist
for staff of this one (404). Every action is a POST that calls one service and comes back with a message.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from campaigns.models import SignUp
from city.permissions import departments_for_staff
from core.errors import DomainError, NotFoundError
from core.localization import format_number

from . import selectors, services
from .errors import NotVerificationStaff
from .forms import DecisionForm, OnBehalfForm
from .models import Completion

TABS = {
    "open": selectors.OPEN_STATUSES,
    "approved": (Completion.Status.APPROVED,),
    "rejected": (Completion.Status.REJECTED,),
    "revoked": (Completion.Status.REVOKED,),
}


def _staff_only(call):
    """Turns the selectors' refusals into the admin's 403 and 404 pages."""
    try:
        return call()
    except NotVerificationStaff:
        raise PermissionDenied from None
    except NotFoundError as error:
        raise Http404(error.message) from None


def _back(request, fallback: str) -> str:
    next_url = request.POST.get("next") or request.GET.get("next")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return next_url
    return fallback


def queue(request):
    """Reports waiting for a decision (or, on the other tabs, decided ones), grouped by shift."""
    tab = request.GET.get("status", "open")
    if tab not in TABS:
        tab = "open"
    department_id = request.GET.get("department")
    department_id = int(department_id) if department_id and department_id.isdigit() else None
    completions = _staff_only(
        lambda: selectors.completion_queue(user=request.user, statuses=TABS[tab], department_id=department_id)
    )
    page = Paginator(completions, 50).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "verification/admin/queue.html",
        {
            "page_title": _("Verification"),
            "header_icon": "tasks",
            "tab": tab,
            "tabs": [
                ("open", _("Waiting")),
                ("approved", _("Approved")),
                ("rejected", _("Rejected")),
                ("revoked", _("Revoked")),
            ],
            "counts": selectors.queue_counts(user=request.user),
            "page": page,
            "shifts": selectors.queue_shifts(completions=page.object_list),
            "departments": departments_for_staff(user=request.user),
            "department_id": department_id,
            "threshold": services.second_approver_threshold(),
        },
    )


def completion_detail(request, completion_id: int):
    completion = _staff_only(
        lambda: selectors.completion_get_for_staff(completion_id=completion_id, user=request.user)
    )
    return TemplateResponse(
        request,
        "verification/admin/completion.html",
        {
            "page_title": _("Completion report"),
            "header_icon": "tasks",
            "completion": completion,
            "signup": completion.signup,
            "decisions": list(completion.verifications.all()),
            "hours_limit": selectors.hours_limit(completion.signup),
            "estimated_points": selectors.estimated_points(completion, completion.hours),
            "needs_second_approval": selectors.needs_second_approval(completion),
            "is_own_work": selectors.is_own_work(completion, request.user),
            "threshold": services.second_approver_threshold(),
        },
    )


@require_POST
def photos_withhold(request, completion_id: int):
    """Keep a report's photos off the open city page whatever the volunteer allowed, or let them back."""
    completion = _staff_only(
        lambda: selectors.completion_get_for_staff(completion_id=completion_id, user=request.user)
    )
    withheld = bool(request.POST.get("withheld"))
    try:
        services.completion_photos_withhold(completion=completion, actor=request.user, withheld=withheld)
    except DomainError as error:
        raise PermissionDenied(error.message) from None
    if withheld:
        messages.success(request, _("The photos are kept off the public page."))
    else:
        messages.success(request, _("The photos may be on the public page again."))
    return redirect("verification_admin:completion", completion.pk)


@require_POST
def completion_decide(request, completion_id: int):
    """Approve (with corrected hours), reject or revoke, from the queue or a report's page."""
    completion = _staff_only(
        lambda: selectors.completion_get_for_staff(completion_id=completion_id, user=request.user)
    )
    back = _back(request, reverse("verification_admin:queue"))
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what to do with the report."))
        return redirect(back)
    data = form.cleaned_data
    name = completion.signup.volunteer.display_name
    try:
        if data["action"] == "revoke":
            services.completion_revoke(completion=completion, actor=request.user, reason=data["reason"])
            messages.success(request, _("The approval of %(name)s's report is revoked.") % {"name": name})
        elif data["action"] == "reject":
            services.completion_reject(
                completion=completion,
                actor=request.user,
                reason=data["reason"],
                expected_status=data["expected_status"] or None,
            )
            messages.success(request, _("%(name)s's report is rejected.") % {"name": name})
        else:
            verification = services.completion_approve(
                completion=completion,
                actor=request.user,
                hours=data["hours"] or None,
                reason=data["reason"],
                expected_status=data["expected_status"] or None,
                figures={
                    key.removeprefix("figure_"): value
                    for key, value in request.POST.items()
                    if key.startswith("figure_") and value.strip()
                },
            )
            if verification.is_final_approval:
                messages.success(
                    request,
                    _("%(name)s's report is approved: %(hours)s hours.")
                    % {"name": name, "hours": format_number(verification.hours)},
                )
            else:
                messages.success(
                    request,
                    _("%(name)s's report is approved once; it is worth enough to need a second approver.")
                    % {"name": name},
                )
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(back)


@require_POST
def shift_approve_all(request, shift_id: int):
    """Approves every waiting report of a shift, leaving the approver's own work for a colleague."""
    shift = _staff_only(lambda: selectors.shift_get_for_staff(shift_id=shift_id, user=request.user))
    result = services.shift_approve_all(shift=shift, actor=request.user)
    done = len(result.approved)
    messages.success(
        request,
        ngettext("%(count)s report approved.", "%(count)s reports approved.", done)
        % {"count": format_number(done)},
    )
    if result.awaiting_second:
        count = len(result.awaiting_second)
        messages.info(
            request,
            ngettext(
                "%(count)s report is worth enough to need a second approver.",
                "%(count)s reports are worth enough to need a second approver.",
                count,
            )
            % {"count": format_number(count)},
        )
    if result.skipped_own:
        count = len(result.skipped_own)
        messages.warning(
            request,
            ngettext(
                "%(count)s report is your own work and was skipped: a colleague has to decide on it.",
                "%(count)s reports are your own work and were skipped: a colleague has to decide on them.",
                count,
            )
            % {"count": format_number(count)},
        )
    if result.skipped:
        count = len(result.skipped)
        messages.warning(
            request,
            ngettext(
                "%(count)s report was skipped: it was decided meanwhile or cannot be approved as reported.",
                "%(count)s reports were skipped: they were decided meanwhile or cannot be approved as "
                "reported.",
                count,
            )
            % {"count": format_number(count)},
        )
    return redirect(_back(request, reverse("verification_admin:queue")))


def on_behalf(request, signup_id: int):
    """Staff enter the hours of someone who worked a shift but could not check in or report."""
    _staff_only(lambda: selectors.require_verification_staff(user=request.user))
    signup = (
        SignUp.objects.select_related("shift__call__service", "volunteer")
        .filter(pk=signup_id, shift__call__service__department__in=departments_for_staff(user=request.user))
        .first()
    )
    if signup is None:
        raise Http404
    form = OnBehalfForm(request.POST or None, shift=signup.shift)
    if request.method == "POST" and form.is_valid():
        try:
            completion = services.completion_report_on_behalf(
                signup=signup,
                actor=request.user,
                started_at=form.cleaned_data["started_at"],
                ended_at=form.cleaned_data["ended_at"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("%(hours)s hours entered for %(name)s; another member of staff verifies them.")
                % {"hours": format_number(completion.hours), "name": signup.volunteer.display_name},
            )
            return redirect("verification_admin:completion", completion.pk)
    return TemplateResponse(
        request,
        "verification/admin/on_behalf.html",
        {"page_title": _("Enter hours for someone"), "header_icon": "time", "signup": signup, "form": form},
        status=400 if form.errors else 200,
    )
