"""The NGO pages: registering, "my NGO" as a manager and as a member, teams, invitations, joining with a
link or a code (logged in or not), and the staff's verification queue in the staff area."""

import datetime
import re

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from campaigns.tests.factories import PersonFactory
from volunteers.models import Invitation, Organisation, OrganisationMembership, Team
from volunteers.ngos import selectors, services
from volunteers.ngos.errors import InvitationRefused, LastOwner, NotAManager, TeamInUse
from volunteers.ngos.tests.helpers import make_ngo, staff_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def persian_outside_requests():
    with translation.override("fa"):
        yield


def url(name, *args):
    return reverse(f"volunteers:ngo:{name}", args=args)


def text_of(response) -> str:
    return BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


# --- Registration ----------------------------------------------------------------------------------------


def test_registering_from_the_web(client):
    person = PersonFactory()
    client.force_login(person)
    form = {
        "name_fa": "انجمن سبز",
        "registration_number": "W-1",
        "field_of_work": "محیط زیست",
        "contact_phone": "03130000000",
    }

    response = client.post(url("register"), form, follow=True)

    organisation = Organisation.objects.get(registration_number="W-1")
    assert response.redirect_chain[-1][0] == url("dashboard", organisation.pk)
    assert OrganisationMembership.objects.get(organisation=organisation).role == "owner"
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select_one(".ngo-badge--unverified") is not None
    assert page.select_one(".ngo-notice") is not None


def test_a_taken_registration_number_is_shown_on_the_form_keeping_what_was_typed(client):
    make_ngo(registration_number="W-2")
    client.force_login(PersonFactory())

    response = client.post(
        url("register"),
        {
            "name_fa": "نام من",
            "registration_number": "w-2",
            "field_of_work": "فرهنگ",
            "contact_phone": "0311",
        },
    )

    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    assert "W-2" in page.select_one(".field--invalid").get_text()
    assert page.select_one("#id_name_fa")["value"] == "نام من"


