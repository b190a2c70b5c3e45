"""Who may see whose personal data: the rules in volunteers.selectors that every app uses."""

import datetime

import pytest

from campaigns.models import SignUp
from campaigns.services import department_approvers_group_ensure, department_staff_group_ensure
from campaigns.tests.factories import PersonFactory, add_shift, publish_call
from city.models import Department
from volunteers.models import Organisation, OrganisationMembership
from volunteers.selectors import (
    contact_visible_ids,
    contact_visible_to,
    person_dict,
    person_dicts,
    personal_data_visible_ids,
    personal_data_visible_to,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def volunteer():
    return PersonFactory(
        date_of_birth=datetime.date(1991, 9, 22),
        emergency_contact_name="Parvin",
        emergency_contact_phone="09130000000",
    )


@pytest.fixture
def shift():
    return add_shift(publish_call())  # a street-sweeping call: Urban Services


def staff_of(department_slug: str, *, approver: bool = False):
    person = PersonFactory()
    department = Department.objects.get(slug=department_slug)
    ensure = department_approvers_group_ensure if approver else department_staff_group_ensure
    person.groups.add(ensure(department=department))
    return person


def signed_up(volunteer, shift, status="confirmed"):
    return SignUp.objects.create(
        shift=shift,
        volunteer=volunteer,
        status=status,
        waitlist_position=1 if status == "waitlisted" else None,
    )


def test_people_see_their_own_data_and_nobody_else_does(volunteer):
    stranger = PersonFactory()

    assert personal_data_visible_to(volunteer, volunteer)
    assert not personal_data_visible_to(stranger, volunteer)
    assert not contact_visible_to(stranger, volunteer)
    assert not personal_data_visible_to(None, volunteer)


def test_superusers_see_everyone_but_plain_is_staff_does_not(volunteer):
    assert personal_data_visible_to(PersonFactory(is_superuser=True), volunteer)
    assert not personal_data_visible_to(PersonFactory(is_staff=True), volunteer)


def test_a_deactivated_superuser_sees_nothing(volunteer):
    assert not personal_data_visible_to(PersonFactory(is_superuser=True, is_active=False), volunteer)


@pytest.mark.parametrize("status", ["confirmed", "waitlisted", "no_show"])
def test_staff_of_the_shifts_department_see_people_signed_up_now_or_before(volunteer, shift, status):
    signed_up(volunteer, shift, status)

    assert personal_data_visible_to(staff_of("urban_services"), volunteer)
    assert contact_visible_to(staff_of("urban_services"), volunteer)


def test_a_cancelled_sign_up_shows_staff_nothing(volunteer, shift):
    signed_up(volunteer, shift, "cancelled")

    assert not personal_data_visible_to(staff_of("urban_services"), volunteer)


def test_staff_of_another_department_and_approvers_see_nothing(volunteer, shift):
    signed_up(volunteer, shift)

    assert not personal_data_visible_to(staff_of("traffic"), volunteer)
    assert not personal_data_visible_to(staff_of("urban_services", approver=True), volunteer)


def test_ngo_managers_and_owners_see_their_members_contact_only(volunteer):
    ngo = Organisation.objects.create(name_fa="انجمن", registration_number="R-1")
    other_ngo = Organisation.objects.create(name_fa="دیگری", registration_number="R-2")
    OrganisationMembership.objects.create(organisation=ngo, user=volunteer)
    manager, owner, fellow_member, other_manager = PersonFactory.create_batch(4)
    OrganisationMembership.objects.create(organisation=ngo, user=manager, role="manager")
    OrganisationMembership.objects.create(organisation=ngo, user=owner, role="owner")
    OrganisationMembership.objects.create(organisation=ngo, user=fellow_member, role="member")
    OrganisationMembership.objects.create(organisation=other_ngo, user=other_manager, role="manager")

    for viewer in (manager, owner):
        assert contact_visible_to(viewer, volunteer)
        assert not personal_data_visible_to(viewer, volunteer)
    for viewer in (fellow_member, other_manager):
        assert not contact_visible_to(viewer, volunteer)
    # the rule goes one way: a member does not see the manager's contact
    assert not contact_visible_to(volunteer, manager)


def test_person_dict_fills_private_fields_only_when_allowed(volunteer, shift):
    signed_up(volunteer, shift)
    staff = staff_of("urban_services")

    for_stranger = person_dict(volunteer, viewer=PersonFactory())
    for_staff = person_dict(volunteer, viewer=staff)

    assert for_stranger == {
        "id": volunteer.pk,
        "display_name": volunteer.display_name,
        "first_name": volunteer.first_name,
        "last_name": volunteer.last_name,
        "phone": None,
        "email": None,
        "date_of_birth": None,
        "emergency_contact_name": None,
        "emergency_contact_phone": None,
    }
    assert for_staff["phone"] == volunteer.phone and for_staff["email"] == volunteer.email
    assert for_staff["date_of_birth"] == datetime.date(1991, 9, 22)
    assert for_staff["emergency_contact_phone"] == "09130000000"


def test_lists_are_answered_in_a_fixed_number_of_queries(django_assert_max_num_queries, shift):
    people = PersonFactory.create_batch(10)
    for person in people[:5]:
        signed_up(person, shift)
    staff = staff_of("urban_services")

    with django_assert_max_num_queries(4):
        shaped = person_dicts(people, viewer=staff)

    assert [bool(row["phone"]) for row in shaped] == [True] * 5 + [False] * 5
    ids = [person.pk for person in people]
    assert personal_data_visible_ids(viewer=staff, person_ids=ids) == set(ids[:5])
    assert contact_visible_ids(viewer=staff, person_ids=ids) == set(ids[:5])
