"""Writes for NGOs: registering one, staff verifying it, roles, teams and invitations.

Each service checks who is acting (`actor`) itself, so the web pages and the API enforce the same rules.
Role changes and removals lock the NGO's row, so that two owners demoting each other at once cannot leave
an NGO without an owner.
"""

import datetime
import logging
import secrets

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from core import outbox
from core.localization import ascii_digits

from ..models import Invitation, Organisation, OrganisationMembership, Team, User
from . import notices, selectors
from .errors import (
    AlreadyAMember,
    AlreadyRejected,
    AlreadyVerified,
    InvalidContact,
    InvalidRole,
    InvitationInvalid,
    InvitationRefused,
    LastOwner,
    MemberNotFound,
    NotAllowedToVerify,
    NotAManager,
    NotAMember,
    NotAnOwner,
    NotRejected,
    OrganisationNotFound,
    RegistrationNumberTaken,
    RejectionReasonRequired,
    TeamInUse,
    TeamNameRequired,
    TeamNameTaken,
)

logger = logging.getLogger(__name__)

Role = OrganisationMembership.Role

INVITATION_DEFAULT_LIFETIME = datetime.timedelta(days=14)
INVITATION_MAX_LIFETIME = datetime.timedelta(days=90)
INVITATION_MAX_USES = 500

LOG_VERIFIED = "volunteers.organisation_verified"
LOG_REJECTED = "volunteers.organisation_rejected"
LOG_RESUBMITTED = "volunteers.organisation_resubmitted"


def _require_manager(*, organisation: Organisation, actor) -> OrganisationMembership:
    membership = selectors.membership_get(organisation=organisation, user=actor)
    if not selectors.is_manager(membership):
        raise NotAManager()
    return membership


def _lock(organisation: Organisation) -> Organisation:
    """Locks the NGO's row: membership changes of one NGO happen one after another."""
    try:
        return Organisation.objects.select_for_update().get(pk=organisation.pk)
    except Organisation.DoesNotExist:
        raise OrganisationNotFound(organisation.pk) from None


# --- Registration and verification ---------------------------------------------------------------------


def registration_number_normalize(raw: str) -> str:
    """One spelling per number: Persian digits as ASCII, upper case, single spaces."""
    return " ".join(ascii_digits(raw or "").upper().split())


def _details_clean(
    *,
    name_fa: str,
    registration_number: str,
    field_of_work: str,
    name_en: str,
    contact_phone: str,
    contact_email: str,
    organisation: Organisation | None = None,
) -> dict:
    """The NGO's details as they are stored, or the error that refuses them; `organisation` is the NGO
    being corrected, whose own number is not taken."""
    number = registration_number_normalize(registration_number)
    if not name_fa.strip() or not number:
        raise InvalidContact(_("Give the NGO's name and registration number."))
    contact_email = contact_email.strip().lower()
    contact_phone = ascii_digits(contact_phone).strip()
    if contact_email:
        try:
            validate_email(contact_email)
        except ValidationError:
            raise InvalidContact(
                _("“%(email)s” is not an e-mail address.") % {"email": contact_email}
            ) from None
    if not contact_email and not contact_phone:
        raise InvalidContact(_("Give a phone number or an e-mail address to contact the NGO."))
    taken = Organisation.objects.filter(registration_number__iexact=number)
    if organisation is not None:
        taken = taken.exclude(pk=organisation.pk)
    if taken.exists():
        raise RegistrationNumberTaken(number)
    return {
        "name_fa": name_fa.strip(),
        "name_en": name_en.strip(),
        "registration_number": number,
        "field_of_work": field_of_work.strip(),
        "contact_phone": contact_phone,
        "contact_email": contact_email,
    }


@transaction.atomic
def organisation_register(
    *,
    user: User,
    name_fa: str,
    registration_number: str,
    field_of_work: str = "",
    name_en: str = "",
    contact_phone: str = "",
    contact_email: str = "",
) -> Organisation:
    """Registers an NGO with the person as its owner. It is unverified until municipal staff check it,
    and cannot reserve places until then."""
    details = _details_clean(
        name_fa=name_fa,
        registration_number=registration_number,
        field_of_work=field_of_work,
        name_en=name_en,
        contact_phone=contact_phone,
        contact_email=contact_email,
    )
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(**details)
    except IntegrityError:  # registered by someone else a moment ago
        raise RegistrationNumberTaken(details["registration_number"]) from None
    OrganisationMembership.objects.create(organisation=organisation, user=user, role=Role.OWNER)
    return organisation


