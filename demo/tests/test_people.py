import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings

from city.models import Department
from demo.people import DEMO_PASSWORD
from volunteers.models import Organisation, OrganisationMembership, Skill, Team
from volunteers.ngos.selectors import organisation_owners

pytestmark = pytest.mark.django_db


def snapshot():
    user_model = get_user_model()
    return (
        list(
            user_model.objects.order_by("pk").values(
                "username", "password", "phone", "is_staff", "date_of_birth", "district"
            )
        ),
        list(OrganisationMembership.objects.order_by("pk").values()),
        list(Team.objects.order_by("pk").values()),
        list(Organisation.objects.order_by("pk").values()),
    )


@override_settings(DEBUG=True)
def test_demo_data_loads_once_and_a_second_run_changes_nothing(capsys):
    call_command("load_demo")
    first = snapshot()
    call_command("load_demo")

    assert snapshot() == first
    # Twelve demo accounts one can log in with; the rest are the leaderboards' crowd, without passwords.
    assert sum(1 for user in first[0] if not user["password"].startswith("!")) == 12
    printed = capsys.readouterr().out
    assert DEMO_PASSWORD in printed and "09120000001" in printed


@override_settings(DEBUG=True)
def test_demo_accounts_cover_each_kind_of_user(client):
    call_command("load_demo")
    user_model = get_user_model()

    assert user_model.objects.get(username="admin").is_superuser
    for department in Department.objects.all():
        staff = user_model.objects.filter(groups=department.staff_group)
        approvers = user_model.objects.filter(groups=department.approvers_group)
        assert staff.count() == 1 and staff.get().is_staff
        assert approvers.count() == 1 and approvers.get().is_staff
    manager = OrganisationMembership.objects.get(user__username="ngo-manager")
    assert manager.role == "owner" and manager.organisation.is_verified
    assert [person.username for person in organisation_owners(organisation=manager.organisation)] == [
        "ngo-manager"
    ]
    assert manager.organisation.teams.get().members.count() == 3
    assert client.login(username="09120000001", password=DEMO_PASSWORD)


@override_settings(DEBUG=True)
def test_demo_staff_can_log_in_to_the_staff_area(client):
    call_command("load_demo")

    response = client.post("/admin/login/", {"username": "staff-cultural", "password": DEMO_PASSWORD})

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


@override_settings(DEBUG=False)
def test_demo_data_is_refused_where_debug_is_off():
    with pytest.raises(CommandError, match="allow-without-debug"):
        call_command("load_demo")
    assert not get_user_model().objects.exists()


@override_settings(DEBUG=True)
def test_demo_volunteers_have_profiles_and_the_skills_exist():
    call_command("load_demo")
    citizen = get_user_model().objects.get(username="citizen")

    assert citizen.district is not None and citizen.date_of_birth is not None
    assert citizen.emergency_contact_name and citizen.emergency_contact_phone
    assert set(citizen.skills.values_list("slug", flat=True)) == {"first-aid", "english-conversation"}
    assert Skill.objects.count() >= 6
    for username in ("ngo-member-1", "ngo-member-2", "ngo-member-3", "ngo-manager"):
        assert get_user_model().objects.get(username=username).skills.exists()
