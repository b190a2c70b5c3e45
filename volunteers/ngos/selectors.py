"""Reads about NGOs: who may see and do what, members, teams and invitations.

Privacy: managers and owners see their own NGO's members' mobile numbers and e-mail addresses; nobody
else sees anyone's. Nothing here ever reads a date of birth or an emergency contact.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Case, F, Prefetch, QuerySet, When
from django.urls import reverse
from django.utils import timezone, translation
from wagtail import hooks

from city.permissions import departments_for_staff
from core.localization import ascii_digits

from ..models import Invitation, Organisation, OrganisationMembership, Team, User
from .errors import (
    InvitationNotFound,
    MemberNotFound,
    NotAllowedToVerify,
    NotAManager,
    OrganisationNotFound,
    TeamNotFound,
)

Role = OrganisationMembership.Role
MANAGING_ROLES = frozenset({Role.OWNER, Role.MANAGER})

# Only the fields of a person that NGO pages may show; never date of birth or emergency contact.
PERSON_NAME_FIELDS = ("id", "username", "first_name", "last_name")
PERSON_CONTACT_FIELDS = ("phone", "email")

# Upper-case letters and digits that cannot be mistaken for each other when read aloud or typed from
# paper: no 0/O, 1/I/L, and no U (V). 30 symbols × 12 = about 59 bits, beyond guessing online.
INVITATION_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
INVITATION_CODE_LENGTH = 12
_NOT_CODE_CHARACTER = re.compile(r"[^A-Z0-9]")


# --- Who may do what ---------------------------------------------------------------------------------


def can_verify_organisations(user) -> bool:
    """Municipal staff verify NGOs: superusers and anyone in a department's staff or approvers group."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or departments_for_staff(user=user).exists()


def membership_get(*, organisation: Organisation, user) -> OrganisationMembership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return OrganisationMembership.objects.filter(organisation=organisation, user=user).first()


def is_manager(membership: OrganisationMembership | None) -> bool:
    return membership is not None and membership.role in MANAGING_ROLES


def is_owner(membership: OrganisationMembership | None) -> bool:
    return membership is not None and membership.role == Role.OWNER


def organisation_get_for_member(*, organisation_id: int, user) -> tuple[Organisation, OrganisationMembership]:
    """The NGO with the person's membership of it; an NGO they do not belong to does not exist for them."""
    membership = (
        OrganisationMembership.objects.select_related("organisation")
        .filter(organisation_id=organisation_id, user_id=getattr(user, "pk", None))
        .first()
    )
    if membership is None:
        raise OrganisationNotFound(organisation_id)
    return membership.organisation, membership


def organisation_get_for_manager(
    *, organisation_id: int, user
) -> tuple[Organisation, OrganisationMembership]:
    """As `organisation_get_for_member`, refusing (403) members who are not managers or owners."""
    organisation, membership = organisation_get_for_member(organisation_id=organisation_id, user=user)
    if not is_manager(membership):
        raise NotAManager()
    return organisation, membership


def organisation_get_for_verifier(*, organisation_id: int, user) -> Organisation:
    if not can_verify_organisations(user):
        raise NotAllowedToVerify()
    try:
        return Organisation.objects.get(pk=organisation_id)
    except Organisation.DoesNotExist:
        raise OrganisationNotFound(organisation_id) from None


def organisation_get_for_viewer(
    *, organisation_id: int, user
) -> tuple[Organisation, OrganisationMembership | None]:
    """The NGO for its members and for the staff who verify NGOs (membership None for staff)."""
    try:
        return organisation_get_for_member(organisation_id=organisation_id, user=user)
    except OrganisationNotFound:
        if not can_verify_organisations(user):
            raise
    return organisation_get_for_verifier(organisation_id=organisation_id, user=user), None


# --- NGOs ----------------------------------------------------------------------------------------------


def memberships_of(*, user) -> QuerySet[OrganisationMembership]:
    """The person's NGOs (as memberships, so each carries their role), by NGO name."""
    return (
        OrganisationMembership.objects.filter(user_id=getattr(user, "pk", None))
        .select_related("organisation")
        .order_by("organisation__name_fa", "pk")
    )


def organisations_managed_by(*, user) -> QuerySet[Organisation]:
    """NGOs the person may act for (owner or manager), e.g. to reserve places for their teams."""
    return Organisation.objects.filter(
        memberships__user_id=getattr(user, "pk", None), memberships__role__in=MANAGING_ROLES
    )


def teams_managed_by(*, user, verified_only: bool = False) -> QuerySet[Team]:
    """Teams of the NGOs the person is an owner or manager of (of verified NGOs only, if asked), by NGO
    and name, each with its NGO."""
    if not getattr(user, "is_authenticated", False):
        return Team.objects.none()
    teams = Team.objects.filter(organisation__in=organisations_managed_by(user=user)).select_related(
        "organisation"
    )
    if verified_only:
        teams = teams.filter(organisation__verified_at__isnull=False)
    return teams.order_by("organisation__name_fa", "name", "pk")


