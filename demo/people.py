"""Demo people for a newcomer's local site: one of each kind of user, with a known password."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from campaigns.services import department_approvers_group_ensure, department_staff_group_ensure
from city.models import Department, District
from volunteers.models import Organisation, OrganisationMembership, Skill, Team

from .data import demo_data
from .ngos import ngo_demo_load

_PEOPLE = demo_data("people")
DEMO_PASSWORD = _PEOPLE["password"]


@dataclass(frozen=True)
class DemoPerson:
    username: str
    first_name: str
    last_name: str
    phone: str
    role: str
    department_slug: str | None = None


DEMO_PEOPLE = tuple(DemoPerson(**person) for person in _PEOPLE["people"])

DEMO_NGO = _PEOPLE["ngo"]
DEMO_TEAM_NAME = _PEOPLE["team_name"]

# (slug, Persian name, English name); the first two are the ones demo calls require.
DEMO_SKILLS = tuple((skill["slug"], skill["name_fa"], skill["name_en"]) for skill in _PEOPLE["skills"])


@dataclass(frozen=True)
class DemoProfile:
    district_number: int
    skills: tuple[str, ...]
    date_of_birth: datetime.date
    emergency_contact_name: str
    emergency_contact_phone: str
    photo_consent: bool = True


# Only people who volunteer have profiles worth showing; staff and the administrator keep theirs empty.
DEMO_PROFILES = {
    username: DemoProfile(
        **{
            **profile,
            "skills": tuple(profile["skills"]),
            "date_of_birth": datetime.date.fromisoformat(profile["date_of_birth"]),
        }
    )
    for username, profile in _PEOPLE["profiles"].items()
}


def _person_ensure(person: DemoPerson):
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=person.username,
        defaults={
            "first_name": person.first_name,
            "last_name": person.last_name,
            "phone": person.phone,
            "email": f"{person.username}@demo.hamyar.localhost",
            "is_staff": person.role in ("staff", "approver", "administrator"),
            "is_superuser": person.role == "administrator",
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    if person.department_slug:
        department = Department.objects.get(slug=person.department_slug)
        if person.role == "approver":
            user.groups.add(department_approvers_group_ensure(department=department))
        else:
            user.groups.add(department_staff_group_ensure(department=department))
    return user


def demo_skills_load() -> dict[str, Skill]:
    return {
        slug: Skill.objects.get_or_create(slug=slug, defaults={"name_fa": name_fa, "name_en": name_en})[0]
        for slug, name_fa, name_en in DEMO_SKILLS
    }


def _profile_fill(user, profile: DemoProfile, skills: dict[str, Skill]) -> None:
    """Fills an empty profile; one a demo visitor has edited is left as it is."""
    if user.date_of_birth is not None:
        return
    user.district = District.objects.filter(number=profile.district_number).first()
    user.date_of_birth = profile.date_of_birth
    user.emergency_contact_name = profile.emergency_contact_name
    user.emergency_contact_phone = profile.emergency_contact_phone
    user.photo_consent = profile.photo_consent
    user.save(
        update_fields=[
            "district",
            "date_of_birth",
            "emergency_contact_name",
            "emergency_contact_phone",
            "photo_consent",
        ]
    )
    user.skills.set([skills[slug] for slug in profile.skills])


@transaction.atomic
def demo_people_load() -> list[tuple[DemoPerson, object]]:
    """Creates the demo people, the demo NGO and its team once; a second run changes nothing."""
    users = {person.username: _person_ensure(person) for person in DEMO_PEOPLE}
    skills = demo_skills_load()
    for username, profile in DEMO_PROFILES.items():
        _profile_fill(users[username], profile, skills)

    organisation, _ = Organisation.objects.get_or_create(
        registration_number=DEMO_NGO["registration_number"],
        defaults={**DEMO_NGO, "verified_at": timezone.now(), "verified_by": users["staff-urban"]},
    )
    # The demo "NGO manager" runs the NGO as its owner (owners manage too, and only they change roles), so
    # the demo NGO has the owner every NGO must have. An older demo database made them a manager: promoted.
    manager_membership, _ = OrganisationMembership.objects.get_or_create(
        organisation=organisation,
        user=users["ngo-manager"],
        defaults={"role": OrganisationMembership.Role.OWNER},
    )
    if not organisation.memberships.filter(role=OrganisationMembership.Role.OWNER).exists():
        OrganisationMembership.objects.filter(pk=manager_membership.pk).update(
            role=OrganisationMembership.Role.OWNER
        )
    team, _ = Team.objects.get_or_create(organisation=organisation, name=DEMO_TEAM_NAME)
    for username in ("ngo-member-1", "ngo-member-2", "ngo-member-3"):
        OrganisationMembership.objects.get_or_create(organisation=organisation, user=users[username])
        team.members.add(users[username])
    ngo_demo_load(organisation=organisation, users=users)
    return [(person, users[person.username]) for person in DEMO_PEOPLE]