@transaction.atomic
def organisation_verify(*, organisation: Organisation, actor: User) -> Organisation:
    """Municipal staff confirm the NGO is what it says; its owners are told, once."""
    if not selectors.can_verify_organisations(actor):
        raise NotAllowedToVerify()
    locked = _lock(organisation)
    if locked.verified_at is not None:
        raise AlreadyVerified()
    if locked.rejected_at is not None:  # staff wait for the owners' corrections
        raise AlreadyRejected()
    locked.verified_at = timezone.now()
    locked.verified_by = actor
    locked.save(update_fields=["verified_at", "verified_by"])
    log(instance=locked, action=LOG_VERIFIED, user=actor)

    outbox.send_after_commit(notices.notify_organisation_decision_task, locked.pk)
    return locked


@transaction.atomic
def organisation_reject(*, organisation: Organisation, actor: User, reason: str) -> Organisation:
    """Municipal staff turn down an NGO's registration and say why.

    The NGO is kept, marked rejected with the reason, and leaves the staff queue; its owners are told
    the reason and may correct the details and send it again (`organisation_resubmit`). The decision
    also stays in the staff area's audit log.
    """
    if not selectors.can_verify_organisations(actor):
        raise NotAllowedToVerify()
    reason = (reason or "").strip()
    if not reason:
        raise RejectionReasonRequired()
    locked = _lock(organisation)
    if locked.verified_at is not None:
        raise AlreadyVerified()
    if locked.rejected_at is not None:
        raise AlreadyRejected()
    locked.rejected_at = timezone.now()
    locked.rejected_by = actor
    locked.rejection_reason = reason
    locked.save(update_fields=["rejected_at", "rejected_by", "rejection_reason"])
    log(
        instance=locked,
        action=LOG_REJECTED,
        user=actor,
        data={"reason": reason, "registration_number": locked.registration_number},
    )
    outbox.send_after_commit(notices.notify_organisation_decision_task, locked.pk)
    return locked


@transaction.atomic
def organisation_resubmit(
    *,
    organisation: Organisation,
    actor: User,
    name_fa: str,
    registration_number: str,
    field_of_work: str = "",
    name_en: str = "",
    contact_phone: str = "",
    contact_email: str = "",
) -> Organisation:
    """An owner corrects a rejected registration and sends it again: the rejection is cleared (it stays
    in the audit log) and the NGO is back in the staff queue."""
    locked = _lock(organisation)
    if not selectors.is_owner(selectors.membership_get(organisation=locked, user=actor)):
        raise NotAnOwner(_("Only the NGO's owners may correct and resend its registration."))
    if locked.verified_at is not None:
        raise AlreadyVerified()
    if locked.rejected_at is None:
        raise NotRejected()
    details = _details_clean(
        name_fa=name_fa,
        registration_number=registration_number,
        field_of_work=field_of_work,
        name_en=name_en,
        contact_phone=contact_phone,
        contact_email=contact_email,
        organisation=locked,
    )
    for field, value in details.items():
        setattr(locked, field, value)
    locked.rejected_at = None
    locked.rejected_by = None
    locked.rejection_reason = ""
    try:
        with transaction.atomic():
            locked.save(update_fields=[*details, "rejected_at", "rejected_by", "rejection_reason"])
    except IntegrityError:  # the corrected number was registered by someone else a moment ago
        raise RegistrationNumberTaken(details["registration_number"]) from None
    log(instance=locked, action=LOG_RESUBMITTED, user=actor)
    return locked


# --- Roles and membership ------------------------------------------------------------------------------


