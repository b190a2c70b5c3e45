"""Building NGOs for the NGO tests through the real services."""

from dataclasses import dataclass, field
from itertools import count

from campaigns.services import department_staff_group_ensure
from campaigns.tests.factories import PersonFactory
from city.models import Department
from volunteers.models import Organisation, OrganisationMembership
from volunteers.ngos import services

_numbers = count(1)


@dataclass
class Ngo:
    organisation: Organisation
    owner: object
    managers: list = field(default_factory=list)
    members: list = field(default_factory=list)

    def membership(self, person) -> OrganisationMembership:
        return OrganisationMembership.objects.get(organisation=self.organisation, user=person)


def make_ngo(*, managers: int = 1, members: int = 2, verified: bool = False, **fields) -> Ngo:
    owner = PersonFactory()
    number = next(_numbers)
    organisation = services.organisation_register(
        user=owner,
        name_fa=fields.pop("name_fa", f"انجمن آزمایشی {number}"),
        registration_number=fields.pop("registration_number", f"T-{number:05d}"),
        field_of_work=fields.pop("field_of_work", "محیط زیست"),
        contact_phone=fields.pop("contact_phone", "03130000000"),
        **fields,
    )
    ngo = Ngo(organisation=organisation, owner=owner)
    for _ in range(managers):
        person = PersonFactory()
        OrganisationMembership.objects.create(organisation=organisation, user=person, role="manager")
        ngo.managers.append(person)
    for _ in range(members):
        person = PersonFactory()
        OrganisationMembership.objects.create(organisation=organisation, user=person, role="member")
        ngo.members.append(person)
    if verified:
        services.organisation_verify(organisation=organisation, actor=staff_person())
        organisation.refresh_from_db()
    return ngo


def staff_person():
    """Someone in the Urban Services department's staff group: municipal staff."""
    person = PersonFactory(is_staff=True)
    person.groups.add(department_staff_group_ensure(department=Department.objects.get(slug="urban_services")))
    return person
