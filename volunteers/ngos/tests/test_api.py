"""The NGO API as its different callers see it: owners, managers, members, other NGOs' managers, staff.

Responses to anyone but the NGO's own managers are checked for its members' contacts; no response may
ever carry a date of birth or an emergency contact.
"""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaigns.tests.factories import PersonFactory
from volunteers.models import Invitation, Organisation, OrganisationMembership, Team
from volunteers.ngos import services
from volunteers.ngos.tests.helpers import make_ngo, staff_person
from volunteers.services import api_token_create

pytestmark = pytest.mark.django_db

SECRET_BIRTHDAY = datetime.date(1990, 3, 21)
SECRET_EMERGENCY = "09359999999"


def client_for(person) -> Client:
    _, secret = api_token_create(user=person)
    return Client(headers={"authorization": f"Bearer {secret}", "accept-language": "en"})


def with_private_data(person):
    person.date_of_birth = SECRET_BIRTHDAY
    person.emergency_contact_name = "Secret Contact"
    person.emergency_contact_phone = SECRET_EMERGENCY
    person.save()
    return person


def assert_no_private_data(response):
    text = response.content.decode()
    assert "1990-03-21" not in text and SECRET_EMERGENCY not in text and "Secret Contact" not in text
    return response


@pytest.fixture
def ngo():
    ngo = make_ngo()
    for person in [ngo.owner, *ngo.managers, *ngo.members]:
        with_private_data(person)
    return ngo