def organisations_awaiting_verification() -> QuerySet[Organisation]:
    """NGOs neither verified nor rejected, the longest waiting first, each with its owners
    (`owner_memberships`). A rejected NGO comes back when its owners correct and resend it."""
    return (
        Organisation.objects.filter(verified_at__isnull=True, rejected_at__isnull=True)
        .order_by("created_at", "pk")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=OrganisationMembership.objects.filter(role=Role.OWNER)
                .select_related("user")
                .only("organisation_id", "role", *(f"user__{name}" for name in PERSON_NAME_FIELDS))
                .order_by("pk"),
                to_attr="owner_memberships",
            )
        )
    )


def organisation_owners(*, organisation: Organisation) -> QuerySet[User]:
    return User.objects.filter(
        memberships__organisation=organisation, memberships__role=Role.OWNER, is_active=True
    ).order_by("memberships__pk")


# --- Members -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberRow:
    """One member as an NGO's managers see them. Contacts are None for anyone else's eyes."""

    membership_id: int
    user_id: int
    name: str
    role: str
    joined_at: datetime.datetime
    phone: str | None
    email: str | None
    team_names: list[str] = field(default_factory=list)

    @property
    def role_label(self) -> str:
        return Role(self.role).label


def member_list(
    *, organisation: Organisation, viewer_membership: OrganisationMembership | None
) -> list[MemberRow]:
    """The NGO's members, owners first, then managers, then by name, with their teams. Only the NGO's own
    managers and owners may list them, and only they get contacts."""
    if not is_manager(viewer_membership) or viewer_membership.organisation_id != organisation.pk:
        raise NotAManager()
    memberships = (
        OrganisationMembership.objects.filter(organisation=organisation)
        .select_related("user")
        .only(
            "id",
            "role",
            "joined_at",
            "organisation_id",
            *(f"user__{name}" for name in (*PERSON_NAME_FIELDS, *PERSON_CONTACT_FIELDS)),
        )
        .order_by(
            Case(When(role=Role.OWNER, then=0), When(role=Role.MANAGER, then=1), default=2),
            "user__first_name",
            "user__last_name",
            "pk",
        )
    )
    teams_by_user: dict[int, list[str]] = {}
    through = Team.members.through.objects.filter(team__organisation=organisation).order_by("team__name")
    for user_id, team_name in through.values_list("user_id", "team__name"):
        teams_by_user.setdefault(user_id, []).append(team_name)
    return [
        MemberRow(
            membership_id=membership.pk,
            user_id=membership.user_id,
            name=membership.user.display_name,
            role=membership.role,
            joined_at=membership.joined_at,
            phone=membership.user.phone or None,
            email=membership.user.email or None,
            team_names=teams_by_user.get(membership.user_id, []),
        )
        for membership in memberships
    ]


def membership_get_in(*, organisation: Organisation, membership_id: int) -> OrganisationMembership:
    try:
        return OrganisationMembership.objects.select_related("user").get(
            pk=membership_id, organisation=organisation
        )
    except OrganisationMembership.DoesNotExist:
        raise MemberNotFound() from None


# --- Teams ---------------------------------------------------------------------------------------------


def team_list(*, organisation: Organisation, viewer_membership: OrganisationMembership) -> QuerySet[Team]:
    """The NGO's teams with their members' names (never contacts): all of them for managers, the
    person's own for plain members."""
    teams = Team.objects.filter(organisation=organisation)
    if not is_manager(viewer_membership):
        teams = teams.filter(members=viewer_membership.user_id)
    return teams.order_by("name", "pk").prefetch_related(
        Prefetch(
            "members",
            queryset=User.objects.only(*PERSON_NAME_FIELDS).order_by("first_name", "last_name", "pk"),
        )
    )


def team_get(*, organisation: Organisation, team_id: int) -> Team:
    try:
        return Team.objects.get(pk=team_id, organisation=organisation)
    except Team.DoesNotExist:
        raise TeamNotFound(team_id) from None


def members_not_in_team(*, team: Team) -> QuerySet[User]:
    """The NGO's members who could be added to the team."""
    return (
        User.objects.filter(memberships__organisation_id=team.organisation_id)
        .exclude(teams=team)
        .only(*PERSON_NAME_FIELDS)
        .order_by("first_name", "last_name", "pk")
    )


# --- Invitations ---------------------------------------------------------------------------------------


class InvitationStatus:
    ACTIVE = "active"
    REVOKED = "revoked"
    EXPIRED = "expired"
    USED_UP = "used_up"


