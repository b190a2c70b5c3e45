"""Staff look a person up in the admin: find them, say why, see their record (logged)."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from credentials.forms import CertificateForm
from credentials.views import certificate_pdf_response

from . import people_selectors as selectors
from . import people_services as services

REASONS = [
    ("asked", _("They asked us for help (phone, desk, message)")),
    ("site", _("Checking them in or helping them on site")),
    ("verify", _("Verifying their work or hours")),
    ("other", _("Another reason (say which)")),
]


class RecordReasonForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why are you opening this record?"), choices=REASONS, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("In a few words"), max_length=250, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason") == "other" and not cleaned.get("note", "").strip():
            self.add_error("note", _("Say why you are opening this person's record."))
        return cleaned

    def reason_text(self) -> str:
        label = str(dict(REASONS)[self.cleaned_data["reason"]])
        note = self.cleaned_data.get("note", "").strip()
        return f"{label}: {note}" if note else label


def _staff_only(request) -> None:
    if not selectors.can_look_up_people(request.user):
        raise PermissionDenied


def _person_or_404(request, person_id: int):
    """The person, for staff who may look them up; 403 for anyone else, 404 for someone they may not see."""
    _staff_only(request)
    person = selectors.person_for_staff(viewer=request.user, person_id=person_id)
    if person is None:
        raise Http404
    return person


def search(request):
    _staff_only(request)
    query = request.GET.get("q", "")
    people = selectors.people_search(viewer=request.user, query=query) if query else []
    return TemplateResponse(request, "cms/people/search.html", {"query": query, "people": people})


def record(request, person_id: int):
    """GET asks why; POST with a reason logs it and shows the record."""
    person = _person_or_404(request, person_id)
    form = RecordReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_record_open(person=person, actor=request.user, reason=form.reason_text())
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return TemplateResponse(
                request, "cms/people/record.html", {"record": selectors.person_record(person=person)}
            )
    return TemplateResponse(request, "cms/people/reason.html", {"person": person, "form": form})


class StaffCertificateForm(CertificateForm):
    reason = forms.CharField(
        label=_("Why you issue it for them"),
        max_length=250,
        help_text=_("Kept in the log with your name, as when opening the record."),
    )


def record_certificate(request, person_id: int):
    """Staff issue a person's certificate for them (logged, with the reason) and download its PDF."""
    person = _person_or_404(request, person_id)
    form = StaffCertificateForm(request.POST or None, initial={"language": person.preferred_language or "fa"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            certificate = services.person_certificate_issue(
                person=person,
                actor=request.user,
                reason=data["reason"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                language=data["language"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return certificate_pdf_response(request, certificate)
    return TemplateResponse(
        request,
        "cms/people/certificate.html",
        {"person": person, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


class DataReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you take their data for them"),
        max_length=250,
        help_text=_("Kept in the log with your name, as when opening the record."),
    )


def record_data(request, person_id: int):
    """Staff download a person's whole data archive for them (logged, with the reason)."""
    person = _person_or_404(request, person_id)
    form = DataReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            archive = services.person_data_export(
                person=person, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            response = HttpResponse(archive, content_type="application/zip")
            response["Content-Disposition"] = f'attachment; filename="hamyar-data-{person.pk}.zip"'
            response["Cache-Control"] = "private, no-store"
            return response
    return TemplateResponse(
        request,
        "cms/people/data.html",
        {"person": person, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )
