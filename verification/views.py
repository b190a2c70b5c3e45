"""A volunteer's (and an NGO manager's) side of completion reports: reporting a shift as done, seeing how
the report stands and why, and looking at its photos. Rules live in `services`, reads in `selectors`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import DomainError

from . import selectors, services
from .errors import CompletionNotFound, SignUpNotFound
from .forms import CompletionReportForm
from .models import Completion
from .photos import photo_file_response


@require_http_methods(["GET", "POST"])
@login_required
def report(request, signup_id: int):
    """The report form for a shift that is over; a report already made (and not open to correction)
    is shown instead."""
    try:
        signup = selectors.signup_get_for_reporter(signup_id=signup_id, user=request.user)
    except SignUpNotFound as error:
        raise Http404(error.message) from None
    completion = Completion.objects.filter(signup=signup).first()
    if completion is not None and not selectors.can_resubmit(completion):
        return redirect("verification:detail", completion.pk)

    measures = selectors.impact_measures_of(service_id=signup.shift.call.service_id)
    form = CompletionReportForm(request.POST or None, request.FILES or None, measures=measures)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                completion = services.completion_report(
                    signup=signup,
                    actor=request.user,
                    hours=form.cleaned_data["hours"],
                    note=form.cleaned_data["note"],
                    photos=form.photos(),
                    photos_public=form.cleaned_data["photos_public"],
                    measures=form.figures(),
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Thank you! Your report was sent to the municipality's staff."))
                return redirect("verification:detail", completion.pk)
        status = 400
    elif completion is not None:
        form.initial = {
            "hours": completion.hours,
            "note": completion.note,
            "photos_public": completion.photos_public,
            **{f"measure_{figure.measure.key}": figure.value for figure in completion.impact_figures.all()},
        }
    return render(
        request,
        "verification/report.html",
        {
            "form": form,
            "signup": signup,
            "shift": signup.shift,
            "completion": completion,
            "hours_limit": selectors.hours_limit(signup),
            "is_over": selectors.signup_is_over(signup),
            "for_someone_else": signup.volunteer_id != request.user.pk,
        },
        status=status,
    )


@require_GET
@login_required
def detail(request, completion_id: int):
    """How a report stands: what was reported, each decision and its reason."""
    try:
        completion = selectors.completion_get_for_reporter(completion_id=completion_id, user=request.user)
    except CompletionNotFound as error:
        raise Http404(error.message) from None
    decisions = list(completion.verifications.all())
    return render(
        request,
        "verification/detail.html",
        {
            "completion": completion,
            "signup": completion.signup,
            "shift": completion.signup.shift,
            "decisions": decisions,
            "latest": decisions[-1] if decisions else None,
            "can_resubmit": selectors.can_resubmit(completion),
        },
    )


@require_POST
@login_required
def photos_public(request, completion_id: int):
    """The volunteer allows the report's photos on the open city page, or takes that back."""
    try:
        completion = selectors.completion_get_for_reporter(completion_id=completion_id, user=request.user)
        services.completion_photos_public_set(
            completion=completion, actor=request.user, public=bool(request.POST.get("public"))
        )
    except (CompletionNotFound, SignUpNotFound) as error:
        raise Http404(error.message) from None
    if request.POST.get("public"):
        messages.success(request, _("Your photos will be on the open city page, without your name."))
    else:
        messages.success(request, _("Your photos are off the public page."))
    return redirect("verification:detail", completion.pk)


@require_GET
@login_required
def my_completions(request):
    """The person's reports, and for NGO managers their team members' work still to report."""
    team_signups = list(selectors.team_signups_to_report(user=request.user)[:100])
    return render(
        request,
        "verification/my_completions.html",
        {
            "completions": selectors.completion_list_for_volunteer(volunteer=request.user),
            "team_signups": team_signups,
        },
    )


@require_GET
@login_required
def photo(request, photo_id: int):
    """A report's photo, for the volunteer, whoever reported it and staff of the call's department."""
    try:
        found = selectors.photo_get_for_viewer(photo_id=photo_id, user=request.user)
    except CompletionNotFound:
        raise Http404 from None
    return photo_file_response(found)
