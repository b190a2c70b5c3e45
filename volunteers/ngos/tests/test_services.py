"""The NGO rules, through the services: registration, verification, roles, teams and invitations."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone
from wagtail.models import ModelLogEntry

from campaigns.services import department_approvers_group_ensure
from campaigns.tests.factories import PersonFactory
from city.models import Department
from core.errors import DomainError
from volunteers.models import Invitation, Organisation, OrganisationMembership, Team
from volunteers.ngos import selectors, services
from volunteers.ngos.tests.helpers import make_ngo, staff_person
from volunteers.sms import OutboxSmsBackend

pytestmark = pytest.mark.django_db


def code_of(call) -> str:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value.code


@pytest.fixture(autouse=True)
def empty_sms_outbox():
    OutboxSmsBackend.outbox.clear()
    yield
    OutboxSmsBackend.outbox.clear()


# --- Registration ----------------------------------------------------------------------------------------


def test_the_registrant_becomes_the_owner_of_an_unverified_ngo():
    person = PersonFactory()

    organisation = services.organisation_register(
        user=person,
        name_fa=" انجمن سبز ",
        registration_number=" ab-۱۲۳۴  5 ",
        field_of_work="محیط زیست",
        contact_email="Info@Sabz.ORG",
    )

    assert organisation.registration_number == "AB-1234 5"
    assert organisation.name_fa == "انجمن سبز"
    assert organisation.contact_email == "info@sabz.org"
    assert not organisation.is_verified
    membership = OrganisationMembership.objects.get(organisation=organisation)
    assert (membership.user, membership.role) == (person, "owner")


def test_a_registration_number_registers_once_however_it_is_typed():
    make_ngo(registration_number="REG-77")

    assert (
        code_of(
            lambda: services.organisation_register(
                user=PersonFactory(), name_fa="دیگر", registration_number="reg-۷۷", contact_phone="0311"
            )
        )
        == "registration_number_taken"
    )
    assert Organisation.objects.count() == 1


def test_an_ngo_needs_a_contact_and_a_valid_email():
    person = PersonFactory()
    register = services.organisation_register
    assert (
        code_of(lambda: register(user=person, name_fa="الف", registration_number="R1")) == "invalid_contact"
    )
    assert (
        code_of(lambda: register(user=person, name_fa="الف", registration_number="R1", contact_email="nope"))
        == "invalid_contact"
    )
    assert not Organisation.objects.exists()


# --- Verification ----------------------------------------------------------------------------------------


def test_who_may_verify_ngos():
    urban = Department.objects.get(slug="urban_services")
    approver = PersonFactory()
    approver.groups.add(department_approvers_group_ensure(department=urban))
    in_another_group = PersonFactory(is_staff=True)
    in_another_group.groups.add(Group.objects.create(name="Some other group"))

    assert selectors.can_verify_organisations(staff_person())
    assert selectors.can_verify_organisations(approver)
    assert selectors.can_verify_organisations(PersonFactory(is_superuser=True))
    assert not selectors.can_verify_organisations(in_another_group)  # is_staff alone is not enough
    assert not selectors.can_verify_organisations(PersonFactory())
    assert not selectors.can_verify_organisations(PersonFactory(is_superuser=True, is_active=False))


def test_staff_verify_an_ngo_and_its_owner_is_told_once(django_capture_on_commit_callbacks):
    ngo = make_ngo()
    staff = staff_person()

    with django_capture_on_commit_callbacks(execute=True):
        organisation = services.organisation_verify(organisation=ngo.organisation, actor=staff)

    assert organisation.is_verified and organisation.verified_by == staff
    assert [message.to for message in mail.outbox] == [[ngo.owner.email]]
    assert ngo.organisation.name_fa in mail.outbox[0].body
    assert f"/account/ngo/{organisation.pk}/" in mail.outbox[0].body
    assert [sms["phone"] for sms in OutboxSmsBackend.outbox] == [ngo.owner.phone]
    assert ModelLogEntry.objects.filter(action=services.LOG_VERIFIED, object_id=str(organisation.pk)).exists()

    # a second verification is refused and tells nobody again
    assert code_of(lambda: services.organisation_verify(organisation=organisation, actor=staff)) == (
        "organisation_already_verified"
    )
    assert len(mail.outbox) == 1


def test_a_notice_whose_sending_fails_is_sent_by_the_retry_and_once(django_capture_on_commit_callbacks):
    from unittest import mock

    from core.models import OutboxMessage
    from volunteers.ngos import notices

    ngo = make_ngo()
    # The mail server is down when the worker first tries: the decision stands, nobody is told yet.
    with (
        mock.patch("volunteers.notifications.send_mail", side_effect=ConnectionError("mail server down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.organisation_verify(organisation=ngo.organisation, actor=staff_person())
    ngo.organisation.refresh_from_db()
    assert ngo.organisation.is_verified and mail.outbox == []
    message = OutboxMessage.objects.get(task_name="volunteers.tasks.notify_organisation_decision_task")
    assert message.done_at is None  # the outbox hands it over again

    # The retry sends it; any further run sends nothing more.
    assert notices.organisation_decision_notify(organisation_id=ngo.organisation.pk) is True
    assert notices.organisation_decision_notify(organisation_id=ngo.organisation.pk) is False
    assert [m.to for m in mail.outbox] == [[ngo.owner.email]]


def test_people_who_are_not_staff_cannot_verify_or_reject():
    ngo = make_ngo()

    assert (
        code_of(lambda: services.organisation_verify(organisation=ngo.organisation, actor=ngo.owner))
        == "not_allowed_to_verify"
    )
    assert (
        code_of(
            lambda: services.organisation_reject(
                organisation=ngo.organisation, actor=ngo.owner, reason="x"
            )
        )
        == "not_allowed_to_verify"
    )
    ngo.organisation.refresh_from_db()
    assert not ngo.organisation.is_verified


def test_rejecting_keeps_the_ngo_out_of_the_queue_and_tells_the_owner_why(
    django_capture_on_commit_callbacks,
):
    ngo = make_ngo(registration_number="R-9")
    pk = ngo.organisation.pk
    staff = staff_person()
    assert (
        code_of(
            lambda: services.organisation_reject(organisation=ngo.organisation, actor=staff, reason=" ")
        )
        == "rejection_reason_required"
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_reject(
            organisation=ngo.organisation, actor=staff, reason="The number is not in the register"
        )

    organisation = Organisation.objects.get(pk=pk)
    assert organisation.is_rejected and not organisation.is_verified
    assert organisation.rejected_by == staff
    assert organisation.rejection_reason == "The number is not in the register"
    assert OrganisationMembership.objects.filter(organisation_id=pk, user=ngo.owner).exists()
    assert pk not in {waiting.pk for waiting in selectors.organisations_awaiting_verification()}
    assert len(mail.outbox) == 1 and "The number is not in the register" in mail.outbox[0].body
    assert f"/account/ngo/{pk}/" in mail.outbox[0].body
    entry = ModelLogEntry.objects.get(action=services.LOG_REJECTED, object_id=str(pk))
    assert entry.data["reason"] == "The number is not in the register" and entry.user == staff
    # staff wait for the owner's corrections: neither a second rejection nor a verification meanwhile
    assert (
        code_of(
            lambda: services.organisation_reject(organisation=organisation, actor=staff, reason="x")
        )
        == "organisation_already_rejected"
    )
    assert (
        code_of(lambda: services.organisation_verify(organisation=organisation, actor=staff))
        == "organisation_already_rejected"
    )
    assert len(mail.outbox) == 1


def test_the_owner_corrects_a_rejected_ngo_and_it_is_back_in_the_queue():
    ngo = make_ngo(registration_number="R-9")
    other = make_ngo(registration_number="R-10")
    staff = staff_person()
    organisation = services.organisation_reject(
        organisation=ngo.organisation, actor=staff, reason="typo"
    )
    details = {"name_fa": "نام درست", "registration_number": "r-11", "contact_email": "NGO@example.org"}

    # only an owner may resend it, and not with another NGO's number
    assert (
        code_of(lambda: services.organisation_resubmit(organisation=organisation, actor=staff, **details))
        == "not_an_ngo_owner"
    )
    assert (
        code_of(
            lambda: services.organisation_resubmit(
                organisation=organisation, actor=ngo.owner, **{**details, "registration_number": "R-10"}
            )
        )
        == "registration_number_taken"
    )

    services.organisation_resubmit(organisation=organisation, actor=ngo.owner, **details)

    organisation.refresh_from_db()
    assert (organisation.name_fa, organisation.registration_number, organisation.contact_email) == (
        "نام درست",
        "R-11",
        "ngo@example.org",
    )
    assert (
        not organisation.is_rejected
        and organisation.rejected_by is None
        and organisation.rejection_reason == ""
    )
    assert {waiting.pk for waiting in selectors.organisations_awaiting_verification()} == {
        organisation.pk,
        other.organisation.pk,
    }
    assert ModelLogEntry.objects.filter(
        action=services.LOG_RESUBMITTED, object_id=str(organisation.pk), user=ngo.owner
    ).exists()
    # sending it again before anyone rejected it once more is refused
    assert (
        code_of(lambda: services.organisation_resubmit(organisation=organisation, actor=ngo.owner, **details))
        == "organisation_not_rejected"
    )
    services.organisation_verify(organisation=organisation, actor=staff)
    assert Organisation.objects.get(pk=organisation.pk).is_verified


def test_a_verified_ngo_cannot_be_rejected():
    ngo = make_ngo(verified=True)
    assert (
        code_of(
            lambda: services.organisation_reject(
                organisation=ngo.organisation, actor=staff_person(), reason="late"
            )
        )
        == "organisation_already_verified"
    )


# --- Roles and membership --------------------------------------------------------------------------------


def test_owners_promote_and_demote_managers():
    ngo = make_ngo()
    member = ngo.membership(ngo.members[0])

    services.membership_set_role(
        organisation=ngo.organisation, actor=ngo.owner, membership=member, role="manager"
    )
    assert ngo.membership(ngo.members[0]).role == "manager"
    services.membership_set_role(
        organisation=ngo.organisation, actor=ngo.owner, membership=member, role="member"
    )
    assert ngo.membership(ngo.members[0]).role == "member"


def test_managers_and_members_cannot_change_roles():
    ngo = make_ngo()
    target = ngo.membership(ngo.members[0])
    for actor in (ngo.managers[0], ngo.members[1]):
        assert (
            code_of(
                lambda actor=actor: services.membership_set_role(
                    organisation=ngo.organisation, actor=actor, membership=target, role="manager"
                )
            )
            == "not_an_ngo_owner"
        )


def test_the_last_owner_cannot_step_down_or_leave_but_one_of_two_can():
    ngo = make_ngo()
    owner = ngo.membership(ngo.owner)
    organisation = ngo.organisation
    assert (
        code_of(
            lambda: services.membership_set_role(
                organisation=organisation, actor=ngo.owner, membership=owner, role="manager"
            )
        )
        == "last_owner"
    )
    assert (
        code_of(
            lambda: services.membership_remove(organisation=organisation, actor=ngo.owner, membership=owner)
        )
        == "last_owner"
    )

    services.membership_set_role(
        organisation=organisation, actor=ngo.owner, membership=ngo.membership(ngo.managers[0]), role="owner"
    )
    services.membership_remove(organisation=organisation, actor=ngo.owner, membership=owner)
    assert list(selectors.organisation_owners(organisation=organisation)) == [ngo.managers[0]]


def test_managers_remove_members_and_the_removed_leave_their_teams():
    ngo = make_ngo()
    team = services.team_create(organisation=ngo.organisation, actor=ngo.managers[0], name="تیم یک")
    services.team_member_add(team=team, actor=ngo.managers[0], user=ngo.members[0])

    services.membership_remove(
        organisation=ngo.organisation, actor=ngo.managers[0], membership=ngo.membership(ngo.members[0])
    )

    assert not OrganisationMembership.objects.filter(user=ngo.members[0]).exists()
    assert not team.members.exists()


def test_who_may_remove_whom():
    ngo = make_ngo(managers=2)
    other = make_ngo()
    organisation = ngo.organisation

    def remove(actor, person, organisation=organisation):
        return lambda: services.membership_remove(
            organisation=organisation, actor=actor, membership=ngo.membership(person)
        )

    assert code_of(remove(ngo.members[0], ngo.members[1])) == "not_an_ngo_manager"
    assert code_of(remove(ngo.managers[0], ngo.managers[1])) == "not_an_ngo_owner"
    assert code_of(remove(ngo.managers[0], ngo.owner)) == "not_an_ngo_owner"
    assert code_of(remove(other.owner, ngo.members[0])) == "not_an_ngo_manager"
    # another NGO's owner cannot remove this NGO's member by naming their own NGO either
    assert code_of(remove(other.owner, ngo.members[0], organisation=other.organisation)) == "member_not_found"

    remove(ngo.owner, ngo.managers[1])()
    remove(ngo.members[1], ngo.members[1])()  # leaving
    assert set(
        OrganisationMembership.objects.filter(organisation=organisation).values_list("user", flat=True)
    ) == {
        ngo.owner.pk,
        ngo.managers[0].pk,
        ngo.members[0].pk,
    }


# --- Teams -----------------------------------------------------------------------------------------------


def test_managers_create_rename_and_delete_teams():
    ngo = make_ngo()
    manager = ngo.managers[0]

    team = services.team_create(organisation=ngo.organisation, actor=manager, name="  پاکبانان   چهارباغ ")
    assert team.name == "پاکبانان چهارباغ"
    assert code_of(
        lambda: services.team_create(organisation=ngo.organisation, actor=manager, name="پاکبانان چهارباغ")
    ) == ("team_name_taken")
    assert code_of(lambda: services.team_create(organisation=ngo.organisation, actor=manager, name=" ")) == (
        "team_name_required"
    )
    services.team_rename(team=team, actor=manager, name="تیم سبز")
    assert Team.objects.get(pk=team.pk).name == "تیم سبز"
    services.team_member_add(team=team, actor=manager, user=ngo.members[0])

    services.team_delete(team=team, actor=manager)
    assert not Team.objects.filter(pk=team.pk).exists()
    assert OrganisationMembership.objects.filter(user=ngo.members[0]).exists()  # still in the NGO


def test_only_the_ngos_managers_manage_its_teams_and_only_with_its_members():
    ngo = make_ngo()
    other = make_ngo()
    team = services.team_create(organisation=ngo.organisation, actor=ngo.owner, name="الف")

    assert code_of(
        lambda: services.team_create(organisation=ngo.organisation, actor=ngo.members[0], name="ب")
    ) == ("not_an_ngo_manager")
    assert code_of(lambda: services.team_rename(team=team, actor=other.managers[0], name="ب")) == (
        "not_an_ngo_manager"
    )
    assert code_of(lambda: services.team_delete(team=team, actor=other.owner)) == "not_an_ngo_manager"
    assert code_of(lambda: services.team_member_add(team=team, actor=other.owner, user=other.members[0])) == (
        "not_an_ngo_manager"
    )
    assert code_of(lambda: services.team_member_add(team=team, actor=ngo.owner, user=other.members[0])) == (
        "not_an_ngo_member"
    )
    assert not team.members.exists()


# --- Invitations -----------------------------------------------------------------------------------------


def test_invitation_codes_are_long_random_and_unambiguous():
    ngo = make_ngo()
    codes = {
        services.invitation_create(organisation=ngo.organisation, actor=ngo.managers[0]).code
        for _ in range(30)
    }

    assert len(codes) == 30
    for code in codes:
        assert len(code) == 12
        assert set(code) <= set(selectors.INVITATION_CODE_ALPHABET)
    assert not set("01ILOU") & set(selectors.INVITATION_CODE_ALPHABET)


def test_who_may_invite_whom():
    ngo = make_ngo()
    other = make_ngo()
    other_team = services.team_create(organisation=other.organisation, actor=other.owner, name="دیگر")
    create = services.invitation_create
    organisation = ngo.organisation

    assert code_of(lambda: create(organisation=organisation, actor=ngo.members[0])) == "not_an_ngo_manager"
    assert code_of(lambda: create(organisation=organisation, actor=other.managers[0])) == "not_an_ngo_manager"
    assert code_of(lambda: create(organisation=organisation, actor=ngo.managers[0], role="manager")) == (
        "not_an_ngo_owner"
    )
    assert code_of(lambda: create(organisation=organisation, actor=ngo.owner, role="owner")) == "invalid_role"
    assert code_of(lambda: create(organisation=organisation, actor=ngo.owner, team=other_team)) == (
        "invitation_invalid"
    )
    assert create(organisation=organisation, actor=ngo.owner, role="manager").role == "manager"


def test_invitation_expiry_and_uses_are_bounded():
    ngo = make_ngo()
    now = timezone.now()

    def create(**fields):
        return lambda: services.invitation_create(organisation=ngo.organisation, actor=ngo.owner, **fields)

    assert code_of(create(expires_at=now - datetime.timedelta(minutes=1))) == "invitation_invalid"
    assert code_of(create(expires_at=now + datetime.timedelta(days=91))) == "invitation_invalid"
    assert code_of(create(max_uses=0)) == "invitation_invalid"
    assert code_of(create(max_uses=501)) == "invitation_invalid"
    invitation = create()()
    assert now + datetime.timedelta(days=13) < invitation.expires_at < now + datetime.timedelta(days=15)
    assert invitation.max_uses == 1 and invitation.role == "member"


def test_accepting_an_invitation_joins_the_ngo_and_the_team_whatever_case_and_digits_are_typed():
    ngo = make_ngo()
    team = services.team_create(organisation=ngo.organisation, actor=ngo.owner, name="تیم")
    invitation = services.invitation_create(
        organisation=ngo.organisation, actor=ngo.owner, team=team, max_uses=2
    )
    person = PersonFactory()
    persian_digits = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
    typed = f" {selectors.invitation_code_display(invitation.code).lower().translate(persian_digits)} "

    membership = services.invitation_accept(code=typed, user=person)

    assert (membership.organisation, membership.user, membership.role) == (ngo.organisation, person, "member")
    assert list(team.members.all()) == [person]
    invitation.refresh_from_db()
    assert invitation.use_count == 1


def test_refused_invitations_say_why_and_use_nothing():
    ngo = make_ngo()
    invitation = services.invitation_create(organisation=ngo.organisation, actor=ngo.owner)
    person = PersonFactory()

    assert (
        code_of(lambda: services.invitation_accept(code="ABCDEFGHJKMN", user=person))
        == "invitation_not_found"
    )
    assert code_of(lambda: services.invitation_accept(code="", user=person)) == "invitation_not_found"

    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert (
        code_of(lambda: services.invitation_accept(code=invitation.code, user=person)) == "invitation_expired"
    )

    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() + datetime.timedelta(days=1))
    services.invitation_accept(code=invitation.code, user=PersonFactory())
    assert (
        code_of(lambda: services.invitation_accept(code=invitation.code, user=person)) == "invitation_used_up"
    )

    fresh = services.invitation_create(organisation=ngo.organisation, actor=ngo.owner)
    services.invitation_revoke(invitation=fresh, actor=ngo.managers[0])
    assert code_of(lambda: services.invitation_accept(code=fresh.code, user=person)) == "invitation_revoked"

    assert not OrganisationMembership.objects.filter(user=person).exists()
    fresh.refresh_from_db()
    assert fresh.use_count == 0


def test_members_and_other_ngos_cannot_revoke_invitations():
    ngo = make_ngo()
    other = make_ngo()
    invitation = services.invitation_create(organisation=ngo.organisation, actor=ngo.owner)

    assert code_of(lambda: services.invitation_revoke(invitation=invitation, actor=ngo.members[0])) == (
        "not_an_ngo_manager"
    )
    assert code_of(lambda: services.invitation_revoke(invitation=invitation, actor=other.owner)) == (
        "not_an_ngo_manager"
    )
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_a_member_accepting_again_is_refused_without_using_the_invitation():
    ngo = make_ngo()
    invitation = services.invitation_create(organisation=ngo.organisation, actor=ngo.owner, max_uses=5)

    assert code_of(lambda: services.invitation_accept(code=invitation.code, user=ngo.members[0])) == (
        "already_a_member"
    )
    invitation.refresh_from_db()
    assert invitation.use_count == 0


def test_a_member_uses_a_team_invitation_to_join_the_team_keeping_their_role():
    ngo = make_ngo()
    team = services.team_create(organisation=ngo.organisation, actor=ngo.owner, name="تیم")
    invitation = services.invitation_create(
        organisation=ngo.organisation, actor=ngo.owner, team=team, max_uses=5
    )

    membership = services.invitation_accept(code=invitation.code, user=ngo.managers[0])

    assert membership.role == "manager"
    assert list(team.members.all()) == [ngo.managers[0]]
    assert code_of(lambda: services.invitation_accept(code=invitation.code, user=ngo.managers[0])) == (
        "already_a_member"
    )


def test_a_manager_invitation_makes_a_manager():
    ngo = make_ngo()
    invitation = services.invitation_create(organisation=ngo.organisation, actor=ngo.owner, role="manager")
    person = PersonFactory()

    assert services.invitation_accept(code=invitation.code, user=person).role == "manager"
