"""Completion reports (volunteers, NGO managers) and their verification (municipal staff)."""

import json

import pydantic
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from ninja import Query, Router, Status
from ninja.errors import ValidationError
from ninja.pagination import paginate

from city.models import Service
from core.pagination import PageNumberPagination
from volunteers.auth import api_auth

from . import selectors, services
from .models import CompletionPhoto
from .photos import photo_file_response
from .schemas import (
    CompletionIn,
    CompletionOut,
    DecisionResultOut,
    ImpactMeasureOut,
    PhotosPublicIn,
    QueueFilter,
    QueueItemOut,
    RevokeIn,
    RosterApprovalOut,
    VerifyIn,
)

router = Router(tags=["Verification"], auth=api_auth)

_MULTIPART_SCHEMA = {
    "type": "object",
    "required": ["hours"],
    "properties": {
        "hours": {"type": "string", "example": "2.5"},
        "note": {"type": "string", "maxLength": 2000},
        "photos": {
            "type": "array",
            "items": {"type": "string", "format": "binary"},
            "description": "“After” photos: JPEG, PNG or WebP, at most 5 MB each; four photos in all.",
        },
        "before_photos": {"type": "array", "items": {"type": "string", "format": "binary"}},
        "photos_public": {"type": "boolean", "description": "Show the photos on the open city page."},
        "measures": {
            "type": "string",
            "description": 'The impact figures as a JSON object, e.g. {"waste-bags": 4}.',
        },
    },
}


def _report_input(request: HttpRequest) -> tuple[CompletionIn, list]:
    """The report from a JSON body, or from a multipart form with its photos.

    One address takes both, so a client without photos can send plain JSON; ninja declares one body
    type per operation, hence the parsing here (and the body documented by hand below).
    """
    photos: list = []
    if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        raw = {
            key: request.POST.get(key)
            for key in ("hours", "note", "photos_public", "measures")
            if key in request.POST
        }
        if "measures" in raw:
            try:
                raw["measures"] = json.loads(raw["measures"] or "{}")
            except ValueError:
                message = gettext("The measures are not valid JSON.")
                raise ValidationError([{"loc": ("body", "measures"), "msg": message}]) from None
        for key, kind in (
            ("before_photos", CompletionPhoto.Kind.BEFORE),
            ("photos", CompletionPhoto.Kind.AFTER),
        ):
            photos += [
                (kind, upload) for upload in request.FILES.getlist(key) + request.FILES.getlist(f"{key}[]")
            ]
    else:
        try:
            raw = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            message = gettext("The body is not valid JSON.")
            raise ValidationError([{"loc": ("body",), "msg": message}]) from None
        if not isinstance(raw, dict):
            raise ValidationError([{"loc": ("body",), "msg": gettext("The body must be a JSON object.")}])
    try:
        return CompletionIn.model_validate(raw), photos
    except pydantic.ValidationError as error:
        raise ValidationError(
            [{"loc": ("body", *e["loc"]), "msg": e["msg"]} for e in error.errors()]
        ) from None


@router.post(
    "/signups/{signup_id}/completion",
    response={201: CompletionOut},
    tags=["Completion reports"],
    summary="Report a shift as done",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": CompletionIn.json_schema()},
                "multipart/form-data": {"schema": _MULTIPART_SCHEMA},
            },
        }
    },
)
def report_completion(request: HttpRequest, signup_id: int):
    """Your confirmed place on a shift that has ended (or that you checked out of), or a place an NGO
    team you manage gave one of its members. Hours above 0, at most the shift's length and the time
    between check-in and check-out. A rejected report may be sent again once. 404 `signup_not_found`;
    400 `signup_not_confirmed`, `shift_not_over`, `hours_invalid`, `hours_above_limit`, `too_many_photos`,
    `photo_too_large`, `photo_invalid`, `measure_unknown`, `measure_invalid` (the impact figures, by the
    keys `GET /services/{slug}/impact-measures` lists); 409 `already_reported`, `resubmissions_used`."""
    data, photos = _report_input(request)
    signup = selectors.signup_get_for_reporter(signup_id=signup_id, user=request.auth)
    completion = services.completion_report(
        signup=signup,
        actor=request.auth,
        hours=data.hours,
        note=data.note,
        photos=photos,
        photos_public=data.photos_public,
        measures=data.measures,
    )
    return Status(201, selectors.completion_get_for_reporter(completion_id=completion.pk, user=request.auth))


@router.get(
    "/services/{slug}/impact-measures",
    response=list[ImpactMeasureOut],
    tags=["Completion reports"],
    summary="What a report on the service's shifts measures",
    auth=None,
)
def list_impact_measures(request: HttpRequest, slug: str):
    """The figures a completion report of the service can carry (`measures` by `key`): numbers up to
    `max_per_report`, or checklist items (`check`: true or false). 404 for an unknown service."""
    service = get_object_or_404(Service, slug=slug)
    return selectors.impact_measures_of(service_id=service.pk)


