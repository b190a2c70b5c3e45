"""The workbench's page of one study in the staff area: its panels and panellists (with their private links),
rounds, figures and advice, and the steps (open a round, close it, promote a candidate). Scoped by
delphi.permissions: a study the member of staff may not run does not exist for them (404)."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from city.permissions import departments_for_staff
from core.errors import DomainError
from core.localization import format_number

from . import services
from .admin_forms import PromoteForm, RoundOpenForm
from .models import Candidate, CandidateResult, PanelResult, Study
from .permissions import studies_for_staff


def _study_for(request, study_id: int) -> Study:
    if not request.user.has_perm("delphi.change_study"):
        raise PermissionDenied
    return get_object_or_404(studies_for_staff(user=request.user), pk=study_id)


def _rounds_with_results(study: Study) -> list[dict]:
    rounds = []
    panel_results = PanelResult.objects.filter(round__study=study).select_related("panel")
    candidate_results = CandidateResult.objects.filter(round__study=study).select_related("candidate__panel")
    for found in study.rounds.order_by("number"):
        rounds.append(
            {
                "round": found,
                "panels": [result for result in panel_results if result.round_id == found.pk],
                "candidates": [result for result in candidate_results if result.round_id == found.pk],
                "submitted": found.submissions.count(),
            }
        )
    return rounds


def study_detail(request, study_id: int):
    study = _study_for(request, study_id)
    panellists = []
    for panel in study.panels.prefetch_related("panellists"):
        for panellist in panel.panellists.all():
            # Each link opens in the panellist's own language.
            with translation.override(panellist.language):
                path = reverse("delphi:questionnaire", args=[panellist.token])
            panellists.append((panellist, request.build_absolute_uri(path)))
    candidates = study.candidates.select_related("panel", "promoted_service")
    last_results = {
        result.candidate_id: result
        for result in CandidateResult.objects.filter(round__study=study).order_by("round__number")
    }
    promotable = [
        candidate
        for candidate in candidates
        if candidate.promoted_service_id is None
        and candidate.dropped_after_round is None
        and getattr(last_results.get(candidate.pk), "qualifies", False)
    ]
    departments = departments_for_staff(user=request.user)
    return TemplateResponse(
        request,
        "delphi/admin/study.html",
        {
            "page_title": study.title,
            "header_icon": "table",
            "study": study,
            "panellists": panellists,
            "candidates": candidates,
            "rounds": _rounds_with_results(study),
            "open_round": study.rounds.filter(closed_at__isnull=True).first(),
            "advice": services.study_advice(study),
            "round_form": RoundOpenForm(),
            "promotable": promotable,
            "promote_form": PromoteForm(),
            "departments": departments,
            "default_department_id": study.department_id,
        },
    )


@require_POST
def round_open(request, study_id: int):
    study = _study_for(request, study_id)
    form = RoundOpenForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["days"]))
        return redirect("delphi_admin:study", study.pk)
    closes_at = timezone.now() + datetime.timedelta(days=form.cleaned_data["days"])
    try:
        opened = services.round_open(study=study, closes_at=closes_at, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Round %(number)s is open for answers.") % {"number": format_number(opened.number)}
        )
    return redirect("delphi_admin:study", study.pk)


@require_POST
def round_close(request, study_id: int):
    study = _study_for(request, study_id)
    current = study.rounds.filter(closed_at__isnull=True).first()
    if current is None:
        raise Http404
    try:
        services.round_close(round=current, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Round %(number)s is closed and its figures are computed.")
            % {"number": format_number(current.number)},
        )
    return redirect("delphi_admin:study", study.pk)


@require_POST
def candidate_promote(request, study_id: int, candidate_id: int):
    study = _study_for(request, study_id)
    candidate = get_object_or_404(Candidate, pk=candidate_id, study=study)
    form = PromoteForm(request.POST)
    department = departments_for_staff(user=request.user).filter(pk=request.POST.get("department")).first()
    if not form.is_valid() or department is None:
        messages.error(request, _("Give the new service a department, an address name and a short name."))
        return redirect("delphi_admin:study", study.pk)
    try:
        service = services.candidate_promote(
            candidate=candidate, department=department, actor=request.user, **form.cleaned_data
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("“%(service)s” is now a service of the catalogue; its calls can be published.")
            % {"service": service.short_name},
        )
    return redirect("delphi_admin:study", study.pk)

