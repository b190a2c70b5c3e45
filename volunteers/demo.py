"""Demo people for a newcomer's local site: one of each kind of user, with a known password."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from campaigns.models import Department
from campaigns.services import department_approvers_group_ensure, department_staff_group_ensure

from .models import Organisation, OrganisationMembership, Team

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


@transaction.atomic
def demo_people_load() -> list[tuple[DemoPerson, object]]:
    """Creates the demo people, the demo NGO and its team once; a second run changes nothing."""
    users = {person.username: _person_ensure(person) for person in DEMO_PEOPLE}

    organisation, _ = Organisation.objects.get_or_create(
        registration_number=DEMO_NGO["registration_number"],
        defaults={**DEMO_NGO, "verified_at": timezone.now(), "verified_by": users["staff-urban"]},
    )
    OrganisationMembership.objects.get_or_create(
        organisation=organisation,
        user=users["ngo-manager"],
        defaults={"role": OrganisationMembership.Role.MANAGER},
    )
    team, _ = Team.objects.get_or_create(organisation=organisation, name=DEMO_TEAM_NAME)
    for username in ("ngo-member-1", "ngo-member-2", "ngo-member-3"):
        OrganisationMembership.objects.get_or_create(organisation=organisation, user=users[username])
        team.members.add(users[username])
    return [(person, users[person.username]) for person in DEMO_PEOPLE]
