"""What NGO rules refuse: registration, verification, roles, teams and invitations."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError


class NgoErrorCode(StrEnum):
    ORGANISATION_NOT_FOUND = "organisation_not_found"
    REGISTRATION_NUMBER_TAKEN = "registration_number_taken"
    INVALID_CONTACT = "invalid_contact"
    NOT_ALLOWED_TO_VERIFY = "not_allowed_to_verify"
    ALREADY_VERIFIED = "organisation_already_verified"
    ALREADY_REJECTED = "organisation_already_rejected"
    NOT_REJECTED = "organisation_not_rejected"
    REJECTION_REASON_REQUIRED = "rejection_reason_required"
    NOT_A_MANAGER = "not_an_ngo_manager"
    NOT_AN_OWNER = "not_an_ngo_owner"
    MEMBER_NOT_FOUND = "member_not_found"
    NOT_A_MEMBER = "not_an_ngo_member"
    LAST_OWNER = "last_owner"
    INVALID_ROLE = "invalid_role"
    TEAM_NOT_FOUND = "team_not_found"
    TEAM_NAME_TAKEN = "team_name_taken"
    TEAM_NAME_REQUIRED = "team_name_required"
    TEAM_IN_USE = "team_in_use"
    INVITATION_NOT_FOUND = "invitation_not_found"
    INVITATION_REVOKED = "invitation_revoked"
    INVITATION_EXPIRED = "invitation_expired"
    INVITATION_USED_UP = "invitation_used_up"
    INVITATION_INVALID = "invitation_invalid"
    ALREADY_A_MEMBER = "already_a_member"


class OrganisationNotFound(NotFoundError):
    def __init__(self, organisation_id: int):
        super().__init__(
            NgoErrorCode.ORGANISATION_NOT_FOUND,
            _("There is no NGO number %(id)s.") % {"id": organisation_id},
        )


class RegistrationNumberTaken(ConflictError):
    def __init__(self, registration_number: str):
        super().__init__(
            NgoErrorCode.REGISTRATION_NUMBER_TAKEN,
            _(
                "An NGO with the registration number “%(number)s” is already registered here. If it is "
                "yours, ask its managers to invite you."
            )
            % {"number": registration_number},
        )


class InvalidContact(DomainError):
    def __init__(self, message):
        super().__init__(NgoErrorCode.INVALID_CONTACT, message)


class NotAllowedToVerify(PermissionDeniedError):
    def __init__(self):
        super().__init__(
            NgoErrorCode.NOT_ALLOWED_TO_VERIFY, _("Only municipal staff may verify or reject NGOs.")
        )


class AlreadyVerified(ConflictError):
    def __init__(self):
        super().__init__(NgoErrorCode.ALREADY_VERIFIED, _("This NGO is already verified."))


class AlreadyRejected(ConflictError):
    def __init__(self):
        super().__init__(
            NgoErrorCode.ALREADY_REJECTED,
            _("This NGO's registration is already rejected; it waits for its owners to correct it."),
        )


class NotRejected(ConflictError):
    def __init__(self):
        super().__init__(
            NgoErrorCode.NOT_REJECTED,
            _("Only a rejected registration can be corrected and sent again."),
        )


class RejectionReasonRequired(DomainError):
    def __init__(self):
        super().__init__(
            NgoErrorCode.REJECTION_REASON_REQUIRED,
            _("Say why the registration is rejected: the NGO's owner is told the reason."),
        )


class NotAManager(PermissionDeniedError):
    def __init__(self):
        super().__init__(NgoErrorCode.NOT_A_MANAGER, _("Only the NGO's owners and managers may do this."))


class NotAnOwner(PermissionDeniedError):
    def __init__(self, message=None):
        super().__init__(NgoErrorCode.NOT_AN_OWNER, message or _("Only the NGO's owners may do this."))


class MemberNotFound(NotFoundError):
    def __init__(self):
        super().__init__(NgoErrorCode.MEMBER_NOT_FOUND, _("This person is not a member of the NGO."))


class NotAMember(DomainError):
    """Someone who is not in the NGO cannot be put in one of its teams."""

    def __init__(self):
        super().__init__(
            NgoErrorCode.NOT_A_MEMBER,
            _("Only members of the NGO can be added to its teams; invite the person first."),
        )


class LastOwner(ConflictError):
    def __init__(self):
        super().__init__(
            NgoErrorCode.LAST_OWNER,
            _("An NGO needs at least one owner: make someone else an owner first."),
        )


class InvalidRole(DomainError):
    def __init__(self, message=None):
        super().__init__(NgoErrorCode.INVALID_ROLE, message or _("This role cannot be given here."))


class TeamNotFound(NotFoundError):
    def __init__(self, team_id: int):
        super().__init__(
            NgoErrorCode.TEAM_NOT_FOUND, _("The NGO has no team number %(id)s.") % {"id": team_id}
        )


class TeamNameTaken(ConflictError):
    def __init__(self, name: str):
        super().__init__(
            NgoErrorCode.TEAM_NAME_TAKEN, _("The NGO already has a team called “%(name)s”.") % {"name": name}
        )


class TeamNameRequired(DomainError):
    def __init__(self):
        super().__init__(NgoErrorCode.TEAM_NAME_REQUIRED, _("Give the team a name."))


class TeamInUse(ConflictError):
    def __init__(self):
        super().__init__(
            NgoErrorCode.TEAM_IN_USE,
            _("This team has places reserved on shifts; give them up before deleting the team."),
        )


class InvitationNotFound(NotFoundError):
    def __init__(self):
        super().__init__(
            NgoErrorCode.INVITATION_NOT_FOUND,
            _("There is no invitation with this code. Check the code and try again."),
        )


class InvitationRefused(DomainError):
    """An invitation that exists but can no longer be used; the code says why."""

    @classmethod
    def revoked(cls) -> "InvitationRefused":
        return cls(
            NgoErrorCode.INVITATION_REVOKED,
            _("This invitation was withdrawn by the NGO. Ask its managers for a new one."),
        )

    @classmethod
    def expired(cls) -> "InvitationRefused":
        return cls(
            NgoErrorCode.INVITATION_EXPIRED,
            _("This invitation has expired. Ask the NGO's managers for a new one."),
        )

    @classmethod
    def used_up(cls) -> "InvitationRefused":
        return cls(
            NgoErrorCode.INVITATION_USED_UP,
            _("This invitation has been used up. Ask the NGO's managers for a new one."),
            status_code=409,
        )


class InvitationInvalid(DomainError):
    def __init__(self, message):
        super().__init__(NgoErrorCode.INVITATION_INVALID, message)


class AlreadyAMember(ConflictError):
    def __init__(self, organisation_name: str):
        super().__init__(
            NgoErrorCode.ALREADY_A_MEMBER,
            _("You are already a member of “%(ngo)s”.") % {"ngo": organisation_name},
        )