def invitation_status(invitation: Invitation, *, now: datetime.datetime | None = None) -> str:
    now = now or timezone.now()
    if invitation.revoked_at is not None:
        return InvitationStatus.REVOKED
    if invitation.expires_at <= now:
        return InvitationStatus.EXPIRED
    if invitation.use_count >= invitation.max_uses:
        return InvitationStatus.USED_UP
    return InvitationStatus.ACTIVE


def invitation_code_normalize(raw: str) -> str:
    """A code as people type it (lower case, Persian digits, spaces or dashes between groups) as stored."""
    return _NOT_CODE_CHARACTER.sub("", ascii_digits(raw or "").upper())


def invitation_code_display(code: str) -> str:
    """The code in groups of four, easier to read out and type: ABCD-EFGH-JKMN."""
    return "-".join(code[start : start + 4] for start in range(0, len(code), 4))


def invitation_join_path(code: str) -> str:
    """The invitation's address in the site's default language (Persian): a link shared with others
    should not carry the sharer's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return reverse("volunteers:ngo:join_code", args=[code])


def invitations_pending(*, organisation: Organisation) -> QuerySet[Invitation]:
    """Invitations that can still be used: neither revoked, expired nor used up."""
    return (
        Invitation.objects.filter(
            organisation=organisation,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            use_count__lt=F("max_uses"),
        )
        .select_related("team", "created_by")
        .order_by("-created_at", "-pk")
    )


def invitation_list(
    *,
    organisation: Organisation,
    viewer_membership: OrganisationMembership | None,
    pending_only: bool = False,
) -> QuerySet[Invitation]:
    """The NGO's invitations, newest first, for its managers."""
    if not is_manager(viewer_membership) or viewer_membership.organisation_id != organisation.pk:
        raise NotAManager()
    if pending_only:
        return invitations_pending(organisation=organisation)
    return (
        Invitation.objects.filter(organisation=organisation)
        .select_related("team", "created_by")
        .order_by("-created_at", "-pk")
    )


def invitation_get(*, organisation: Organisation, invitation_id: int) -> Invitation:
    try:
        return Invitation.objects.get(pk=invitation_id, organisation=organisation)
    except Invitation.DoesNotExist:
        raise InvitationNotFound() from None


def invitation_get_by_code(*, code: str) -> Invitation:
    """The invitation with this code however it was typed; InvitationNotFound for none."""
    normalized = invitation_code_normalize(code)
    invitation = (
        Invitation.objects.select_related("organisation", "team").filter(code=normalized).first()
        if normalized
        else None
    )
    if invitation is None:
        raise InvitationNotFound()
    return invitation


# --- The "my NGO" page ---------------------------------------------------------------------------------


@dataclass
class NgoDashboard:
    organisation: Organisation
    membership: OrganisationMembership
    teams: list[Team]
    members: list[MemberRow] | None  # None: the viewer may not list members
    invitations: list[Invitation] | None  # pending ones, for managers
    # What the apps above add to the page (campaigns: the places the teams hold), see ngo_page_sections.
    sections: list[dict] = field(default_factory=list)

    @property
    def is_manager(self) -> bool:
        return is_manager(self.membership)

    @property
    def is_owner(self) -> bool:
        return is_owner(self.membership)


def ngo_dashboard(*, organisation: Organisation, membership: OrganisationMembership) -> NgoDashboard:
    """What the person sees of their NGO: managers get members with contacts, all teams and pending
    invitations; plain members get the NGO and their own teams."""
    manager = is_manager(membership)
    return NgoDashboard(
        organisation=organisation,
        membership=membership,
        teams=list(team_list(organisation=organisation, viewer_membership=membership)),
        members=member_list(organisation=organisation, viewer_membership=membership) if manager else None,
        invitations=[
            _with_display_code(invitation) for invitation in invitations_pending(organisation=organisation)
        ]
        if manager
        else None,
        sections=ngo_page_sections(organisation=organisation, membership=membership),
    )


NGO_PAGE_SECTIONS_HOOK = "ngo_page_sections"


def ngo_page_sections(*, organisation: Organisation, membership: OrganisationMembership) -> list[dict]:
    """Sections that apps above this one add to the NGO's page, in the order their hooks register.

    A function registered with `@hooks.register("ngo_page_sections")` (Wagtail's hooks) takes the
    organisation and the viewer's membership and returns None (nothing for this viewer) or a dict with
    the `template` to include and what it shows; the template gets it as `section`."""
    sections = []
    for section_for in hooks.get_hooks(NGO_PAGE_SECTIONS_HOOK):
        section = section_for(organisation=organisation, membership=membership)
        if section is not None:
            sections.append(section)
    return sections


def _with_display_code(invitation: Invitation) -> Invitation:
    invitation.display_code = invitation_code_display(invitation.code)
    return invitation
