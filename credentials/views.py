from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.errors import DomainError
from volunteers.auth import client_ip

from . import erasure, exports, selectors, services
from .forms import CertificateForm
from .models import DataExport
from .pdf import certificate_pdf


@login_required
def certificates(request):
    """The person's certificates, and the form to issue one for a period."""
    form = CertificateForm(request.POST or None, initial={"language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        try:
            certificate = services.certificate_issue(
                person=request.user, actor=request.user, **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("Your certificate %(serial)s is ready.") % {"serial": certificate.serial}
            )
            return redirect("credentials:certificates")
    return TemplateResponse(
        request,
        "credentials/certificates.html",
        {"form": form, "certificates": selectors.certificates_of(person=request.user)},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_GET
def certificate_download(request, serial: str):
    """The PDF, for its holder only: anyone else finds nothing here."""
    certificate = selectors.certificate_by_serial(serial)
    if certificate is None or certificate.holder_id != request.user.pk:
        raise Http404
    return certificate_pdf_response(request, certificate)


def certificate_pdf_response(request, certificate):
    """The certificate's PDF as a download."""
    url = request.build_absolute_uri(selectors.verification_path(certificate))
    response = HttpResponse(
        certificate_pdf(certificate, verification_url=url), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.serial}.pdf"'
    return response


@require_GET
def certificate_check(request, serial: str):
    """The public verification page: what the certificate shows, and whether it still stands."""
    certificate = selectors.certificate_by_serial(serial)
    if certificate is None:
        raise Http404(_("No certificate has this serial number. Check the number on the certificate."))
    return TemplateResponse(
        request,
        "credentials/check.html",
        {"certificate": certificate, "figures": selectors.certificate_shown(certificate)},
    )


@login_required
def my_data(request):
    """The person asks for everything Hamyar holds about them; the archive is made in the background."""
    if request.method == "POST":
        exports.data_export_request(person=request.user)
        messages.success(
            request,
            _("Your archive is being prepared. Come back to this page in a few minutes to download it."),
        )
        return redirect("credentials:my_data")
    return TemplateResponse(
        request,
        "credentials/my_data.html",
        {"exports": request.user.data_exports.all()[:5], "days": exports.EXPORT_DAYS},
    )


@login_required
@require_GET
def my_data_download(request, export_id: int):
    export = DataExport.objects.filter(pk=export_id, person=request.user).first()
    if export is None or not export.is_downloadable():
        raise Http404(_("This archive is not there (any more): ask for a new one."))
    response = FileResponse(
        exports.export_storage().open(export.file_name, "rb"), as_attachment=True, filename="hamyar-data.zip"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def account_delete(request):
    """Two steps: what deleting means (and a code sent to the person's mobile), then the code (or, without
    a mobile, the password) to confirm. The person is logged out once it is done."""
    person = request.user
    step = request.POST.get("step", "")
    error = None
    try:
        if request.method == "POST" and step == "send":
            erasure.check_can_delete(person)
            erasure.deletion_code_send(
                person=person, client_ip=client_ip(request), language=request.LANGUAGE_CODE
            )
            return TemplateResponse(request, "credentials/account_delete.html", {"step": "confirm"})
        if request.method == "POST" and step == "confirm":
            erasure.account_delete(
                person=person,
                client_ip=client_ip(request),
                code=request.POST.get("code", ""),
                password=request.POST.get("password", ""),
            )
            logout(request)
            messages.success(request, _("Your account is deleted. Thank you for what you did for the city."))
            return redirect("/")
    except DomainError as refused:
        error = refused.message
        step = "confirm" if step == "confirm" else ""
    return TemplateResponse(
        request,
        "credentials/account_delete.html",
        {"step": step or "start", "error": error},
        status=400 if error else 200,
    )