def test_registering_needs_a_contact(client):
    client.force_login(PersonFactory())
    response = client.post(
        url("register"), {"name_fa": "x", "registration_number": "W-3", "field_of_work": "y"}
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not Organisation.objects.exists()


def test_the_ngo_pages_need_a_login(client):
    response = client.get(url("register"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("volunteers:login"))


# --- "My NGO" --------------------------------------------------------------------------------------------


def test_a_manager_sees_members_with_contacts_teams_and_invitations(client):
    ngo = make_ngo(verified=True)
    team = services.team_create(organisation=ngo.organisation, actor=ngo.owner, name="تیم سبز")
    services.team_member_add(team=team, actor=ngo.owner, user=ngo.members[0])
    invitation = services.invitation_create(organisation=ngo.organisation, actor=ngo.owner)
    ngo.members[1].date_of_birth = datetime.date(1990, 3, 21)
    ngo.members[1].emergency_contact_phone = "09359999999"
    ngo.members[1].save()
    client.force_login(ngo.managers[0])

    response = client.get(url("dashboard", ngo.organisation.pk))

    html = response.content.decode()
    assert ngo.members[1].phone in html and ngo.members[1].email in html
    assert "09359999999" not in html
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select_one(".ngo-badge--verified") is not None
    assert len(page.select(".ngo-members tbody tr")) == 4
    assert "تیم سبز" in text_of(response)
    assert selectors.invitation_code_display(invitation.code) in html
    # managers (not owners) get no role controls and cannot remove managers or the owner
    assert not page.select(".ngo-members select")
    assert len(page.select(".ngo-members .button--danger")) == 2


def test_a_plain_member_sees_the_ngo_and_their_teams_but_nobodys_contacts(client):
    ngo = make_ngo()
    mine = services.team_create(organisation=ngo.organisation, actor=ngo.owner, name="تیم من")
    services.team_create(organisation=ngo.organisation, actor=ngo.owner, name="تیم دیگران")
    services.team_member_add(team=mine, actor=ngo.owner, user=ngo.members[0])
    services.team_member_add(team=mine, actor=ngo.owner, user=ngo.members[1])
    services.invitation_create(organisation=ngo.organisation, actor=ngo.owner)
    client.force_login(ngo.members[0])

    response = client.get(url("dashboard", ngo.organisation.pk))

    html = response.content.decode()
    text = text_of(response)
    assert "تیم من" in text and "تیم دیگران" not in text
    assert ngo.members[1].display_name in text  # a team mate's name
    for other in (ngo.owner, ngo.managers[0], ngo.members[1]):
        assert other.phone not in html and other.email not in html
    invitation = ngo.organisation.invitations.get()
    assert invitation.code not in html and selectors.invitation_code_display(invitation.code) not in html
    assert "ngo-members" not in html


def test_another_ngos_people_get_a_404(client):
    ngo = make_ngo()
    client.force_login(make_ngo().owner)
    assert client.get(url("dashboard", ngo.organisation.pk)).status_code == 404
    assert client.post(url("team_create", ngo.organisation.pk), {"name": "x"}).status_code == 404
    assert not Team.objects.exists()


def test_my_ngos_lists_several_and_goes_straight_to_a_single_one(client):
    ngo = make_ngo()
    client.force_login(ngo.owner)
    assert client.get(url("my_ngos"))["Location"] == url("dashboard", ngo.organisation.pk)
    other = make_ngo()
    OrganisationMembership.objects.create(organisation=other.organisation, user=ngo.owner)
    response = client.get(url("my_ngos"))
    assert response.status_code == 200 and len(response.context["memberships"]) == 2


# --- Roles and members -----------------------------------------------------------------------------------


def test_an_owner_changes_roles_and_removes_people(client):
    ngo = make_ngo()
    client.force_login(ngo.owner)
    member = ngo.membership(ngo.members[0])

    client.post(url("member_role", ngo.organisation.pk, member.pk), {"role": "manager"})
    assert ngo.membership(ngo.members[0]).role == "manager"

    response = client.post(
        url("member_role", ngo.organisation.pk, ngo.membership(ngo.owner).pk), {"role": "member"}, follow=True
    )
    assert messages_of(response)[-1] == str(LastOwner().message)

    client.post(url("member_remove", ngo.organisation.pk, ngo.membership(ngo.managers[0]).pk))
    assert not OrganisationMembership.objects.filter(user=ngo.managers[0]).exists()


def test_a_member_cannot_remove_others_but_can_leave(client):
    ngo = make_ngo()
    client.force_login(ngo.members[0])

    response = client.post(
        url("member_remove", ngo.organisation.pk, ngo.membership(ngo.members[1]).pk), follow=True
    )
    assert messages_of(response) == [str(NotAManager().message)]
    assert OrganisationMembership.objects.filter(user=ngo.members[1]).exists()

    response = client.post(url("member_remove", ngo.organisation.pk, ngo.membership(ngo.members[0]).pk))
    assert response["Location"] == url("my_ngos")
    assert not OrganisationMembership.objects.filter(user=ngo.members[0]).exists()


# --- Teams -----------------------------------------------------------------------------------------------


def test_managers_manage_teams_from_the_web(client):
    ngo = make_ngo()
    client.force_login(ngo.managers[0])

    response = client.post(url("team_create", ngo.organisation.pk), {"name": "تیم یک"})
    team = Team.objects.get(organisation=ngo.organisation)
    assert response["Location"] == url("team", ngo.organisation.pk, team.pk)

    page = client.get(url("team", ngo.organisation.pk, team.pk))
    options = BeautifulSoup(page.content, "html.parser").select("#id_user option")
    assert len(options) == 4  # every member of the NGO, the manager too

    client.post(url("team_member_add", ngo.organisation.pk, team.pk), {"user": ngo.members[0].pk})
    assert list(team.members.all()) == [ngo.members[0]]
    outsider = PersonFactory()
    client.post(url("team_member_add", ngo.organisation.pk, team.pk), {"user": outsider.pk})
    assert list(team.members.all()) == [ngo.members[0]]

    response = client.post(url("team", ngo.organisation.pk, team.pk), {"name": ""})
    assert response.status_code == 200 and response.context["rename_form"].errors
    client.post(url("team", ngo.organisation.pk, team.pk), {"name": "تیم دو"})
    assert Team.objects.get(pk=team.pk).name == "تیم دو"

    client.post(url("team_member_remove", ngo.organisation.pk, team.pk, ngo.members[0].pk))
    assert not team.members.exists()
    client.post(url("team_delete", ngo.organisation.pk, team.pk))
    assert not Team.objects.filter(pk=team.pk).exists()


def test_plain_members_cannot_open_team_pages(client):
    ngo = make_ngo()
    team = services.team_create(organisation=ngo.organisation, actor=ngo.owner, name="تیم")
    client.force_login(ngo.members[0])
    assert client.get(url("team", ngo.organisation.pk, team.pk)).status_code == 404
    assert client.post(url("team_delete", ngo.organisation.pk, team.pk)).status_code == 404
    assert Team.objects.filter(pk=team.pk).exists()


# --- Invitations and joining -----------------------------------------------------------------------------


def test_a_manager_creates_an_invitation_and_sees_its_link_code_and_qr(client):
    ngo = make_ngo()
    client.force_login(ngo.managers[0])
    form = client.get(url("invitation_create", ngo.organisation.pk))
    roles = [
        option["value"] for option in BeautifulSoup(form.content, "html.parser").select("#id_role option")
    ]
    assert roles == ["member"]  # only owners invite managers

    response = client.post(
        url("invitation_create", ngo.organisation.pk),
        {"role": "member", "valid_days": 7, "max_uses": 5},
        follow=True,
    )

    invitation = Invitation.objects.get()
    assert invitation.max_uses == 5 and invitation.created_by == ngo.managers[0]
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select_one(".ngo-code--big").get_text() == selectors.invitation_code_display(invitation.code)
    assert page.select_one(".ngo-link")["value"] == f"http://testserver/account/ngo/join/{invitation.code}/"
    assert page.select_one(".ngo-qr svg") is not None


def test_invalid_invitation_input_keeps_what_was_typed(client):
    ngo = make_ngo()
    client.force_login(ngo.owner)
    response = client.post(
        url("invitation_create", ngo.organisation.pk), {"role": "member", "valid_days": 400, "max_uses": 3}
    )
    assert response.status_code == 200 and "valid_days" in response.context["form"].errors
    assert BeautifulSoup(response.content, "html.parser").select_one("#id_max_uses")["value"] == "3"
    assert not Invitation.objects.exists()


def test_a_member_cannot_create_invitations(client):
    ngo = make_ngo()
    client.force_login(ngo.members[0])
    client.post(
        url("invitation_create", ngo.organisation.pk), {"role": "member", "valid_days": 7, "max_uses": 1}
    )
    assert not Invitation.objects.exists()


def test_joining_with_a_link_after_logging_in(client):
    ngo = make_ngo()
    invitation = services.invitation_create(organisation=ngo.organisation, actor=ngo.owner)
    link = url("join_code", invitation.code)

    page = client.get(link)
    assert ngo.organisation.name_fa in text_of(page)
    content = BeautifulSoup(page.content, "html.parser").select_one("main")
    login = content.find("a", href=re.compile("login"))["href"]
    assert f"next={link.replace('/', '%2F')}" in login
    signup = content.find("a", href=re.compile("signup"))
    assert signup is not None and "next=" in signup["href"]
    assert client.post(link)["Location"].startswith(reverse("volunteers:login"))

    person = PersonFactory()
    client.force_login(person)
    response = client.post(link)

    assert response["Location"] == url("dashboard", ngo.organisation.pk)
    assert OrganisationMembership.objects.filter(organisation=ngo.organisation, user=person).exists()


def test_joining_with_a_typed_code(client):
    ngo = make_ngo()
    invitation = services.invitation_create(organisation=ngo.organisation, actor=ngo.owner)
    typed = selectors.invitation_code_display(invitation.code).lower()

    response = client.post(url("join"), {"code": typed})
    assert response["Location"] == url("join_code", invitation.code)
    assert client.get(url("join_code", typed))["Location"] == url("join_code", invitation.code)

    response = client.post(url("join"), {"code": "WRONG-CODE"})
    assert response.status_code == 200 and response.context["form"].errors["code"]
    assert BeautifulSoup(response.content, "html.parser").select_one("#id_code")["value"] == "WRONG-CODE"


def test_refused_invitations_are_explained_on_their_page(client):
    ngo = make_ngo()
    invitation = services.invitation_create(organisation=ngo.organisation, actor=ngo.owner)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - datetime.timedelta(days=1))
    person = PersonFactory()
    client.force_login(person)

    page = client.get(url("join_code", invitation.code))
    assert page.context["status"] == "expired" and not BeautifulSoup(page.content, "html.parser").select(
        "main form"
    )
    response = client.post(url("join_code", invitation.code), follow=True)
    assert messages_of(response) == [str(InvitationRefused.expired().message)]
    assert not OrganisationMembership.objects.filter(user=person).exists()


# --- The staff's verification queue ----------------------------------------------------------------------


def test_staff_verify_and_reject_from_the_staff_area(client, django_capture_on_commit_callbacks):
    waiting = make_ngo()
    to_reject = make_ngo()
    done = make_ngo(verified=True)
    client.force_login(staff_person())

    assert reverse("volunteers_ngo_queue") in client.get("/admin/").content.decode()  # in the menu
    queue = client.get(reverse("volunteers_ngo_queue"))
    assert queue.status_code == 200
    listed = {organisation.pk for organisation in queue.context["organisations"]}
    assert listed == {waiting.organisation.pk, to_reject.organisation.pk}
    assert done.organisation.name_fa not in queue.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("volunteers_ngo_verify", args=[waiting.organisation.pk]))
    waiting.organisation.refresh_from_db()
    assert waiting.organisation.is_verified
    assert mail.outbox[-1].to == [waiting.owner.email]

    form = client.post(reverse("volunteers_ngo_reject", args=[to_reject.organisation.pk]), {"reason": ""})
    assert form.status_code == 200 and form.context["form"].errors
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("volunteers_ngo_reject", args=[to_reject.organisation.pk]), {"reason": "Unknown number"}
        )
    assert response["Location"] == reverse("volunteers_ngo_queue")
    rejected = Organisation.objects.get(pk=to_reject.organisation.pk)
    assert rejected.is_rejected and rejected.rejection_reason == "Unknown number"
    assert "Unknown number" in mail.outbox[-1].body
    queue = client.get(reverse("volunteers_ngo_queue"))
    assert {organisation.pk for organisation in queue.context["organisations"]} == set()