def test_registering_an_ngo_makes_me_its_owner_and_it_is_flagged_unverified():
    person = PersonFactory()
    client = client_for(person)
    payload = {
        "name_fa": "انجمن سبز",
        "registration_number": "gr-100",
        "field_of_work": "محیط زیست",
        "contact_phone": "03130000000",
    }

    response = client.post("/api/v1/organisations", payload, content_type="application/json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["is_verified"] is False and body["verified_at"] is None
    assert body["my_role"] == "owner" and body["registration_number"] == "GR-100"
    assert client.get("/api/v1/me/organisations").json() == [
        {
            "id": body["id"],
            "name": "انجمن سبز",
            "is_verified": False,
            "is_rejected": False,
            "my_role": "owner",
        }
    ]

    again = client_for(PersonFactory()).post(
        "/api/v1/organisations", payload, content_type="application/json"
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "registration_number_taken"
    assert "GR-100" in again.json()["error"]["message"]


def test_registering_needs_a_login_and_valid_input():
    payload = {"name_fa": "", "registration_number": "x", "field_of_work": "y"}
    assert Client().post("/api/v1/organisations", payload, content_type="application/json").status_code == 401
    response = client_for(PersonFactory()).post(
        "/api/v1/organisations", payload, content_type="application/json"
    )
    assert response.status_code == 422


def test_staff_see_the_queue_and_verify(ngo, django_capture_on_commit_callbacks):
    staff = client_for(staff_person())
    verified = make_ngo(verified=True)

    queue = staff.get("/api/v1/organisations/awaiting-verification")
    assert queue.status_code == 200
    ids = [item["id"] for item in queue.json()]
    assert ngo.organisation.pk in ids and verified.organisation.pk not in ids
    row = next(item for item in queue.json() if item["id"] == ngo.organisation.pk)
    assert row["owners"] == [{"id": ngo.owner.pk, "display_name": ngo.owner.display_name}]
    assert_no_private_data(queue)

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(f"/api/v1/organisations/{ngo.organisation.pk}/verify")
    assert response.status_code == 200 and response.json()["is_verified"] is True
    assert staff.post(f"/api/v1/organisations/{ngo.organisation.pk}/verify").json()["error"]["code"] == (
        "organisation_already_verified"
    )
    assert staff.post("/api/v1/organisations/999999/verify").status_code == 404


def test_people_who_are_not_staff_cannot_see_the_queue_or_verify(ngo):
    owner = client_for(ngo.owner)

    assert owner.get("/api/v1/organisations/awaiting-verification").status_code == 403
    response = owner.post(f"/api/v1/organisations/{ngo.organisation.pk}/verify")
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_allowed_to_verify"
    response = owner.post(
        f"/api/v1/organisations/{ngo.organisation.pk}/reject",
        {"reason": "x"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert Organisation.objects.filter(pk=ngo.organisation.pk, verified_at__isnull=True).exists()


def test_staff_reject_with_a_reason(ngo):
    staff = client_for(staff_person())
    url = f"/api/v1/organisations/{ngo.organisation.pk}/reject"

    assert staff.post(url, {"reason": ""}, content_type="application/json").status_code == 422
    assert (
        staff.post(url, {"reason": "Not in the register"}, content_type="application/json").status_code == 204
    )
    queue = staff.get("/api/v1/organisations/awaiting-verification").json()
    assert ngo.organisation.pk not in [item["id"] for item in queue]
    response = staff.post(url, {"reason": "again"}, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "organisation_already_rejected"

    # its owner reads why, corrects it and sends it again; it is back in the queue
    owner = client_for(ngo.owner)
    seen = owner.get(f"/api/v1/organisations/{ngo.organisation.pk}").json()
    assert (seen["is_verified"], seen["is_rejected"]) == (False, True)
    assert seen["rejection_reason"] == "Not in the register" and seen["rejected_at"]
    mine = owner.get("/api/v1/me/organisations").json()
    assert [(item["id"], item["is_rejected"]) for item in mine] == [(ngo.organisation.pk, True)]
    corrected = {
        "name_fa": "نام درست",
        "registration_number": "REG-OK-1",
        "field_of_work": "environment",
        "contact_email": "ngo@example.org",
    }
    resubmit = f"/api/v1/organisations/{ngo.organisation.pk}/resubmit"
    member = client_for(ngo.managers[0]).post(resubmit, corrected, content_type="application/json")
    assert member.status_code == 403 and member.json()["error"]["code"] == "not_an_ngo_owner"
    response = owner.post(resubmit, corrected, content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["is_rejected"], body["rejection_reason"], body["registration_number"]) == (
        False,
        "",
        "REG-OK-1",
    )
    queue = staff.get("/api/v1/organisations/awaiting-verification").json()
    assert ngo.organisation.pk in [item["id"] for item in queue]
    again = owner.post(resubmit, corrected, content_type="application/json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "organisation_not_rejected"


def test_an_ngo_is_visible_to_its_members_and_staff_only(ngo):
    url = f"/api/v1/organisations/{ngo.organisation.pk}"

    assert client_for(ngo.members[0]).get(url).json()["my_role"] == "member"
    assert client_for(staff_person()).get(url).json()["my_role"] is None
    response = client_for(make_ngo().owner).get(url)
    assert response.status_code == 404 and response.json()["error"]["code"] == "organisation_not_found"


def test_managers_see_their_members_contacts_and_nothing_private(ngo):
    response = assert_no_private_data(
        client_for(ngo.managers[0]).get(f"/api/v1/organisations/{ngo.organisation.pk}/members")
    )

    assert response.status_code == 200
    rows = response.json()
    assert [row["role"] for row in rows] == ["owner", "manager", "member", "member"]
    by_user = {row["user_id"]: row for row in rows}
    assert by_user[ngo.members[0].pk]["phone"] == ngo.members[0].phone
    assert by_user[ngo.members[0].pk]["email"] == ngo.members[0].email
    assert set(rows[0]) == {
        "membership_id",
        "user_id",
        "name",
        "role",
        "joined_at",
        "phone",
        "email",
        "team_names",
    }


def test_members_and_other_ngos_managers_cannot_list_members(ngo):
    url = f"/api/v1/organisations/{ngo.organisation.pk}/members"

    response = client_for(ngo.members[0]).get(url)
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_an_ngo_manager"
    assert ngo.members[1].phone not in response.content.decode()
    assert client_for(make_ngo().owner).get(url).status_code == 404


def test_listing_members_costs_the_same_queries_however_many_there_are(ngo):
    client = client_for(ngo.owner)
    url = f"/api/v1/organisations/{ngo.organisation.pk}/members"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(5):
        OrganisationMembership.objects.create(organisation=ngo.organisation, user=PersonFactory())
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(url).json()) == 9
    assert len(many) == len(few)


def test_roles_through_the_api(ngo):
    member = ngo.membership(ngo.members[0])
    url = f"/api/v1/organisations/{ngo.organisation.pk}/members/{member.pk}"

    response = client_for(ngo.managers[0]).patch(url, {"role": "manager"}, content_type="application/json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_an_ngo_owner"
    response = client_for(ngo.owner).patch(url, {"role": "manager"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["role"] == "manager"
    assert (
        client_for(ngo.owner).patch(url, {"role": "boss"}, content_type="application/json").status_code == 422
    )

    owner_url = f"/api/v1/organisations/{ngo.organisation.pk}/members/{ngo.membership(ngo.owner).pk}"
    response = client_for(ngo.owner).delete(owner_url)
    assert response.status_code == 409 and response.json()["error"]["code"] == "last_owner"


def test_removing_members_through_the_api(ngo):
    other = make_ngo()
    url = f"/api/v1/organisations/{ngo.organisation.pk}/members/{ngo.membership(ngo.members[0]).pk}"

    assert client_for(ngo.members[1]).delete(url).status_code == 403
    assert client_for(other.owner).delete(url).status_code == 404
    assert client_for(ngo.managers[0]).delete(url).status_code == 204
    assert client_for(ngo.managers[0]).delete(url).status_code == 404
    # another NGO's membership id under this NGO's address does not exist
    foreign = f"/api/v1/organisations/{ngo.organisation.pk}/members/{other.membership(other.members[0]).pk}"
    assert client_for(ngo.owner).delete(foreign).json()["error"]["code"] == "member_not_found"


def test_teams_through_the_api(ngo):
    manager = client_for(ngo.managers[0])
    base = f"/api/v1/organisations/{ngo.organisation.pk}/teams"

    created = manager.post(base, {"name": "تیم یک"}, content_type="application/json")
    assert created.status_code == 201
    team_id = created.json()["id"]
    assert manager.post(base, {"name": "تیم یک"}, content_type="application/json").status_code == 409
    added = manager.post(
        f"{base}/{team_id}/members", {"user_id": ngo.members[0].pk}, content_type="application/json"
    )
    assert added.status_code == 200
    assert added.json()["members"] == [{"id": ngo.members[0].pk, "display_name": ngo.members[0].display_name}]
    outsider = PersonFactory()
    refused = manager.post(
        f"{base}/{team_id}/members", {"user_id": outsider.pk}, content_type="application/json"
    )
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "not_an_ngo_member"
    renamed = manager.patch(f"{base}/{team_id}", {"name": "تیم دو"}, content_type="application/json")
    assert renamed.json()["name"] == "تیم دو"

    # a plain member sees their own teams, with names only
    member = client_for(ngo.members[0])
    listed = assert_no_private_data(member.get(base))
    assert [team["id"] for team in listed.json()] == [team_id]
    assert ngo.members[0].phone not in listed.content.decode()
    assert client_for(ngo.members[1]).get(base).json() == []
    # and cannot change anything
    assert member.post(base, {"name": "x"}, content_type="application/json").status_code == 403
    assert member.delete(f"{base}/{team_id}/members/{ngo.members[0].pk}").status_code == 403
    assert member.delete(f"{base}/{team_id}").status_code == 403

    # another NGO's manager cannot reach the team at all
    other = client_for(make_ngo().owner)
    assert other.patch(f"{base}/{team_id}", {"name": "x"}, content_type="application/json").status_code == 404

    assert manager.delete(f"{base}/{team_id}/members/{ngo.members[0].pk}").json()["members"] == []
    assert manager.delete(f"{base}/{team_id}").status_code == 204
    assert not Team.objects.filter(pk=team_id).exists()


def test_invitations_through_the_api(ngo):
    team = services.team_create(organisation=ngo.organisation, actor=ngo.owner, name="تیم")
    manager = client_for(ngo.managers[0])
    base = f"/api/v1/organisations/{ngo.organisation.pk}/invitations"

    created = manager.post(
        base, {"team_id": team.pk, "max_uses": 3, "valid_days": 7}, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    invitation = created.json()
    assert invitation["status"] == "active" and invitation["max_uses"] == 3 and invitation["role"] == "member"
    assert invitation["join_url"] == f"http://testserver/account/ngo/join/{invitation['code']}/"

    assert manager.post(base, {"role": "manager"}, content_type="application/json").status_code == 403
    assert manager.post(base, {"valid_days": 0}, content_type="application/json").status_code == 422
    assert manager.post(base, {"team_id": 999999}, content_type="application/json").status_code == 404
    assert client_for(ngo.members[0]).post(base, {}, content_type="application/json").status_code == 403
    assert client_for(ngo.members[0]).get(base).status_code == 403
    assert client_for(make_ngo().owner).post(base, {}, content_type="application/json").status_code == 404

    # someone with the code previews and accepts it
    newcomer = client_for(PersonFactory())
    code = invitation["code"].lower()
    preview = newcomer.get(f"/api/v1/invitations/{code}")
    assert preview.json() == {
        "organisation_id": ngo.organisation.pk,
        "organisation_name": ngo.organisation.name_fa,
        "organisation_is_verified": False,
        "team_name": "تیم",
        "role": "member",
        "status": "active",
    }
    accepted = newcomer.post(f"/api/v1/invitations/{code}/accept")
    assert accepted.status_code == 201 and accepted.json()["organisation_id"] == ngo.organisation.pk
    again = newcomer.post(f"/api/v1/invitations/{code}/accept")
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_a_member"
    assert Client().post(f"/api/v1/invitations/{code}/accept").status_code == 401

    listed = manager.get(base).json()
    assert [(item["id"], item["use_count"]) for item in listed] == [(invitation["id"], 1)]

    revoked = manager.delete(f"{base}/{invitation['id']}")
    assert revoked.json()["status"] == "revoked"
    assert manager.get(base, {"pending": "true"}).json() == []
    refused = client_for(PersonFactory()).post(f"/api/v1/invitations/{code}/accept")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "invitation_revoked"
    assert "withdrawn" in refused.json()["error"]["message"]


def test_expired_and_used_up_invitations_through_the_api(ngo):
    expired = services.invitation_create(organisation=ngo.organisation, actor=ngo.owner)
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - datetime.timedelta(hours=1))
    used = services.invitation_create(organisation=ngo.organisation, actor=ngo.owner)
    services.invitation_accept(code=used.code, user=PersonFactory())
    client = client_for(PersonFactory())

    response = client.post(f"/api/v1/invitations/{expired.code}/accept")
    assert response.status_code == 400 and response.json()["error"]["code"] == "invitation_expired"
    response = client.post(f"/api/v1/invitations/{used.code}/accept")
    assert response.status_code == 409 and response.json()["error"]["code"] == "invitation_used_up"
    response = client.post("/api/v1/invitations/NOPE/accept")
    assert response.status_code == 404 and response.json()["error"]["code"] == "invitation_not_found"


def test_the_ngo_endpoints_are_documented():
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/organisations/{organisation_id}/verify" in paths
    assert "/api/v1/invitations/{code}/accept" in paths
