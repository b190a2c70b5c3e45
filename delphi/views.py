from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from core.errors import DomainError

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
