"""What each person may read about an NGO: the dashboard's parts, and who gets contacts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.tests.factories import PersonFactory
from volunteers.models import OrganisationMembership
from volunteers.ngos import selectors, services
from volunteers.ngos.tests.helpers import make_ngo

pytestmark = pytest.mark.django_db


def test_the_dashboard_of_a_manager_and_of_a_member():
    ngo = make_ngo()
    team = services.team_create(organisation=ngo.organisation, actor=ngo.owner, name="تیم")
    services.team_create(organisation=ngo.organisation, actor=ngo.owner, name="دیگر")
    services.team_member_add(team=team, actor=ngo.owner, user=ngo.members[0])
    open_invitation = services.invitation_create(organisation=ngo.organisation, actor=ngo.owner)
    revoked = services.invitation_create(organisation=ngo.organisation, actor=ngo.owner)
    services.invitation_revoke(invitation=revoked, actor=ngo.owner)

    managers_view = selectors.ngo_dashboard(
        organisation=ngo.organisation, membership=ngo.membership(ngo.managers[0])
    )
    members_view = selectors.ngo_dashboard(
        organisation=ngo.organisation, membership=ngo.membership(ngo.members[0])
    )

    assert [team.name for team in managers_view.teams] == ["تیم", "دیگر"]
    assert managers_view.invitations == [open_invitation]
    assert {row.user_id: row.phone for row in managers_view.members}[ngo.members[1].pk] == ngo.members[
        1
    ].phone
    assert [team.name for team in members_view.teams] == ["تیم"]
    assert members_view.members is None and members_view.invitations is None


def test_members_cannot_list_members_and_managers_only_their_own_ngo():
    ngo = make_ngo()
    other = make_ngo()

    with pytest.raises(Exception) as caught:
        selectors.member_list(organisation=ngo.organisation, viewer_membership=ngo.membership(ngo.members[0]))
    assert caught.value.code == "not_an_ngo_manager"
    with pytest.raises(Exception) as caught:
        selectors.member_list(organisation=ngo.organisation, viewer_membership=other.membership(other.owner))
    assert caught.value.code == "not_an_ngo_manager"


def test_member_rows_never_load_private_fields():
    ngo = make_ngo()
    with CaptureQueriesContext(connection) as queries:
        selectors.member_list(organisation=ngo.organisation, viewer_membership=ngo.membership(ngo.owner))
    sql = " ".join(query["sql"] for query in queries)
    assert "date_of_birth" not in sql and "emergency_contact" not in sql


def test_the_dashboard_costs_the_same_queries_however_big_the_ngo():
    ngo = make_ngo()
    team = services.team_create(organisation=ngo.organisation, actor=ngo.owner, name="تیم")
    membership = ngo.membership(ngo.owner)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            selectors.ngo_dashboard(organisation=ngo.organisation, membership=membership)
        return len(queries)

    count()  # warms caches (content types and the like) that later calls do not query again
    few = count()
    for number in range(6):
        person = PersonFactory()
        OrganisationMembership.objects.create(organisation=ngo.organisation, user=person)
        services.team_member_add(team=team, actor=ngo.owner, user=person)
        services.team_create(organisation=ngo.organisation, actor=ngo.owner, name=f"تیم {number}")
        services.invitation_create(organisation=ngo.organisation, actor=ngo.owner)
    assert count() == few


def test_who_may_act_for_which_ngos():
    ngo = make_ngo()
    team = services.team_create(organisation=ngo.organisation, actor=ngo.owner, name="تیم")

    assert list(selectors.organisations_managed_by(user=ngo.managers[0])) == [ngo.organisation]
    assert list(selectors.teams_managed_by(user=ngo.owner)) == [team]
    assert not selectors.organisations_managed_by(user=ngo.members[0]).exists()
