import datetime
from typing import Literal

from ninja import Field, Schema

from ..models import Invitation, Organisation
from .selectors import invitation_status
from .services import INVITATION_DEFAULT_LIFETIME, INVITATION_MAX_LIFETIME, INVITATION_MAX_USES


class OrganisationIn(Schema):
    name_fa: str = Field(min_length=1, max_length=200)
    name_en: str = Field("", max_length=200)
    registration_number: str = Field(min_length=1, max_length=50)
    field_of_work: str = Field(min_length=1, max_length=200)
    contact_phone: str = Field("", max_length=20)
    contact_email: str = Field("", max_length=254)


class OrganisationOut(Schema):
    id: int
    name: str
    name_fa: str
    name_en: str
    registration_number: str
    field_of_work: str
    contact_phone: str
    contact_email: str
    is_verified: bool = Field(
        description="False until municipal staff verify the NGO; until then it cannot reserve places."
    )
    verified_at: datetime.datetime | None
    is_rejected: bool = Field(
        description="True when staff rejected the registration; its owners may correct it and resubmit."
    )
    rejected_at: datetime.datetime | None
    rejection_reason: str = Field(description="Why staff rejected it; empty unless rejected.")
    created_at: datetime.datetime
    my_role: str | None = Field(None, description="The caller's role: owner, manager, member, or null.")


class MyOrganisationOut(Schema):
    """One of the caller's NGOs with their role in it."""

    id: int
    name: str
    is_verified: bool
    is_rejected: bool
    my_role: str

    @staticmethod
    def resolve_id(membership) -> int:
        return membership.organisation_id

    @staticmethod
    def resolve_name(membership) -> str:
        return membership.organisation.name

    @staticmethod
    def resolve_is_verified(membership) -> bool:
        return membership.organisation.is_verified

    @staticmethod
    def resolve_is_rejected(membership) -> bool:
        return membership.organisation.is_rejected

    @staticmethod
    def resolve_my_role(membership) -> str:
        return membership.role


class NgoOwnerOut(Schema):
    id: int
    display_name: str


class PendingOrganisationOut(Schema):
    """An NGO waiting for verification, as municipal staff see it."""

    id: int
    name_fa: str
    name_en: str
    registration_number: str
    field_of_work: str
    contact_phone: str
    contact_email: str
    created_at: datetime.datetime
    owners: list[NgoOwnerOut]

    @staticmethod
    def resolve_owners(organisation: Organisation) -> list[dict]:
        return [
            {"id": membership.user.pk, "display_name": membership.user.display_name}
            for membership in organisation.owner_memberships
        ]


class OrganisationRejectIn(Schema):
    reason: str = Field(min_length=1, max_length=500, description="Sent to the NGO's owners.")


class NgoMemberOut(Schema):
    """A member as the NGO's managers see them. Never a date of birth or an emergency contact."""

    membership_id: int
    user_id: int
    name: str
    role: str
    joined_at: datetime.datetime
    phone: str | None
    email: str | None
    team_names: list[str]


class NgoMembershipOut(Schema):
    id: int
    organisation_id: int
    user_id: int
    role: str
    joined_at: datetime.datetime


class NgoRoleIn(Schema):
    role: Literal["owner", "manager", "member"]


class NgoTeamMemberOut(Schema):
    id: int
    display_name: str


class NgoTeamOut(Schema):
    id: int
    name: str
    members: list[NgoTeamMemberOut]

    @staticmethod
    def resolve_members(team) -> list[dict]:
        return [{"id": person.pk, "display_name": person.display_name} for person in team.members.all()]


class NgoTeamIn(Schema):
    name: str = Field(min_length=1, max_length=120)


class NgoTeamMemberIn(Schema):
    user_id: int


class NgoInvitationIn(Schema):
    team_id: int | None = None
    role: Literal["member", "manager"] = "member"
    valid_days: int = Field(INVITATION_DEFAULT_LIFETIME.days, ge=1, le=INVITATION_MAX_LIFETIME.days)
    max_uses: int = Field(1, ge=1, le=INVITATION_MAX_USES)


class NgoInvitationOut(Schema):
    id: int
    code: str = Field(description="Stored without dashes; people may type it in any case, with dashes.")
    join_url: str
    team_id: int | None
    role: str
    expires_at: datetime.datetime
    max_uses: int
    use_count: int
    status: Literal["active", "revoked", "expired", "used_up"]
    created_at: datetime.datetime


class NgoInvitationPreviewOut(Schema):
    """What someone holding a code sees before accepting it."""

    organisation_id: int
    organisation_name: str
    organisation_is_verified: bool
    team_name: str | None
    role: str
    status: Literal["active", "revoked", "expired", "used_up"]

    @staticmethod
    def resolve_organisation_name(invitation: Invitation) -> str:
        return invitation.organisation.name

    @staticmethod
    def resolve_organisation_is_verified(invitation: Invitation) -> bool:
        return invitation.organisation.is_verified

    @staticmethod
    def resolve_team_name(invitation: Invitation) -> str | None:
        return invitation.team.name if invitation.team else None

    @staticmethod
    def resolve_status(invitation: Invitation) -> str:
        return invitation_status(invitation)
