"""Groups without an NGO: on a call that allows it, a person brings named guests (family, friends), each
taking a place; the group gets its places together or waits in line together, and everything that gives
places back (cancelling, no-shows) gives all of them back."""

import datetime

import pytest

from campaigns.checkin.services import signups_mark_no_shows
from campaigns.errors import SignUpRefused
from campaigns.models import Shift, SignUp
from campaigns.services import signup_cancel, signup_create
from campaigns.tests.factories import PersonFactory, add_shift, publish_call

pytestmark = pytest.mark.django_db


def shift_with(capacity: int, max_guests: int = 3) -> Shift:
    return add_shift(publish_call(max_guests=max_guests), capacity=capacity)


def places_taken(shift: Shift) -> int:
    shift.refresh_from_db()
    return shift.confirmed_count


def test_a_person_and_their_guests_take_places_together():
    shift = shift_with(capacity=5)

    signup = signup_create(shift=shift, volunteer=PersonFactory(), guest_names=["مریم", "  علی  ", ""])

    assert (signup.status, signup.guests, signup.guest_names) == ("confirmed", 2, ["مریم", "علی"])
    assert places_taken(shift) == 3
    assert SignUp.objects.get(pk=signup.pk).places == 3


def test_a_group_that_does_not_fit_waits_in_line_together_and_one_person_may_go_ahead():
    shift = shift_with(capacity=3)
    signup_create(shift=shift, volunteer=PersonFactory(), guest_names=["الف"])  # 2 of 3 places

    group = signup_create(shift=shift, volunteer=PersonFactory(), guest_names=["ب"])
    alone = signup_create(shift=shift, volunteer=PersonFactory())

    assert group.status == "waitlisted"
    assert alone.status == "confirmed"
    assert places_taken(shift) == 3


def test_a_place_freed_goes_to_the_first_in_line_who_fits():
    shift = shift_with(capacity=3)
    first = signup_create(shift=shift, volunteer=PersonFactory(), guest_names=["الف", "ب"])  # 3 of 3
    group = signup_create(shift=shift, volunteer=PersonFactory(), guest_names=["پ", "ت"])  # needs 3
    alone = signup_create(shift=shift, volunteer=PersonFactory())  # needs 1
    assert (group.status, alone.status) == ("waitlisted", "waitlisted")

    signup_cancel(signup=first)  # 3 places free: the group first in line fits

    group.refresh_from_db()
    alone.refresh_from_db()
    assert (group.status, alone.status) == ("confirmed", "waitlisted")
    assert places_taken(shift) == 3


def test_when_the_first_in_line_is_too_big_the_next_who_fits_gets_the_place():
    shift = shift_with(capacity=2)
    one = signup_create(shift=shift, volunteer=PersonFactory())
    signup_create(shift=shift, volunteer=PersonFactory())
    group = signup_create(shift=shift, volunteer=PersonFactory(), guest_names=["الف"])  # needs 2
    alone = signup_create(shift=shift, volunteer=PersonFactory())

    signup_cancel(signup=one)  # 1 place free

    group.refresh_from_db()
    alone.refresh_from_db()
    assert (group.status, alone.status) == ("waitlisted", "confirmed")
    assert group.waitlist_position is not None  # still first in line for the next places


def test_cancelling_gives_back_every_place_of_the_group():
    shift = shift_with(capacity=4)
    signup = signup_create(shift=shift, volunteer=PersonFactory(), guest_names=["الف", "ب", "پ"])
    assert places_taken(shift) == 4

    signup_cancel(signup=signup)

    assert places_taken(shift) == 0


def test_a_group_that_never_came_gives_back_its_places():
    shift = shift_with(capacity=4)
    signup_create(shift=shift, volunteer=PersonFactory(), guest_names=["الف", "ب"])
    signup_create(shift=shift, volunteer=PersonFactory())
    Shift.objects.filter(pk=shift.pk).update(
        starts_at=shift.starts_at - datetime.timedelta(days=5),
        ends_at=shift.ends_at - datetime.timedelta(days=5),
    )

    assert signups_mark_no_shows() == 2
    assert places_taken(shift) == 0


@pytest.mark.parametrize(
    ("max_guests", "names", "capacity"),
    [(0, ["الف"], 5), (2, ["الف", "ب", "پ"], 5), (3, ["الف" * 81], 5), (3, ["الف", "ب"], 2)],
)
def test_guests_beyond_what_the_call_or_the_shift_allows_are_refused(max_guests, names, capacity):
    shift = shift_with(capacity=capacity, max_guests=max_guests)
    with pytest.raises(SignUpRefused) as refused:
        signup_create(shift=shift, volunteer=PersonFactory(), guest_names=names)
    assert refused.value.code == "guests_invalid"
    assert places_taken(shift) == 0 and not SignUp.objects.exists()


def test_guests_are_named_on_the_call_page_form_and_on_the_roster(client):
    from campaigns.services import department_staff_group_ensure
    from city.models import Department

    shift = shift_with(capacity=5, max_guests=2)
    person = PersonFactory()
    client.force_login(person)
    page = client.get(shift.call.url).content.decode()
    assert page.count('name="guest"') == 2

    response = client.post(
        f"/my/shifts/{shift.pk}/sign-up/", {"guest": ["مریم", "علی"], "next": shift.call.url}
    )
    assert response.status_code == 302
    signup = SignUp.objects.get(volunteer=person)
    assert signup.guest_names == ["مریم", "علی"]
    assert "مریم" in client.get("/my/shifts/").content.decode()

    staff = PersonFactory()
    staff.groups.add(department_staff_group_ensure(department=Department.objects.get(slug="urban_services")))
    client.force_login(staff)
    roster = client.get(f"/admin/campaigns_shift/roster/{shift.pk}/")
    assert roster.status_code == 200 and "مریم" in roster.content.decode()


def test_an_app_signs_up_with_guests_and_a_refusal_is_a_clear_400(client):
    from volunteers.services import api_token_create

    shift = shift_with(capacity=5, max_guests=2)
    person = PersonFactory()
    headers = {"authorization": f"Bearer {api_token_create(user=person)[1]}", "accept-language": "en"}

    refused = client.post(f"/api/v1/shifts/{shift.pk}/signups?guest=A&guest=B&guest=C", headers=headers)
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "guests_invalid"
    assert "at most 2 guests" in refused.json()["error"]["message"]
    created = client.post(f"/api/v1/shifts/{shift.pk}/signups?guest=Maryam&guest=Ali", headers=headers)
    assert created.status_code == 201, created.content
    assert created.json()["guest_names"] == ["Maryam", "Ali"]
    assert places_taken(shift) == 3