@transaction.atomic
def membership_set_role(
    *, organisation: Organisation, actor: User, membership: OrganisationMembership, role: str
) -> OrganisationMembership:
    """Owners make people managers, members or fellow owners; an NGO always keeps one owner."""
    if role not in Role.values:
        raise InvalidRole()
    _lock(organisation)
    actor_membership = selectors.membership_get(organisation=organisation, user=actor)
    if not selectors.is_owner(actor_membership):
        raise NotAnOwner(_("Only the NGO's owners may change people's roles."))
    membership = (
        OrganisationMembership.objects.select_for_update()
        .filter(pk=membership.pk, organisation=organisation)
        .first()
    )
    if membership is None:  # removed meanwhile, or another NGO's
        raise MemberNotFound()
    if membership.role == Role.OWNER and role != Role.OWNER and _owner_count(organisation) <= 1:
        raise LastOwner()
    if membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def _owner_count(organisation: Organisation) -> int:
    return OrganisationMembership.objects.filter(organisation=organisation, role=Role.OWNER).count()


@transaction.atomic
def membership_remove(*, organisation: Organisation, actor: User, membership: OrganisationMembership) -> None:
    """Takes a person out of the NGO and its teams. Managers remove plain members, owners anyone, and
    anyone may leave; never the last owner."""
    _lock(organisation)
    try:
        membership = OrganisationMembership.objects.select_for_update().get(
            pk=membership.pk, organisation=organisation
        )
    except OrganisationMembership.DoesNotExist:
        raise MemberNotFound() from None
    leaving = membership.user_id == actor.pk
    if not leaving:
        actor_membership = _require_manager(organisation=organisation, actor=actor)
        if membership.role != Role.MEMBER and not selectors.is_owner(actor_membership):
            raise NotAnOwner(_("Only the NGO's owners may remove a manager or an owner."))
    if membership.role == Role.OWNER and _owner_count(organisation) <= 1:
        raise LastOwner()
    Team.members.through.objects.filter(team__organisation=organisation, user_id=membership.user_id).delete()
    membership.delete()


# --- Teams ---------------------------------------------------------------------------------------------


