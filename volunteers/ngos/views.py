"""The NGO pages under /account/ngo/: registering an NGO, "my NGO", roles, teams and invitations, joining
with a link or a code.

Views stay thin: rules live in `services`, reads in `selectors` (this package). A refusal becomes a message on
the page (forms keep what was typed); an NGO the person does not belong to is a 404.
"""

import datetime

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError

from . import selectors, services
from .errors import InvalidRole, InvitationNotFound, OrganisationNotFound, RegistrationNumberTaken
from .forms import (
    InvitationForm,
    JoinCodeForm,
    OrganisationRegisterForm,
    RoleForm,
    TeamForm,
    TeamMemberAddForm,
)


def _member_or_404(request, organisation_id: int):
    try:
        return selectors.organisation_get_for_member(organisation_id=organisation_id, user=request.user)
    except OrganisationNotFound as error:
        raise Http404(error.message) from None


def _dashboard(organisation_id: int):
    return redirect("volunteers:ngo:dashboard", organisation_id)


def _join_url(request, code: str) -> str:
    return request.build_absolute_uri(selectors.invitation_join_path(code))


def _with_next(url: str, next_path: str) -> str:
    return f"{url}?{urlencode({'next': next_path})}"


def _signup_url() -> str | None:
    """The sign-up page, when the accounts part of the site has one."""
    try:
        return reverse("volunteers:signup")
    except NoReverseMatch:
        return None


# --- NGOs ----------------------------------------------------------------------------------------------


@login_required
def my_ngos(request):
    """The person's NGOs; with exactly one, its page."""
    memberships = list(selectors.memberships_of(user=request.user))
    if len(memberships) == 1:
        return _dashboard(memberships[0].organisation_id)
    return render(request, "volunteers/ngo/my_ngos.html", {"memberships": memberships})


@login_required
def register(request):
    form = OrganisationRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_register(user=request.user, **form.cleaned_data)
        except RegistrationNumberTaken as error:
            form.add_error("registration_number", error.message)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _(
                    "“%(ngo)s” is registered, with you as its owner. Municipal staff will verify it; until "
                    "then it cannot reserve places on shifts."
                )
                % {"ngo": organisation.name},
            )
            return _dashboard(organisation.pk)
    return render(request, "volunteers/ngo/register.html", {"form": form})


@login_required
def dashboard(request, organisation_id: int):
    organisation, membership = _member_or_404(request, organisation_id)
    page = selectors.ngo_dashboard(organisation=organisation, membership=membership)
    context = {"page": page, "organisation": organisation, "membership": membership}
    if page.is_manager:
        context["team_form"] = TeamForm()
        context["role_choices"] = selectors.Role.choices
    return render(request, "volunteers/ngo/dashboard.html", context)


REGISTRATION_FIELDS = list(OrganisationRegisterForm.base_fields)


@login_required
def resubmit(request, organisation_id: int):
    """An owner corrects a rejected registration and sends it back to the staff queue."""
    organisation, membership = _member_or_404(request, organisation_id)
    if not selectors.is_owner(membership) or not organisation.is_rejected:
        return _dashboard(organisation_id)
    form = OrganisationRegisterForm(
        request.POST or None, initial={field: getattr(organisation, field) for field in REGISTRATION_FIELDS}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_resubmit(organisation=organisation, actor=request.user, **form.cleaned_data)
        except RegistrationNumberTaken as error:
            form.add_error("registration_number", error.message)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("The corrected registration of “%(ngo)s” is sent; municipal staff will check it again.")
                % {"ngo": organisation.name},
            )
            return _dashboard(organisation_id)
    return render(request, "volunteers/ngo/resubmit.html", {"form": form, "organisation": organisation})


# --- Members -------------------------------------------------------------------------------------------


@require_POST
@login_required
def member_role(request, organisation_id: int, membership_id: int):
    organisation, _membership = _member_or_404(request, organisation_id)
    form = RoleForm(request.POST)
    try:
        target = selectors.membership_get_in(organisation=organisation, membership_id=membership_id)
        if not form.is_valid():
            raise InvalidRole()
        services.membership_set_role(
            organisation=organisation, actor=request.user, membership=target, role=form.cleaned_data["role"]
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(name)s is now %(role)s.")
            % {"name": target.user.display_name, "role": selectors.Role(form.cleaned_data["role"]).label},
        )
    return _dashboard(organisation_id)


