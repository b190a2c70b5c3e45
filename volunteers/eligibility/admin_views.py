"""Staff's list of qualifications waiting for verification, in the staff area (/admin/qualifications/).
Certificates are personal data: their files are served from here, to staff who may verify, never from
the public media address."""

import mimetypes

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import DomainError

from ..models import Qualification
from . import selectors, services


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (sent to the person)"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _verifier_only(request) -> None:
    if not selectors.can_verify_qualifications(request.user):
        raise PermissionDenied


def _qualification(qualification_id: int) -> Qualification:
    try:
        return Qualification.objects.select_related("kind", "person").get(pk=qualification_id)
    except Qualification.DoesNotExist:
        raise Http404 from None


def queue(request):
    _verifier_only(request)
    return TemplateResponse(
        request,
        "volunteers/eligibility/admin/queue.html",
        {"qualifications": selectors.qualifications_awaiting_verification()},
    )


def evidence(request, qualification_id: int):
    _verifier_only(request)
    qualification = _qualification(qualification_id)
    if not qualification.evidence:
        raise Http404
    content_type = mimetypes.guess_type(qualification.evidence.name)[0] or "application/octet-stream"
    response = FileResponse(qualification.evidence.open("rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


@require_POST
def verify(request, qualification_id: int):
    _verifier_only(request)
    qualification = _qualification(qualification_id)
    try:
        services.qualification_verify(qualification=qualification, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(person)s's %(kind)s is verified; they are being told.")
            % {"person": qualification.person.display_name, "kind": qualification.kind.name},
        )
    return redirect("volunteers_qualification_queue")


def reject(request, qualification_id: int):
    _verifier_only(request)
    qualification = _qualification(qualification_id)
    form = RejectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.qualification_reject(
                qualification=qualification, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The qualification is not accepted; the person is being told why."))
            return redirect("volunteers_qualification_queue")
    return TemplateResponse(
        request,
        "volunteers/eligibility/admin/reject.html",
        {"qualification": qualification, "form": form},
    )
