"""Test data for team reservations: NGOs with a manager and a team, built as real rows."""

import itertools

from django.utils import timezone

from campaigns.tests.factories import PersonFactory
from volunteers.models import Organisation, OrganisationMembership, Team

_numbers = itertools.count(1)


class Ngo:
    """An NGO with a manager and one team of `members` people."""

    def __init__(self, *, verified: bool = True, members: int = 3):
        number = next(_numbers)
        self.organisation = Organisation.objects.create(
            name_fa=f"انجمن آزمایشی {number}",
            name_en=f"Test NGO {number}",
            registration_number=f"TEST-{number}",
            verified_at=timezone.now() if verified else None,
        )
        self.manager = PersonFactory()
        OrganisationMembership.objects.create(
            organisation=self.organisation, user=self.manager, role=OrganisationMembership.Role.MANAGER
        )
        self.team = Team.objects.create(organisation=self.organisation, name=f"تیم {number}")
        self.members = PersonFactory.create_batch(members)
        for member in self.members:
            OrganisationMembership.objects.create(organisation=self.organisation, user=member)
        self.team.members.add(*self.members)