def test_the_owner_sees_why_the_ngo_was_rejected_and_sends_it_again(client):
    ngo = make_ngo()
    services.organisation_reject(
        organisation=ngo.organisation, actor=staff_person(), reason="Wrong number"
    )

    # a plain member is told it was rejected, but only owners get the reason and the form
    client.force_login(ngo.members[0])
    page = client.get(url("dashboard", ngo.organisation.pk))
    assert "Wrong number" not in text_of(page)
    assert client.get(url("resubmit", ngo.organisation.pk))["Location"] == url(
        "dashboard", ngo.organisation.pk
    )

    client.force_login(ngo.owner)
    page = client.get(url("dashboard", ngo.organisation.pk))
    assert "Wrong number" in text_of(page)
    assert url("resubmit", ngo.organisation.pk) in page.content.decode()
    form = client.get(url("resubmit", ngo.organisation.pk))
    assert form.status_code == 200
    assert form.context["form"].initial["registration_number"] == ngo.organisation.registration_number

    response = client.post(
        url("resubmit", ngo.organisation.pk),
        {
            "name_fa": "نام درست",
            "registration_number": "NEW-1",
            "field_of_work": "culture",
            "contact_phone": "1",
        },
    )

    assert response["Location"] == url("dashboard", ngo.organisation.pk)
    ngo.organisation.refresh_from_db()
    assert not ngo.organisation.is_rejected and ngo.organisation.registration_number == "NEW-1"
    assert ngo.organisation.pk in {waiting.pk for waiting in selectors.organisations_awaiting_verification()}
    assert "Wrong number" not in text_of(client.get(url("dashboard", ngo.organisation.pk)))


