"""The NGO API: registering an NGO, staff verification, members and roles, teams, invitations.

Every operation needs a logged-in person (`api_auth`). An NGO the caller does not belong to answers 404
`organisation_not_found`; an operation their role does not allow answers 403 (`not_an_ngo_manager`,
`not_an_ngo_owner`, `not_allowed_to_verify`).
"""

import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from ..auth import api_auth
from ..models import Invitation, User
from . import selectors, services
from .errors import MemberNotFound, NotAllowedToVerify, NotAMember
from .schemas import (
    MyOrganisationOut,
    NgoInvitationIn,
    NgoInvitationOut,
    NgoInvitationPreviewOut,
    NgoMemberOut,
    NgoMembershipOut,
    NgoRoleIn,
    NgoTeamIn,
    NgoTeamMemberIn,
    NgoTeamOut,
    OrganisationIn,
    OrganisationOut,
    OrganisationRejectIn,
    PendingOrganisationOut,
)

router = Router(tags=["NGOs"], auth=api_auth)


def _organisation_out(organisation, role: str | None) -> dict:
    return {
        **{
            field: getattr(organisation, field)
            for field in OrganisationOut.model_fields
            if field != "my_role"
        },
        "my_role": role,
    }


def _invitation_out(request: HttpRequest, invitation: Invitation) -> dict:
    return {
        "id": invitation.pk,
        "code": invitation.code,
        "join_url": request.build_absolute_uri(selectors.invitation_join_path(invitation.code)),
        "team_id": invitation.team_id,
        "role": invitation.role,
        "expires_at": invitation.expires_at,
        "max_uses": invitation.max_uses,
        "use_count": invitation.use_count,
        "status": selectors.invitation_status(invitation),
        "created_at": invitation.created_at,
    }


def _person_in(organisation, user_id: int) -> User:
    user = User.objects.filter(pk=user_id, memberships__organisation=organisation).first()
    if user is None:
        raise NotAMember()
    return user


# --- NGOs and verification -----------------------------------------------------------------------------


@router.post("/organisations", response={201: OrganisationOut}, summary="Register an NGO")
def register_organisation(request: HttpRequest, payload: OrganisationIn):
    """You become its owner. It is unverified (`is_verified: false`) until municipal staff verify it and
    cannot reserve places until then. 409 `registration_number_taken`; 400 `invalid_contact`."""
    organisation = services.organisation_register(user=request.auth, **payload.dict())
    return Status(201, _organisation_out(organisation, selectors.Role.OWNER))


@router.get("/me/organisations", response=list[MyOrganisationOut], summary="My NGOs and my role in each")
def list_my_organisations(request: HttpRequest):
    return selectors.memberships_of(user=request.auth)


@router.get(
    "/organisations/awaiting-verification",
    response=list[PendingOrganisationOut],
    summary="NGOs waiting for verification (municipal staff)",
)
def list_awaiting_verification(request: HttpRequest):
    """Oldest first. Only for municipal staff: 403 `not_allowed_to_verify` for anyone else."""
    if not selectors.can_verify_organisations(request.auth):
        raise NotAllowedToVerify()
    return selectors.organisations_awaiting_verification()


@router.get("/organisations/{organisation_id}", response=OrganisationOut, summary="One of my NGOs")
def get_organisation(request: HttpRequest, organisation_id: int):
    """For its members and for municipal staff."""
    organisation, membership = selectors.organisation_get_for_viewer(
        organisation_id=organisation_id, user=request.auth
    )
    return _organisation_out(organisation, membership.role if membership else None)


@router.post(
    "/organisations/{organisation_id}/verify", response=OrganisationOut, summary="Verify an NGO (staff)"
)
def verify_organisation(request: HttpRequest, organisation_id: int):
    """Its owners are told by e-mail and SMS. 403 `not_allowed_to_verify`; 409
    `organisation_already_verified`."""
    organisation = selectors.organisation_get_for_verifier(organisation_id=organisation_id, user=request.auth)
    return _organisation_out(
        services.organisation_verify(organisation=organisation, actor=request.auth), None
    )


@router.post(
    "/organisations/{organisation_id}/reject",
    response={204: None},
    summary="Reject an NGO's registration (staff)",
)
def reject_organisation(request: HttpRequest, organisation_id: int, payload: OrganisationRejectIn):
    """The NGO is kept as rejected, leaves the queue, and its owners are told the reason; they may correct
    it and resubmit. 409 `organisation_already_verified` or `organisation_already_rejected`."""
    organisation = selectors.organisation_get_for_verifier(organisation_id=organisation_id, user=request.auth)
    services.organisation_reject(organisation=organisation, actor=request.auth, reason=payload.reason)
    return Status(204, None)


