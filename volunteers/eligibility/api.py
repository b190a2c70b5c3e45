"""A person's qualifications and their guardian's consent, for apps: what calls may require beyond the
profile (see a call's `required_qualifications` and `guardian_consent_required`)."""

from django.http import HttpRequest
from ninja import Router, Status

from ..auth import api_auth, client_ip
from ..models import OneTimeCode
from . import selectors, services
from .errors import QualificationKindNotFound
from .schemas import (
    GuardianCodeIn,
    GuardianCodeSentOut,
    GuardianConsentIn,
    GuardianConsentOut,
    QualificationIn,
    QualificationKindOut,
    QualificationOut,
)

public_router = Router(tags=["Eligibility"])
router = Router(tags=["Eligibility"], auth=api_auth)


@public_router.get(
    "/qualification-kinds", response=list[QualificationKindOut], summary="Qualifications calls may require"
)
def list_qualification_kinds(request: HttpRequest):
    return selectors.qualification_kind_list()


@router.get("/me/qualifications", response=list[QualificationOut], summary="My qualifications")
def list_my_qualifications(request: HttpRequest):
    """Newest first, with staff's decision (`pending` until they decide)."""
    return selectors.qualification_list_for_person(person=request.auth)


@router.post("/me/qualifications", response={201: QualificationOut}, summary="Submit a qualification")
def create_qualification(request: HttpRequest, payload: QualificationIn):
    """Staff verify it; you are told of the decision by e-mail/SMS. 404 `qualification_kind_not_found`;
    400 `qualification_invalid` with `details.field` (no certificate number, issued in the future, already
    expired)."""
    kind = selectors.qualification_kind_list().filter(slug=payload.kind).first()
    if kind is None:
        raise QualificationKindNotFound(payload.kind)
    qualification = services.qualification_submit(
        person=request.auth,
        kind=kind,
        issued_on=payload.issued_on,
        valid_until=payload.valid_until,
        certificate_number=payload.certificate_number,
    )
    return Status(201, qualification)


@router.post(
    "/me/guardian-consent/code",
    response={202: GuardianCodeSentOut},
    summary="Send my guardian a consent code",
)
def send_guardian_code(request: HttpRequest, payload: GuardianCodeIn):
    """Sends a one-time code by SMS to your parent's or guardian's mobile; the limits of one-time codes
    apply (429 `too_many_code_requests` with `Retry-After`). 400 `guardian_invalid` with `details.field`,
    `invalid_phone` or `sms_not_sent`."""
    mobile = services.guardian_consent_request(
        person=request.auth,
        guardian_name=payload.guardian_name,
        guardian_phone=payload.guardian_phone,
        client_ip=client_ip(request),
    )
    code = OneTimeCode.objects.filter(phone=mobile, purpose=OneTimeCode.Purpose.GUARDIAN).first()
    return Status(202, {"guardian_phone": mobile, "expires_at": code.expires_at})


@router.post(
    "/me/guardian-consent", response={201: GuardianConsentOut}, summary="Record my guardian's consent"
)
def create_guardian_consent(request: HttpRequest, payload: GuardianConsentIn):
    """The code your guardian received; the consent covers every call for a year. 400 `code_invalid`,
    `code_expired`, `code_attempts_exhausted` or `guardian_invalid`."""
    consent = services.guardian_consent_confirm(
        person=request.auth,
        guardian_name=payload.guardian_name,
        guardian_phone=payload.guardian_phone,
        code=payload.code,
        client_ip=client_ip(request),
    )
    return Status(201, consent)