def _team_name_clean(*, organisation: Organisation, name: str, team: Team | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise TeamNameRequired()
    taken = Team.objects.filter(organisation=organisation, name__iexact=name)
    if team is not None:
        taken = taken.exclude(pk=team.pk)
    if taken.exists():
        raise TeamNameTaken(name)
    return name


@transaction.atomic
def team_create(*, organisation: Organisation, actor: User, name: str) -> Team:
    _require_manager(organisation=organisation, actor=actor)
    name = _team_name_clean(organisation=organisation, name=name)
    try:
        with transaction.atomic():
            return Team.objects.create(organisation=organisation, name=name)
    except IntegrityError:  # the same name, created a moment ago
        raise TeamNameTaken(name) from None


@transaction.atomic
def team_rename(*, team: Team, actor: User, name: str) -> Team:
    _require_manager(organisation=team.organisation, actor=actor)
    name = _team_name_clean(organisation=team.organisation, name=name, team=team)
    try:
        with transaction.atomic():
            Team.objects.filter(pk=team.pk).update(name=name)
    except IntegrityError:
        raise TeamNameTaken(name) from None
    team.name = name
    return team


@transaction.atomic
def team_delete(*, team: Team, actor: User) -> None:
    """Deletes the team (its members stay in the NGO). A team with places reserved on shifts is kept."""
    _require_manager(organisation=team.organisation, actor=actor)
    try:
        with transaction.atomic():
            team.delete()
    except (ProtectedError, RestrictedError):
        raise TeamInUse() from None


@transaction.atomic
def team_member_add(*, team: Team, actor: User, user: User) -> Team:
    """Puts one of the NGO's members in the team; adding someone already there changes nothing."""
    _require_manager(organisation=team.organisation, actor=actor)
    if not OrganisationMembership.objects.filter(organisation_id=team.organisation_id, user=user).exists():
        raise NotAMember()
    team.members.add(user)
    return team


@transaction.atomic
def team_member_remove(*, team: Team, actor: User, user: User) -> Team:
    _require_manager(organisation=team.organisation, actor=actor)
    team.members.remove(user)
    return team


# --- Invitations ---------------------------------------------------------------------------------------


def invitation_code_generate() -> str:
    return "".join(
        secrets.choice(selectors.INVITATION_CODE_ALPHABET) for _ in range(selectors.INVITATION_CODE_LENGTH)
    )


@transaction.atomic
def invitation_create(
    *,
    organisation: Organisation,
    actor: User,
    team: Team | None = None,
    role: str = Role.MEMBER,
    expires_at: datetime.datetime | None = None,
    max_uses: int = 1,
) -> Invitation:
    """An invitation link and code for the NGO (and a team). Managers invite members; only owners invite
    managers; nobody becomes an owner by invitation."""
    actor_membership = _require_manager(organisation=organisation, actor=actor)
    if role == Role.OWNER or role not in Role.values:
        raise InvalidRole(_("People can be invited as members or managers, not as owners."))
    if role == Role.MANAGER and not selectors.is_owner(actor_membership):
        raise NotAnOwner(_("Only the NGO's owners may invite managers."))
    if team is not None and team.organisation_id != organisation.pk:
        raise InvitationInvalid(_("The team is not one of this NGO's teams."))
    now = timezone.now()
    expires_at = expires_at or now + INVITATION_DEFAULT_LIFETIME
    if expires_at <= now:
        raise InvitationInvalid(_("The invitation must expire in the future."))
    if expires_at > now + INVITATION_MAX_LIFETIME:
        raise InvitationInvalid(
            _("An invitation can last at most %(days)s days.") % {"days": INVITATION_MAX_LIFETIME.days}
        )
    if not 1 <= max_uses <= INVITATION_MAX_USES:
        raise InvitationInvalid(
            _("An invitation can be used by 1 to %(max)s people.") % {"max": INVITATION_MAX_USES}
        )
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Invitation.objects.create(
                    organisation=organisation,
                    team=team,
                    role=role,
                    code=invitation_code_generate(),
                    created_by=actor,
                    expires_at=expires_at,
                    max_uses=max_uses,
                )
        except IntegrityError:  # a code collision: about one in 10^17, but never a 500
            continue
    raise RuntimeError("Could not find an unused invitation code")


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: User) -> Invitation:
    """Stops the invitation from working; revoking it again changes nothing."""
    _require_manager(organisation=invitation.organisation, actor=actor)
    Invitation.objects.filter(pk=invitation.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    invitation.refresh_from_db(fields=["revoked_at"])
    return invitation


def _refuse_unusable(invitation: Invitation, now: datetime.datetime) -> None:
    status = selectors.invitation_status(invitation, now=now)
    if status == selectors.InvitationStatus.REVOKED:
        raise InvitationRefused.revoked()
    if status == selectors.InvitationStatus.EXPIRED:
        raise InvitationRefused.expired()
    if status == selectors.InvitationStatus.USED_UP:
        raise InvitationRefused.used_up()


@transaction.atomic
def invitation_accept(*, code: str, user: User) -> OrganisationMembership:
    """The person joins the invitation's NGO (and team) with its role.

    A use is counted with a conditional UPDATE (`use_count < max_uses`), so however many people accept a
    last use at once, exactly one gets it; the database's check constraint backs it. Someone already in the
    NGO uses a team invitation only to join the team.
    """
    invitation = selectors.invitation_get_by_code(code=code)
    organisation = invitation.organisation
    now = timezone.now()
    _refuse_unusable(invitation, now)
    membership = OrganisationMembership.objects.filter(organisation=organisation, user=user).first()
    joins_team = invitation.team is not None and not invitation.team.members.filter(pk=user.pk).exists()
    if membership is not None and not joins_team:
        raise AlreadyAMember(organisation.name)

    used = Invitation.objects.filter(
        pk=invitation.pk, revoked_at__isnull=True, expires_at__gt=now, use_count__lt=F("max_uses")
    ).update(use_count=F("use_count") + 1)
    if not used:
        invitation.refresh_from_db()
        _refuse_unusable(invitation, now)
        raise InvitationRefused.used_up()

    if membership is None:
        try:
            with transaction.atomic():
                membership = OrganisationMembership.objects.create(
                    organisation=organisation, user=user, role=invitation.role
                )
        except IntegrityError:
            # The same person accepting twice at once: the error rolls back this use too.
            raise AlreadyAMember(organisation.name) from None
    if invitation.team is not None:
        invitation.team.members.add(user)
    return membership