@require_POST
@login_required
def member_remove(request, organisation_id: int, membership_id: int):
    organisation, _membership = _member_or_404(request, organisation_id)
    try:
        target = selectors.membership_get_in(organisation=organisation, membership_id=membership_id)
        services.membership_remove(organisation=organisation, actor=request.user, membership=target)
    except DomainError as error:
        messages.error(request, error.message)
        return _dashboard(organisation_id)
    if target.user_id == request.user.pk:
        messages.success(request, _("You have left “%(ngo)s”.") % {"ngo": organisation.name})
        return redirect("volunteers:ngo:my_ngos")
    messages.success(request, _("%(name)s is no longer a member.") % {"name": target.user.display_name})
    return _dashboard(organisation_id)


# --- Teams ---------------------------------------------------------------------------------------------


@require_POST
@login_required
def team_create(request, organisation_id: int):
    organisation, _membership = _member_or_404(request, organisation_id)
    form = TeamForm(request.POST)
    if form.is_valid():
        try:
            team = services.team_create(
                organisation=organisation, actor=request.user, name=form.cleaned_data["name"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Team “%(team)s” is created.") % {"team": team.name})
            return redirect("volunteers:ngo:team", organisation_id, team.pk)
    else:
        messages.error(request, _("Give the team a name."))
    return _dashboard(organisation_id)


def _team_for_manager(request, organisation_id: int, team_id: int):
    organisation, membership = _member_or_404(request, organisation_id)
    if not selectors.is_manager(membership):
        raise Http404(_("Only the NGO's owners and managers may manage its teams."))
    try:
        return organisation, selectors.team_get(organisation=organisation, team_id=team_id)
    except DomainError as error:
        raise Http404(error.message) from None


@login_required
def team_detail(request, organisation_id: int, team_id: int):
    """A team's page for managers: rename it, add and remove members, delete it."""
    organisation, team = _team_for_manager(request, organisation_id, team_id)
    rename_form = TeamForm(request.POST or None, initial={"name": team.name})
    if request.method == "POST" and rename_form.is_valid():
        try:
            services.team_rename(team=team, actor=request.user, name=rename_form.cleaned_data["name"])
        except DomainError as error:
            rename_form.add_error("name", error.message)
        else:
            messages.success(request, _("The team is now called “%(team)s”.") % {"team": team.name})
            return redirect("volunteers:ngo:team", organisation_id, team.pk)
    context = {
        "organisation": organisation,
        "team": team,
        "rename_form": rename_form,
        "add_form": TeamMemberAddForm(candidates=selectors.members_not_in_team(team=team)),
        "members": team.members.only(*selectors.PERSON_NAME_FIELDS).order_by("first_name", "last_name"),
    }
    return render(request, "volunteers/ngo/team.html", context)


@require_POST
@login_required
def team_delete(request, organisation_id: int, team_id: int):
    _organisation, team = _team_for_manager(request, organisation_id, team_id)
    try:
        services.team_delete(team=team, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("volunteers:ngo:team", organisation_id, team_id)
    messages.success(
        request, _("Team “%(team)s” is deleted; its members stay in the NGO.") % {"team": team.name}
    )
    return _dashboard(organisation_id)


@require_POST
@login_required
def team_member_add(request, organisation_id: int, team_id: int):
    _organisation, team = _team_for_manager(request, organisation_id, team_id)
    form = TeamMemberAddForm(request.POST, candidates=selectors.members_not_in_team(team=team))
    if not form.is_valid():
        messages.error(request, _("Choose one of the NGO's members who is not in the team yet."))
    else:
        try:
            services.team_member_add(team=team, actor=request.user, user=form.cleaned_data["user"])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(name)s is now in the team.") % {"name": form.cleaned_data["user"].display_name},
            )
    return redirect("volunteers:ngo:team", organisation_id, team_id)


@require_POST
@login_required
def team_member_remove(request, organisation_id: int, team_id: int, user_id: int):
    _organisation, team = _team_for_manager(request, organisation_id, team_id)
    person = team.members.filter(pk=user_id).first()
    if person is None:
        raise Http404(_("This person is not in the team."))
    try:
        services.team_member_remove(team=team, actor=request.user, user=person)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s has left the team.") % {"name": person.display_name})
    return redirect("volunteers:ngo:team", organisation_id, team_id)


# --- Invitations ---------------------------------------------------------------------------------------


@login_required
def invitation_create(request, organisation_id: int):
    organisation, membership = _member_or_404(request, organisation_id)
    if not selectors.is_manager(membership):
        messages.error(request, _("Only the NGO's owners and managers may invite people."))
        return _dashboard(organisation_id)
    form = InvitationForm(
        request.POST or None,
        organisation=organisation,
        may_invite_managers=selectors.is_owner(membership),
        initial={"team": request.GET.get("team")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = services.invitation_create(
                organisation=organisation,
                actor=request.user,
                team=data["team"],
                role=data["role"],
                expires_at=timezone.now() + datetime.timedelta(days=data["valid_days"]),
                max_uses=data["max_uses"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The invitation is ready: share its link or code."))
            return redirect("volunteers:ngo:invitation", organisation_id, invitation.pk)
    return render(
        request, "volunteers/ngo/invitation_create.html", {"organisation": organisation, "form": form}
    )


@login_required
def invitation_detail(request, organisation_id: int, invitation_id: int):
    """The invitation's link, code and QR code, to share or print."""
    organisation, membership = _member_or_404(request, organisation_id)
    if not selectors.is_manager(membership):
        raise Http404(_("Only the NGO's owners and managers may see its invitations."))
    try:
        invitation = selectors.invitation_get(organisation=organisation, invitation_id=invitation_id)
    except InvitationNotFound as error:
        raise Http404(error.message) from None
    link = _join_url(request, invitation.code)
    context = {
        "organisation": organisation,
        "invitation": invitation,
        "status": selectors.invitation_status(invitation),
        "link": link,
        "code": selectors.invitation_code_display(invitation.code),
        "qr_svg": segno.make(link, error="m").svg_inline(scale=5, title=_("Invitation link")),
    }
    return render(request, "volunteers/ngo/invitation.html", context)


@require_POST
@login_required
def invitation_revoke(request, organisation_id: int, invitation_id: int):
    organisation, _membership = _member_or_404(request, organisation_id)
    try:
        invitation = selectors.invitation_get(organisation=organisation, invitation_id=invitation_id)
        services.invitation_revoke(invitation=invitation, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The invitation is withdrawn; its link and code no longer work."))
    return _dashboard(organisation_id)


def join(request):
    """Where people type a code they were given."""
    form = JoinCodeForm(request.POST or request.GET or None)
    if form.is_bound and form.is_valid():
        try:
            invitation = selectors.invitation_get_by_code(code=form.cleaned_data["code"])
        except DomainError as error:
            form.add_error("code", error.message)
        else:
            return redirect("volunteers:ngo:join_code", invitation.code)
    return render(request, "volunteers/ngo/join.html", {"form": form})


def join_code(request, code: str):
    """An invitation's page: who invites, and a button to accept (after logging in or signing up)."""
    try:
        invitation = selectors.invitation_get_by_code(code=code)
    except InvitationNotFound as error:
        messages.error(request, error.message)
        return redirect("volunteers:ngo:join")
    if invitation.code != code:  # typed in small letters or with dashes: one address per invitation
        return redirect("volunteers:ngo:join_code", invitation.code)

    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(_with_next(reverse("volunteers:login"), request.path))
        try:
            membership = services.invitation_accept(code=code, user=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            if invitation.team is not None:
                text = _("Welcome to “%(ngo)s” and its team “%(team)s”.")
            else:
                text = _("Welcome to “%(ngo)s”.")
            messages.success(request, text % {"ngo": invitation.organisation.name, "team": invitation.team})
            return _dashboard(membership.organisation_id)

    already_member = (
        request.user.is_authenticated
        and selectors.membership_get(organisation=invitation.organisation, user=request.user) is not None
    )
    context = {
        "invitation": invitation,
        "organisation": invitation.organisation,
        "status": selectors.invitation_status(invitation),
        "already_member": already_member,
        "login_url": _with_next(reverse("volunteers:login"), request.path),
        "signup_url": _with_next(url, request.path) if (url := _signup_url()) else None,
    }
    return render(request, "volunteers/ngo/join_code.html", context)