@router.post(
    "/organisations/{organisation_id}/resubmit",
    response=OrganisationOut,
    summary="Correct a rejected registration and send it again (owners)",
)
def resubmit_organisation(request: HttpRequest, organisation_id: int, payload: OrganisationIn):
    """Clears the rejection and puts the NGO back in the staff queue. 403 `not_an_ngo_owner`; 409
    `organisation_not_rejected`, `organisation_already_verified` or `registration_number_taken`."""
    organisation, membership = selectors.organisation_get_for_member(
        organisation_id=organisation_id, user=request.auth
    )
    organisation = services.organisation_resubmit(
        organisation=organisation, actor=request.auth, **payload.dict()
    )
    return _organisation_out(organisation, membership.role)


# --- Members -------------------------------------------------------------------------------------------


@router.get(
    "/organisations/{organisation_id}/members",
    response=list[NgoMemberOut],
    summary="The NGO's members (managers)",
)
def list_members(request: HttpRequest, organisation_id: int):
    """Owners first, then managers, then members, with their mobile numbers and e-mail addresses, which
    only the NGO's own owners and managers may see."""
    organisation, membership = selectors.organisation_get_for_member(
        organisation_id=organisation_id, user=request.auth
    )
    return selectors.member_list(organisation=organisation, viewer_membership=membership)


@router.patch(
    "/organisations/{organisation_id}/members/{membership_id}",
    response=NgoMembershipOut,
    summary="Change a member's role (owners)",
)
def set_member_role(request: HttpRequest, organisation_id: int, membership_id: int, payload: NgoRoleIn):
    """409 `last_owner` when the NGO would be left without an owner."""
    organisation, _membership = selectors.organisation_get_for_member(
        organisation_id=organisation_id, user=request.auth
    )
    target = selectors.membership_get_in(organisation=organisation, membership_id=membership_id)
    return services.membership_set_role(
        organisation=organisation, actor=request.auth, membership=target, role=payload.role
    )


@router.delete(
    "/organisations/{organisation_id}/members/{membership_id}",
    response={204: None},
    summary="Remove a member, or leave the NGO",
)
def remove_member(request: HttpRequest, organisation_id: int, membership_id: int):
    """Managers remove members; owners remove anyone; anyone may remove themselves. Never the last owner
    (409 `last_owner`)."""
    organisation, _membership = selectors.organisation_get_for_member(
        organisation_id=organisation_id, user=request.auth
    )
    target = selectors.membership_get_in(organisation=organisation, membership_id=membership_id)
    services.membership_remove(organisation=organisation, actor=request.auth, membership=target)
    return Status(204, None)


# --- Teams ---------------------------------------------------------------------------------------------


@router.get("/organisations/{organisation_id}/teams", response=list[NgoTeamOut], summary="The NGO's teams")
def list_teams(request: HttpRequest, organisation_id: int):
    """All teams for managers; your own teams for members. Members' names only, never contacts."""
    organisation, membership = selectors.organisation_get_for_member(
        organisation_id=organisation_id, user=request.auth
    )
    return selectors.team_list(organisation=organisation, viewer_membership=membership)


@router.post(
    "/organisations/{organisation_id}/teams", response={201: NgoTeamOut}, summary="Create a team (managers)"
)
def create_team(request: HttpRequest, organisation_id: int, payload: NgoTeamIn):
    """409 `team_name_taken`."""
    organisation, _membership = selectors.organisation_get_for_member(
        organisation_id=organisation_id, user=request.auth
    )
    return Status(201, services.team_create(organisation=organisation, actor=request.auth, name=payload.name))


def _team(request: HttpRequest, organisation_id: int, team_id: int, *, managers_only: bool = False):
    get = selectors.organisation_get_for_manager if managers_only else selectors.organisation_get_for_member
    organisation, _membership = get(organisation_id=organisation_id, user=request.auth)
    return selectors.team_get(organisation=organisation, team_id=team_id)


@router.patch(
    "/organisations/{organisation_id}/teams/{team_id}",
    response=NgoTeamOut,
    summary="Rename a team (managers)",
)
def rename_team(request: HttpRequest, organisation_id: int, team_id: int, payload: NgoTeamIn):
    team = _team(request, organisation_id, team_id)
    return services.team_rename(team=team, actor=request.auth, name=payload.name)