def test_the_queue_is_for_municipal_staff_only(client):
    ngo = make_ngo()
    editor = PersonFactory(is_staff=True, is_superuser=False)
    # in the staff area, but in no department
    group = Group.objects.create(name="Only admin access")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    editor.groups.add(group)
    client.force_login(editor)

    assert reverse("volunteers_ngo_queue") not in client.get("/admin/").content.decode()
    assert client.get(reverse("volunteers_ngo_queue")).status_code in (302, 403)
    assert client.post(reverse("volunteers_ngo_verify", args=[ngo.organisation.pk])).status_code in (302, 403)
    ngo.organisation.refresh_from_db()
    assert not ngo.organisation.is_verified


def test_managers_see_the_places_their_teams_hold(client):
    from campaigns.services import team_reservation_create
    from campaigns.tests.factories import add_shift, publish_call

    ngo = make_ngo(verified=True)
    team = services.team_create(organisation=ngo.organisation, actor=ngo.owner, name="تیم سبز")
    call = publish_call()
    reservation = team_reservation_create(
        shift=add_shift(call, capacity=10, team_places=6), team=team, places=4, actor=ngo.owner
    )

    client.force_login(ngo.managers[0])
    page = BeautifulSoup(client.get(url("dashboard", ngo.organisation.pk)).content, "html.parser")
    rows = page.select(".ngo-reservations tbody tr")
    assert len(rows) == 1
    assert call.localized_title in rows[0].get_text() and "تیم سبز" in rows[0].get_text()
    assert rows[0].find("a")["href"] == reverse("volunteer:team_reservation", args=[reservation.pk])

    client.force_login(ngo.members[0])
    assert "ngo-reservations" not in client.get(url("dashboard", ngo.organisation.pk)).content.decode()

    # a team holding places cannot be deleted
    client.force_login(ngo.owner)
    response = client.post(url("team_delete", ngo.organisation.pk, team.pk), follow=True)
    assert Team.objects.filter(pk=team.pk).exists()
    assert messages_of(response)[-1] == str(TeamInUse().message)