@router.get(
    "/me/completions",
    response=list[CompletionOut],
    tags=["Completion reports"],
    summary="My completion reports",
)
@paginate(PageNumberPagination, page_size=20)
def list_my_completions(request: HttpRequest):
    """Reports on my own shifts, latest shift first, with each decision and its reason."""
    return selectors.completion_list_for_volunteer(volunteer=request.auth)


@router.get(
    "/completions/{completion_id}",
    response=CompletionOut,
    tags=["Completion reports"],
    summary="One completion report",
)
def get_completion(request: HttpRequest, completion_id: int):
    """A report on my shift, or one I made for a member of my team; 404 for anyone else's."""
    return selectors.completion_get_for_reporter(completion_id=completion_id, user=request.auth)


@router.put(
    "/completions/{completion_id}/photos-public",
    response=CompletionOut,
    tags=["Completion reports"],
    summary="Show a report's photos on the open city page, or not",
)
def set_photos_public(request: HttpRequest, completion_id: int, payload: PhotosPublicIn):
    """For whoever reported it or the volunteer whose work it is; the photos show, without names, once the
    work is approved and unless staff keep them off. 404 for anyone else."""
    completion = selectors.completion_get_for_reporter(completion_id=completion_id, user=request.auth)
    services.completion_photos_public_set(completion=completion, actor=request.auth, public=payload.public)
    return selectors.completion_get_for_reporter(completion_id=completion_id, user=request.auth)


@router.get(
    "/completion-photos/{photo_id}",
    url_name="completion_photo",
    tags=["Completion reports"],
    summary="A report's photo (JPEG, without metadata)",
)
def get_completion_photo(request: HttpRequest, photo_id: int):
    """For the volunteer, whoever reported it, and staff of the call's department; 404 for others."""
    photo = selectors.photo_get_for_viewer(photo_id=photo_id, user=request.auth)
    return photo_file_response(photo)


# --- Staff ----------------------------------------------------------------------------------------------


@router.get("/verification/queue", response=list[QueueItemOut], summary="The verification queue")
@paginate(PageNumberPagination, page_size=50)
def verification_queue(request: HttpRequest, filters: Query[QueueFilter]):
    """Reports of your departments' calls, oldest shift first: by default those waiting for a first or a
    second approval. 403 `not_verification_staff` for anyone who is not staff of a department."""
    statuses = selectors.OPEN_STATUSES if filters.status == "open" else (filters.status,)
    return selectors.completion_queue(user=request.auth, statuses=statuses, shift_id=filters.shift)


@router.get(
    "/verification/completions/{completion_id}",
    response=QueueItemOut,
    summary="One report, as staff see it",
)
def verification_completion(request: HttpRequest, completion_id: int):
    """With its decision history. 404 for a report of another department."""
    return selectors.completion_get_for_staff(completion_id=completion_id, user=request.auth)


def _decision_result(request: HttpRequest, verification) -> dict:
    completion = selectors.completion_get_for_staff(
        completion_id=verification.completion_id, user=request.auth
    )
    decision = next(v for v in completion.verifications.all() if v.pk == verification.pk)
    return {"decision": decision, "completion": completion}


@router.post(
    "/completions/{completion_id}/verify",
    response=DecisionResultOut,
    summary="Approve or reject a completion report",
)
def verify_completion(request: HttpRequest, completion_id: int, payload: VerifyIn):
    """`approve` (with corrected `hours` if needed) or `reject` (with a `reason`). An award above the
    second-approver threshold waits for a second, different approver. 403 `not_verification_staff`,
    `self_verification`, `second_approver_must_differ`; 404 for another department's report; 400
    `reason_required`, `hours_above_limit`, `measure_unknown`, `measure_invalid` (a corrected figure the
    report does not have, or out of range); 409 `already_decided` when someone decided first."""
    completion = selectors.completion_get_for_staff(completion_id=completion_id, user=request.auth)
    verification = services.completion_decide(
        completion=completion,
        actor=request.auth,
        decision=payload.decision,
        hours=payload.hours,
        reason=payload.reason,
        expected_status=payload.expected_status,
        figures=payload.figures,
    )
    return _decision_result(request, verification)


@router.post(
    "/completions/{completion_id}/revoke",
    response=DecisionResultOut,
    summary="Revoke an approval",
)
def revoke_completion(request: HttpRequest, completion_id: int, payload: RevokeIn):
    """Takes back an approval, with a reason; its points are reversed. 409 `not_approved`."""
    completion = selectors.completion_get_for_staff(completion_id=completion_id, user=request.auth)
    revocation = services.completion_revoke(
        completion=completion, actor=request.auth, reason=payload.reason
    )
    return _decision_result(request, revocation)


@router.post(
    "/shifts/{shift_id}/verify-all",
    response=RosterApprovalOut,
    summary="Approve a shift's whole roster",
)
def verify_shift_roster(request: HttpRequest, shift_id: int):
    """Approves every report of the shift that waits for a first decision, with its reported hours. Your
    own work (`skipped_own`) and reports decided meanwhile (`skipped`, with the code) are left alone;
    large awards go on to a second approver (`awaiting_second`)."""
    shift = selectors.shift_get_for_staff(shift_id=shift_id, user=request.auth)
    return services.shift_approve_all(shift=shift, actor=request.auth)