@router.delete(
    "/organisations/{organisation_id}/teams/{team_id}",
    response={204: None},
    summary="Delete a team (managers)",
)
def delete_team(request: HttpRequest, organisation_id: int, team_id: int):
    """Its members stay in the NGO. 409 `team_in_use` when it has places reserved."""
    services.team_delete(team=_team(request, organisation_id, team_id), actor=request.auth)
    return Status(204, None)


@router.post(
    "/organisations/{organisation_id}/teams/{team_id}/members",
    response=NgoTeamOut,
    summary="Add a member of the NGO to a team (managers)",
)
def add_team_member(request: HttpRequest, organisation_id: int, team_id: int, payload: NgoTeamMemberIn):
    """400 `not_an_ngo_member` for someone outside the NGO."""
    team = _team(request, organisation_id, team_id, managers_only=True)
    person = _person_in(team.organisation, payload.user_id)
    return services.team_member_add(team=team, actor=request.auth, user=person)


@router.delete(
    "/organisations/{organisation_id}/teams/{team_id}/members/{user_id}",
    response=NgoTeamOut,
    summary="Take someone out of a team (managers)",
)
def remove_team_member(request: HttpRequest, organisation_id: int, team_id: int, user_id: int):
    team = _team(request, organisation_id, team_id, managers_only=True)
    person = team.members.filter(pk=user_id).first()
    if person is None:
        raise MemberNotFound()
    return services.team_member_remove(team=team, actor=request.auth, user=person)


# --- Invitations ---------------------------------------------------------------------------------------


@router.get(
    "/organisations/{organisation_id}/invitations",
    response=list[NgoInvitationOut],
    summary="The NGO's invitations (managers)",
)
def list_invitations(request: HttpRequest, organisation_id: int, pending: bool = False):
    """Newest first; `pending=true` leaves out revoked, expired and used-up ones."""
    organisation, membership = selectors.organisation_get_for_member(
        organisation_id=organisation_id, user=request.auth
    )
    invitations = selectors.invitation_list(
        organisation=organisation, viewer_membership=membership, pending_only=pending
    )
    return [_invitation_out(request, invitation) for invitation in invitations]


@router.post(
    "/organisations/{organisation_id}/invitations",
    response={201: NgoInvitationOut},
    summary="Invite people with a link or code (managers)",
)
def create_invitation(request: HttpRequest, organisation_id: int, payload: NgoInvitationIn):
    """Only owners may invite managers (403 `not_an_ngo_owner`). Share `join_url`, or `code` for people to
    type at /account/ngo/join/."""
    organisation, _membership = selectors.organisation_get_for_member(
        organisation_id=organisation_id, user=request.auth
    )
    team = selectors.team_get(organisation=organisation, team_id=payload.team_id) if payload.team_id else None
    invitation = services.invitation_create(
        organisation=organisation,
        actor=request.auth,
        team=team,
        role=payload.role,
        expires_at=timezone.now() + datetime.timedelta(days=payload.valid_days),
        max_uses=payload.max_uses,
    )
    return Status(201, _invitation_out(request, invitation))


@router.delete(
    "/organisations/{organisation_id}/invitations/{invitation_id}",
    response=NgoInvitationOut,
    summary="Withdraw an invitation (managers)",
)
def revoke_invitation(request: HttpRequest, organisation_id: int, invitation_id: int):
    organisation, _membership = selectors.organisation_get_for_member(
        organisation_id=organisation_id, user=request.auth
    )
    invitation = selectors.invitation_get(organisation=organisation, invitation_id=invitation_id)
    return _invitation_out(request, services.invitation_revoke(invitation=invitation, actor=request.auth))


@router.get("/invitations/{code}", response=NgoInvitationPreviewOut, summary="What an invitation code is for")
def preview_invitation(request: HttpRequest, code: str):
    """Codes may be typed in any case, with or without dashes. 404 `invitation_not_found`."""
    return selectors.invitation_get_by_code(code=code)


@router.post(
    "/invitations/{code}/accept",
    response={201: NgoMembershipOut},
    summary="Accept an invitation and join the NGO",
)
def accept_invitation(request: HttpRequest, code: str):
    """400 `invitation_revoked` or `invitation_expired`; 409 `invitation_used_up` or `already_a_member`;
    404 `invitation_not_found`."""
    return Status(201, services.invitation_accept(code=code, user=request.auth))
