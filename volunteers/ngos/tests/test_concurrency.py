"""Many people accepting one invitation at the same moment, on PostgreSQL: threads with their own database
connections, released together. The use count is taken with a conditional UPDATE, so an invitation is
never used more often than it allows, and each use is one membership.

They skip without PostgreSQL, and fail on CI (CI=true), where PostgreSQL must be there.
"""

import pytest
from django.db import connection
from django.test import Client

from campaigns.tests.factories import PersonFactory
from campaigns.tests.test_signup_concurrency import run_together
from tests.pytest_servers import postgres_missing_reason_key
from tests.servers import skip_or_fail
from volunteers.models import Invitation, OrganisationMembership
from volunteers.ngos import services
from volunteers.ngos.tests.helpers import make_ngo
from volunteers.services import api_token_create

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PEOPLE = 12


@pytest.fixture(autouse=True)
def on_postgresql(request):
    if connection.vendor != "postgresql":
        reason = (
            request.config.stash.get(postgres_missing_reason_key, None) or "DATABASE_URL is not PostgreSQL"
        )
        skip_or_fail(f"Parallel acceptances need PostgreSQL. {reason}")


def accept_and_tell(code: str):
    def accept(person) -> str:
        try:
            services.invitation_accept(code=code, user=person)
            return "joined"
        except Exception as error:  # the code is what the test compares
            return getattr(error, "code", repr(error))

    return accept


def test_a_one_use_invitation_accepted_by_many_at_once_makes_exactly_one_member():
    ngo = make_ngo(managers=0, members=0)
    team = services.team_create(organisation=ngo.organisation, actor=ngo.owner, name="تیم")
    invitation = services.invitation_create(organisation=ngo.organisation, actor=ngo.owner, team=team)
    people = PersonFactory.create_batch(PEOPLE)

    outcomes = run_together(accept_and_tell(invitation.code), people)

    assert sorted(outcomes) == ["invitation_used_up"] * (PEOPLE - 1) + ["joined"]
    joined = people[outcomes.index("joined")]
    newcomers = OrganisationMembership.objects.filter(organisation=ngo.organisation).exclude(user=ngo.owner)
    assert [membership.user for membership in newcomers] == [joined]
    assert list(team.members.all()) == [joined]
    invitation.refresh_from_db()
    assert invitation.use_count == 1


def test_a_three_use_invitation_makes_three_members_through_the_api():
    ngo = make_ngo(managers=0, members=0)
    invitation = services.invitation_create(organisation=ngo.organisation, actor=ngo.owner, max_uses=3)
    secrets = [api_token_create(user=person)[1] for person in PersonFactory.create_batch(PEOPLE)]

    def accept(secret: str) -> int:
        client = Client(headers={"authorization": f"Bearer {secret}"})
        return client.post(f"/api/v1/invitations/{invitation.code}/accept").status_code

    statuses = run_together(accept, secrets)

    assert sorted(statuses) == [201] * 3 + [409] * (PEOPLE - 3)
    assert OrganisationMembership.objects.filter(organisation=ngo.organisation, role="member").count() == 3
    assert Invitation.objects.get(pk=invitation.pk).use_count == 3


def test_one_person_accepting_many_times_at_once_joins_once_and_uses_one_place():
    ngo = make_ngo(managers=0, members=0)
    invitation = services.invitation_create(organisation=ngo.organisation, actor=ngo.owner, max_uses=10)
    person = PersonFactory()

    outcomes = run_together(lambda _: accept_and_tell(invitation.code)(person), range(8))

    assert outcomes.count("joined") == 1
    assert set(outcomes) <= {"joined", "already_a_member"}
    assert OrganisationMembership.objects.filter(organisation=ngo.organisation, user=person).count() == 1
    assert Invitation.objects.get(pk=invitation.pk).use_count == 1
