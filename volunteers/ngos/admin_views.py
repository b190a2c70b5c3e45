"""Municipal staff's queue of NGOs waiting for verification, in the staff area (/admin/ngos/)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError

from . import selectors, services
from .forms import RejectForm


def _verifier_only(request):
    if not selectors.can_verify_organisations(request.user):
        raise PermissionDenied


def _organisation(request, organisation_id: int):
    try:
        return selectors.organisation_get_for_verifier(organisation_id=organisation_id, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return None


def queue(request):
    _verifier_only(request)
    return TemplateResponse(
        request,
        "volunteers/ngo/admin/queue.html",
        {"organisations": selectors.organisations_awaiting_verification()},
    )


@require_POST
def verify(request, organisation_id: int):
    _verifier_only(request)
    if (organisation := _organisation(request, organisation_id)) is not None:
        try:
            services.organisation_verify(organisation=organisation, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("“%(ngo)s” is verified; its owners are being told.") % {"ngo": organisation.name_fa},
            )
    return redirect("volunteers_ngo_queue")


def reject(request, organisation_id: int):
    _verifier_only(request)
    organisation = _organisation(request, organisation_id)
    if organisation is None:
        return redirect("volunteers_ngo_queue")
    form = RejectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_reject(
                organisation=organisation, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("The registration of “%(ngo)s” is rejected; its owners are being told why.")
                % {"ngo": organisation.name_fa},
            )
            return redirect("volunteers_ngo_queue")
    return TemplateResponse(
        request, "volunteers/ngo/admin/reject.html", {"organisation": organisation, "form": form}
    )
