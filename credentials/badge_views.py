"""Open Badges 3.0 on the web: the person's badge credentials (issue, download), and the public documents
a verifier fetches: the issuer's profile, its public key, each achievement, and the revocation list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from achievements.models import Badge, BadgeAward
from core.errors import DomainError

from . import openbadges, services
from .models import BadgeCredential


@login_required
def badge_credentials(request):
    awards = BadgeAward.objects.filter(user=request.user).select_related("badge").order_by("-awarded_at")
    issued = BadgeCredential.objects.filter(holder=request.user).select_related("badge_award__badge")
    return TemplateResponse(
        request,
        "credentials/badge_credentials.html",
        {"awards": awards, "credentials": issued},
    )


@login_required
@require_POST
def badge_credential_issue(request):
    """Issues the credential of one of the person's badges (award id), or of their verified hours."""
    try:
        if request.POST.get("kind") == "hours":
            credential = services.hours_credential_issue(
                person=request.user, language=request.LANGUAGE_CODE
            )
        else:
            award = get_object_or_404(BadgeAward, pk=request.POST.get("award") or 0, user=request.user)
            credential = services.badge_credential_issue(award=award, language=request.LANGUAGE_CODE)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("credentials:badge_credentials")
    messages.success(request, _("Your Open Badges credential is ready to download."))
    return redirect(f"{request.path.rsplit('/issue/', 1)[0]}/#credential-{credential.public_id}")


@login_required
@require_GET
def badge_credential_download(request, public_id):
    """The signed credential (VC-JWT) as a file, for its holder only."""
    credential = BadgeCredential.objects.filter(public_id=public_id, holder=request.user).first()
    if credential is None:
        raise Http404
    response = HttpResponse(credential.token, content_type="application/vc+jwt")
    response["Content-Disposition"] = f'attachment; filename="open-badge-{credential.public_id}.jwt"'
    return response


def issuer_profile(request):
    return JsonResponse(
        {"@context": openbadges.CONTEXTS, **openbadges.issuer_profile()},
        json_dumps_params={"ensure_ascii": False},
    )


def public_key(request):
    """The issuer's public key, a bare JWK: what the credentials' `kid` points at."""
    return JsonResponse(openbadges.public_jwk())


def achievement(request, name: str):
    if name == "verified-hours":
        found = services.hours_achievement()
    elif name.startswith("badge-"):
        found = services.badge_achievement(get_object_or_404(Badge, slug=name.removeprefix("badge-")))
    else:
        raise Http404
    return JsonResponse({"@context": openbadges.CONTEXTS, **found}, json_dumps_params={"ensure_ascii": False})


def status_list(request):
    """The revocation list, a signed BitstringStatusListCredential (VC-JWT)."""
    response = HttpResponse(services.status_list_token(), content_type="application/vc+jwt")
    response["Cache-Control"] = "max-age=60"
    return response
