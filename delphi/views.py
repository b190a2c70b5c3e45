import csv

from django.contrib import messages
from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.localization import format_date

from . import selectors, services
from .forms import QuestionnaireForm


def questionnaire(request, token: str):
    """A panellist's private page: the open round's questionnaire for their panel, or what they already
    sent. Anyone with the link is that panellist, so the link is all it needs; it names nobody."""
    panellist = selectors.panellist_by_token(token)
    if panellist is None:
        raise Http404(_("This questionnaire link is not valid. Ask the study's staff for your link."))
    study = panellist.panel.study
    current = selectors.open_round(study)
    answered = current is not None and current.submissions.filter(panellist=panellist).exists()
    form = None
    if current is not None and not answered:
        items = selectors.questionnaire(panellist=panellist, round=current)
        form = QuestionnaireForm(request.POST or None, items=items, study=study)
        if request.method == "POST" and form.is_valid():
            try:
                services.answers_submit(panellist=panellist, round=current, answers=form.answers())
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Thank you: your answers are recorded."))
                return redirect(request.path)
    return TemplateResponse(
        request,
        "delphi/questionnaire.html",
        {"panellist": panellist, "study": study, "round": current, "answered": answered, "form": form},
        status=400 if form is not None and form.is_bound and form.errors else 200,
    )


def _counted(items: list[dict]) -> list[tuple[str, int]]:
    return [(selectors.localized_text(item), item["count"]) for item in items]


def study_list(request):
    return TemplateResponse(request, "delphi/study_list.html", {"studies": selectors.public_studies()})


def study_detail(request, study_id: int):
    """A study as anyone may read it: the funnel, who was on the panels (by role, never by name), each
    round's figures per panel and candidate, and which candidates became services."""
    study = get_object_or_404(selectors.public_studies(), pk=study_id)
    return TemplateResponse(request, "delphi/study_detail.html", _report_context(study))


def _report_context(study) -> dict:
    facts = study.published_facts
    return {
        "study": study,
        "funnel": selectors.study_funnel(study),
        "reviewed": _counted(facts.get("reviewed_by_department", [])),
        "composition": _counted(facts.get("panel_composition", [])),
        "notes": [selectors.localized_text(item) for item in facts.get("notes", [])],
        "source": selectors.study_source(study),
        "panels": selectors.study_report(study),
    }


def study_pdf(request, study_id: int):
    """The study's report as a PDF in the reader's language: what its page shows, laid out for print."""
    from weasyprint import HTML  # loaded only when a PDF is made: it is large

    study = get_object_or_404(selectors.public_studies(), pk=study_id)
    html = render_to_string(
        "delphi/study_report_pdf.html",
        {
            **_report_context(study),
            "made_on": format_date(timezone.now()),
            "font_url": "file://" + finders.find("fonts/Vazirmatn-wght.woff2"),
        },
        request=request,
    )
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="delphi-study-{study.pk}.pdf"'
    return response


def study_csv(request, study_id: int):
    """Every figure of a study as one CSV: a row per panel and round (W and its test) and a row per
    candidate and round (mean, SD, share of the top two points), names in the reader's language."""
    study = get_object_or_404(selectors.public_studies(), pk=study_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="delphi-study-{study.pk}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the Persian names as UTF-8
    writer = csv.writer(response)
    writer.writerow(
        ["row", "panel", "round", "candidate", "mean", "sd", "share_high", "qualifies",
         "w", "chi_square", "df", "p_value", "delta_w", "advice", "published"]
    )  # fmt: skip
    for report in selectors.study_report(study):
        for result in report.rounds:
            writer.writerow(
                ["panel", report.panel.name, result.round.number, "", "", "", "", "",
                 _figure(result.w, 3), _figure(result.chi_square, 3), result.df or "",
                 _figure(result.p_value, 3), _figure(result.delta_w, 3), result.advice, result.published]
            )  # fmt: skip
        for row in report.candidates:
            for panel_round, result in zip(report.rounds, row.results, strict=True):
                if result is None:
                    continue
                writer.writerow(
                    ["candidate", report.panel.name, panel_round.round.number, row.candidate.name,
                     _figure(result.mean, 2), _figure(result.sd, 2), _figure(result.share_high, 2),
                     result.qualifies, "", "", "", "", "", "", result.published]
                )  # fmt: skip
    return response


def _figure(value, places: int) -> str:
    return "" if value is None else f"{value:.{places}f}"
