"""A person's Open Badges 3.0 credentials for apps and wallets: list them, issue one, take its VC-JWT."""

import datetime
import uuid
from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import translation
from ninja import Field, Router, Schema, Status

from achievements.models import BadgeAward
from volunteers.auth import api_auth

from . import services
from .models import BadgeCredential

router = Router(tags=["Credentials"], auth=api_auth)


class BadgeCredentialOut(Schema):
    id: uuid.UUID = Field(alias="public_id")
    kind: str = Field(description="`badge` (a badge earned) or `hours` (verified hours so far).")
    issued_at: datetime.datetime
    revoked: bool
    token: str = Field(
        description="The Open Badges 3.0 credential as a VC-JWT (RS256), as a wallet takes it."
    )

    @staticmethod
    def resolve_revoked(obj) -> bool:
        return obj.revoked_at is not None


class BadgeCredentialIn(Schema):
    kind: Literal["badge", "hours"]
    award_id: int | None = Field(None, description="For `badge`: one of my badge awards.")


@router.get("/me/open-badges", response=list[BadgeCredentialOut], summary="My Open Badges 3.0 credentials")
def list_badge_credentials(request: HttpRequest):
    return BadgeCredential.objects.filter(holder=request.auth)


@router.post("/me/open-badges", response={201: BadgeCredentialOut}, summary="Issue an Open Badges credential")
def issue_badge_credential(request: HttpRequest, payload: BadgeCredentialIn):
    """`hours`: every approved hour so far (400 `nothing_verified` without any); `badge`: a badge award of
    mine (404 otherwise), issued once and then the same credential."""
    language = translation.get_language()  # Accept-Language: the credential is written in it
    if payload.kind == "hours":
        return Status(201, services.hours_credential_issue(person=request.auth, language=language))
    award = get_object_or_404(BadgeAward, pk=payload.award_id or 0, user=request.auth)
    return Status(201, services.badge_credential_issue(award=award, language=language))
