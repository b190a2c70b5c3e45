"""A person's qualifications (what they submitted, and whether staff verified it) and their guardian's
consent, from their account pages. Both are reached from the sign-up path when a call needs them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.errors import DomainError

from ..auth import client_ip
from ..views import _add_domain_error, _next_url
from . import selectors, services
from .forms import GuardianCodeForm, GuardianForm, QualificationForm


@login_required
def qualifications(request):
    """The person's qualifications with their state, and a form to add one."""
    initial = {}
    if kind_slug := request.GET.get("kind"):
        initial["kind"] = selectors.qualification_kind_list().filter(slug=kind_slug).first()
    form = QualificationForm(request.POST or None, request.FILES or None, initial=initial)
    next_url = _next_url(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.qualification_submit(
                person=request.user,
                kind=data["kind"],
                issued_on=data["issued_on"],
                valid_until=data.get("valid_until"),
                certificate_number=data.get("certificate_number", ""),
                evidence=data.get("evidence"),
            )
        except DomainError as error:
            _add_domain_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "Thank you. Staff will check it; you are told when it is verified, and then you can sign "
                    "up."
                ),
            )
            return redirect(next_url or reverse("volunteers:qualifications"))
    return render(
        request,
        "volunteers/qualifications.html",
        {
            "form": form,
            "qualifications": selectors.qualification_list_for_person(person=request.user),
            "next_url": next_url,
        },
    )


@login_required
def guardian_consent(request):
    """Two steps: the guardian's name and mobile (a code is sent to it), then the code they give back."""
    next_url = _next_url(request)
    step = request.POST.get("step", "ask")
    if request.method == "POST" and step == "confirm":
        form = GuardianCodeForm(request.POST)
        if form.is_valid():
            try:
                services.guardian_consent_confirm(
                    person=request.user,
                    guardian_name=form.cleaned_data["guardian_name"],
                    guardian_phone=form.cleaned_data["guardian_phone"],
                    code=form.cleaned_data["code"],
                    client_ip=client_ip(request),
                )
            except DomainError as error:
                _add_domain_error(form, error)
            else:
                messages.success(request, _("Your guardian's consent is recorded for a year."))
                return redirect(next_url or reverse("volunteers:account"))
        return render(
            request,
            "volunteers/guardian_consent.html",
            {"form": form, "step": "confirm", "next_url": next_url},
        )
    form = GuardianForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mobile = services.guardian_consent_request(
                person=request.user,
                guardian_name=form.cleaned_data["guardian_name"],
                guardian_phone=form.cleaned_data["guardian_phone"],
                client_ip=client_ip(request),
            )
        except DomainError as error:
            _add_domain_error(form, error)
        else:
            confirm = GuardianCodeForm(
                initial={"guardian_name": form.cleaned_data["guardian_name"], "guardian_phone": mobile}
            )
            return render(
                request,
                "volunteers/guardian_consent.html",
                {"form": confirm, "step": "confirm", "next_url": next_url, "sent_to": mobile},
            )
    return render(
        request, "volunteers/guardian_consent.html", {"form": form, "step": "ask", "next_url": next_url}
    )
