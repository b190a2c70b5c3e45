"""Demo people for a newcomer's local site: one of each kind of user, with a known password."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from campaigns.services import department_approvers_group_ensure, department_staff_group_ensure
from city.models import Department, District

from .models import Organisation, OrganisationMembership, Skill, Team
from .ngo_demo import ngo_demo_load

DEMO_PASSWORD = "hamyar-demo-1405"


@dataclass(frozen=True)
class DemoPerson:
    username: str
    first_name: str
    last_name: str
    phone: str
    role: str
    department_slug: str | None = None


DEMO_PEOPLE = (
    DemoPerson("admin", "مدیر", "سامانه", "09120000000", "administrator"),
    DemoPerson("citizen", "سارا", "احمدی", "09120000001", "citizen"),
    DemoPerson("ngo-manager", "رضا", "کریمی", "09120000002", "NGO manager"),
    DemoPerson("ngo-member-1", "مریم", "رضایی", "09120000011", "NGO member"),
    DemoPerson("ngo-member-2", "علی", "محمدی", "09120000012", "NGO member"),
    DemoPerson("ngo-member-3", "زهرا", "حسینی", "09120000013", "NGO member"),
    DemoPerson("staff-urban", "حسین", "نوری", "09120000021", "staff", "urban_services"),
    DemoPerson("staff-traffic", "نرگس", "صادقی", "09120000022", "staff", "traffic"),
    DemoPerson("staff-cultural", "مهدی", "جعفری", "09120000023", "staff", "cultural"),
    DemoPerson("approver-urban", "فاطمه", "موسوی", "09120000031", "approver", "urban_services"),
    DemoPerson("approver-traffic", "امیر", "کاظمی", "09120000032", "approver", "traffic"),
    DemoPerson("approver-cultural", "لیلا", "رحیمی", "09120000033", "approver", "cultural"),
)

DEMO_NGO = {
    "registration_number": "DEMO-1402-118",
    "name_fa": "انجمن دوستداران محیط زیست اصفهان",
    "name_en": "Isfahan Friends of the Environment",
    "field_of_work": "محیط زیست و پاکیزگی شهر",
}
DEMO_TEAM_NAME = "تیم پاکبانان چهارباغ"

# (slug, Persian name, English name); the first two are the ones demo calls require.
DEMO_SKILLS = (
    ("english-conversation", "مکالمهٔ انگلیسی", "Conversational English"),
    ("first-aid", "کمک‌های اولیه", "First aid"),
    ("carpentry", "نجاری", "Carpentry"),
    ("gardening", "باغبانی", "Gardening"),
    ("photography", "عکاسی", "Photography"),
    ("storytelling", "قصه‌گویی برای کودکان", "Storytelling for children"),
)


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
    "citizen": DemoProfile(
        3, ("first-aid", "english-conversation"), datetime.date(1994, 3, 21), "مینا احمدی", "09130000101"
    ),
    "ngo-manager": DemoProfile(1, ("carpentry",), datetime.date(1982, 8, 2), "پروین کریمی", "09130000102"),
    "ngo-member-1": DemoProfile(
        1, ("gardening",), datetime.date(1999, 1, 15), "حسن رضایی", "09130000111", False
    ),
    "ngo-member-2": DemoProfile(
        5, ("photography", "first-aid"), datetime.date(2001, 6, 30), "اکرم محمدی", "09130000112"
    ),
    "ngo-member-3": DemoProfile(8, ("storytelling",), datetime.date(2006, 11, 5), "رضا حسینی", "09130000113"),
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
