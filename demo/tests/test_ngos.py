import pytest
from django.core.management import call_command
from django.test import override_settings

from demo.ngos import DEMO_INVITATION_CODE, DEMO_PENDING_NGO
from demo.people import DEMO_NGO
from volunteers.models import Invitation, Organisation, OrganisationMembership
from volunteers.ngos import selectors

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=True)
def test_the_demo_has_an_open_invitation_and_an_ngo_to_verify():
    call_command("load_demo")
    call_command("load_demo")

    invitation = Invitation.objects.get()
    assert invitation.code == DEMO_INVITATION_CODE
    assert set(DEMO_INVITATION_CODE) <= set(selectors.INVITATION_CODE_ALPHABET)
    assert selectors.invitation_status(invitation) == "active" and invitation.team is not None
    assert invitation.organisation.is_verified
    pending = Organisation.objects.get(registration_number=DEMO_PENDING_NGO["registration_number"])
    assert list(selectors.organisations_awaiting_verification()) == [pending]
    assert [person.username for person in selectors.organisation_owners(organisation=pending)] == ["citizen"]


@override_settings(DEBUG=True)
def test_the_demo_ngo_manager_owns_the_demo_ngo_even_in_an_older_demo_database():
    call_command("load_demo")
    demo_ngo = Organisation.objects.get(registration_number=DEMO_NGO["registration_number"])
    assert [person.username for person in selectors.organisation_owners(organisation=demo_ngo)] == [
        "ngo-manager"
    ]
    # an older demo database made them a plain manager, leaving the NGO without an owner
    OrganisationMembership.objects.filter(organisation=demo_ngo, user__username="ngo-manager").update(
        role=OrganisationMembership.Role.MANAGER
    )
    assert not selectors.organisation_owners(organisation=demo_ngo).exists()

    call_command("load_demo")

    roles = dict(
        OrganisationMembership.objects.filter(organisation=demo_ngo).values_list("user__username", "role")
    )
    assert roles == {
        "ngo-manager": "owner",
        "ngo-member-1": "member",
        "ngo-member-2": "member",
        "ngo-member-3": "member",
    }
