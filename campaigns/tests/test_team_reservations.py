"""Team reservations: an NGO manager holds places on a shift for a team, assigns members to them, cuts
them; places still unassigned before the shift go back to the public, once. Also staff cancellations and
rosters. Services first, then the API and the web pages."""

import csv
import datetime
import io

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns.errors import SignUpConflict, SignUpForbidden, SignUpRefused
from campaigns.models import Shift, SignUp, TeamReservation
from campaigns.services import (
    department_staff_group_ensure,
    signup_cancel,
    signup_create,
    signup_staff_cancel,
    team_message_send,
    team_places_release_due,
    team_reservation_assign,
    team_reservation_assign_many,
    team_reservation_create,
    team_reservation_resize,
    team_reservation_unassign,
)
from campaigns.tasks import release_unassigned_team_places_task
from campaigns.tests.factories import PersonFactory, add_shift, publish_call
from campaigns.tests.teams import Ngo
from verification.tests.factories import staff_of as department_staff
from volunteers.services import api_token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def ngo():
    return Ngo()


def counters(shift: Shift) -> tuple[int, int, int]:
    shift.refresh_from_db()
    return shift.confirmed_count, shift.team_reserved_count, shift.team_unassigned_count


def reserve(ngo, shift, places):
    return team_reservation_create(shift=shift, team=ngo.team, places=places, actor=ngo.manager)


def code_of(call, **kwargs):
    with pytest.raises((SignUpRefused, SignUpConflict, SignUpForbidden)) as refused:
        call(**kwargs)
    return refused.value.code


# --- Reserving ------------------------------------------------------------------------------------------


def test_reserved_places_are_taken_at_once_and_only_the_rest_are_free(ngo):
    shift = add_shift(publish_call(), capacity=5, team_places=3)

    reservation = reserve(ngo, shift, 3)

    assert (reservation.places, reservation.assigned_count, reservation.reserved_by) == (3, 0, ngo.manager)
    assert counters(shift) == (0, 3, 3)
    assert shift.free_places == 2
    statuses = [signup_create(shift=shift, volunteer=PersonFactory()).status for _ in range(3)]
    assert statuses == ["confirmed", "confirmed", "waitlisted"]


def test_teams_together_never_pass_the_shift_s_team_places(ngo):
    shift = add_shift(publish_call(), capacity=10, team_places=4)
    reserve(ngo, shift, 3)
    other = Ngo()

    assert code_of(reserve, ngo=other, shift=shift, places=2) == "team_places_full"
    reserve(other, shift, 1)
    assert counters(shift) == (0, 4, 4)


def test_a_reservation_needs_free_places(ngo):
    shift = add_shift(publish_call(), capacity=3, team_places=3)
    for _ in range(2):
        signup_create(shift=shift, volunteer=PersonFactory())

    assert code_of(reserve, ngo=ngo, shift=shift, places=2) == "not_enough_places"
    assert reserve(ngo, shift, 1).places == 1


def test_who_and_when_may_reserve(ngo):
    shift = add_shift(publish_call(), team_places=5)
    unverified = Ngo(verified=False)
    member = ngo.members[0]

    assert code_of(reserve, ngo=unverified, shift=shift, places=1) == "ngo_not_verified"
    assert (
        code_of(team_reservation_create, shift=shift, team=ngo.team, places=1, actor=member)
        == "not_team_manager"
    )
    individuals_only = add_shift(publish_call(open_to_teams=False), team_places=5)
    assert code_of(reserve, ngo=ngo, shift=individuals_only, places=1) == "call_individuals_only"
    too_soon = add_shift(publish_call(), starts_in=datetime.timedelta(hours=20), team_places=5)
    assert code_of(reserve, ngo=ngo, shift=too_soon, places=1) == "team_reservations_closed"
    reserve(ngo, shift, 1)
    assert code_of(reserve, ngo=ngo, shift=shift, places=1) == "reservation_exists"


def test_teams_only_calls_take_team_reservations(ngo):
    shift = add_shift(publish_call(open_to_individuals=False), team_places=5)

    assert reserve(ngo, shift, 2).places == 2


# --- Assigning ------------------------------------------------------------------------------------------


def test_assigning_members_turns_reserved_places_into_confirmed_ones(ngo):
    shift = add_shift(publish_call(), capacity=6, team_places=3)
    reservation = reserve(ngo, shift, 2)

    signups = [
        team_reservation_assign(reservation=reservation, member=member, actor=ngo.manager)
        for member in ngo.members[:2]
    ]

    assert [(s.status, s.reservation_id) for s in signups] == [("confirmed", reservation.pk)] * 2
    assert counters(shift) == (2, 2, 0)
    reservation.refresh_from_db()
    assert reservation.assigned_count == 2
    assert (
        code_of(
            team_reservation_assign, reservation=reservation, member=ngo.members[2], actor=ngo.manager
        )
        == "no_unassigned_places"
    )


def test_members_already_booked_at_that_time_are_not_offered(ngo):
    from campaigns.selectors import team_members_to_assign
    from campaigns.services import signup_create

    shift = add_shift(publish_call(), starts_in=datetime.timedelta(days=3), capacity=6, team_places=3)
    same_time_elsewhere = add_shift(publish_call(), starts_in=datetime.timedelta(days=3, hours=1))
    later_that_week = add_shift(publish_call(), starts_in=datetime.timedelta(days=5))
    busy, free_later, free = ngo.members
    signup_create(shift=same_time_elsewhere, volunteer=busy)
    signup_create(shift=later_that_week, volunteer=free_later)
    reservation = reserve(ngo, shift, 2)

    assert list(team_members_to_assign(reservation=reservation)) == sorted(
        [free_later, free], key=lambda person: (person.first_name, person.last_name, person.pk)
    )


def test_assignments_follow_the_personal_rules_and_team_membership(ngo):
    shift = add_shift(publish_call(min_age=18), team_places=5)
    reservation = reserve(ngo, shift, 3)
    outsider = PersonFactory()

    def assign(member):
        return team_reservation_assign(reservation=reservation, member=member, actor=ngo.manager)

    assert code_of(assign, member=outsider) == "not_a_team_member"
    assert code_of(assign, member=ngo.members[0]) == "date_of_birth_missing"
    busy = ngo.members[1]
    busy.date_of_birth = datetime.date(1990, 1, 1)
    busy.save()
    signup_create(shift=add_shift(publish_call()), volunteer=busy)
    assert code_of(assign, member=busy) == "overlapping_signup"
    assert counters(shift) == (0, 3, 3)


def test_unassigning_gives_the_place_back_to_the_team(ngo):
    shift = add_shift(publish_call(), capacity=3, team_places=2)
    reservation = reserve(ngo, shift, 2)
    team_reservation_assign(reservation=reservation, member=ngo.members[0], actor=ngo.manager)
    signup_create(shift=shift, volunteer=PersonFactory())
    waiting = signup_create(shift=shift, volunteer=PersonFactory())

    signup = team_reservation_unassign(
        reservation=reservation, member_id=ngo.members[0].pk, actor=ngo.manager
    )

    assert signup.status == "cancelled"
    assert counters(shift) == (1, 2, 2)
    waiting.refresh_from_db()
    assert waiting.status == "waitlisted"  # the place stays the team's
    team_reservation_assign(reservation=reservation, member=ngo.members[1], actor=ngo.manager)
    assert counters(shift) == (2, 2, 1)


def test_a_member_who_cancels_their_team_place_gives_it_back_to_the_team(ngo):
    shift = add_shift(publish_call(), capacity=3, team_places=2)
    reservation = reserve(ngo, shift, 2)
    signup = team_reservation_assign(reservation=reservation, member=ngo.members[0], actor=ngo.manager)

    signup_cancel(signup=signup)

    assert counters(shift) == (0, 2, 2)


# --- Cutting --------------------------------------------------------------------------------------------


def test_cutting_a_reservation_gives_places_to_the_line_in_order(
    ngo, mailoutbox, django_capture_on_commit_callbacks
):
    shift = add_shift(publish_call(), capacity=4, team_places=4)
    reservation = reserve(ngo, shift, 3)
    team_reservation_assign(reservation=reservation, member=ngo.members[0], actor=ngo.manager)
    signup_create(shift=shift, volunteer=PersonFactory())
    line = [signup_create(shift=shift, volunteer=PersonFactory()) for _ in range(3)]

    assert code_of(team_reservation_resize, reservation=reservation, places=0, actor=ngo.manager) == (
        "places_below_assigned"
    )
    with django_capture_on_commit_callbacks(execute=True):
        reservation = team_reservation_resize(reservation=reservation, places=1, actor=ngo.manager)

    assert (reservation.places, reservation.assigned_count) == (1, 1)
    assert counters(shift) == (4, 1, 0)
    assert [SignUp.objects.get(pk=s.pk).status for s in line] == ["confirmed", "confirmed", "waitlisted"]
    assert sorted(m.to[0] for m in mailoutbox) == sorted([line[0].volunteer.email, line[1].volunteer.email])


def test_growing_a_reservation_follows_the_rules_of_reserving(ngo):
    shift = add_shift(publish_call(), capacity=5, team_places=3)
    reservation = reserve(ngo, shift, 1)

    assert code_of(team_reservation_resize, reservation=reservation, places=4, actor=ngo.manager) == (
        "team_places_full"
    )
    assert team_reservation_resize(reservation=reservation, places=3, actor=ngo.manager).places == 3
    assert counters(shift) == (0, 3, 3)


# --- Releasing unassigned places ----------------------------------------------------------------------


def test_release_runs_once_gives_places_to_the_line_in_order_and_tells_the_manager_once(
    ngo, settings, django_capture_on_commit_callbacks
):
    settings.TEAM_PLACES_RELEASE_HOURS = 24
    shift = add_shift(publish_call(), capacity=5, team_places=4, starts_in=datetime.timedelta(days=2))
    reservation = reserve(ngo, shift, 4)
    team_reservation_assign(reservation=reservation, member=ngo.members[0], actor=ngo.manager)
    signup_create(shift=shift, volunteer=PersonFactory())
    line = [signup_create(shift=shift, volunteer=PersonFactory()) for _ in range(4)]
    not_due = add_shift(publish_call(), team_places=2, starts_in=datetime.timedelta(days=5))
    other = reserve(Ngo(), not_due, 2)

    # not due yet: nothing moves
    assert team_places_release_due() == 0
    # the shift comes within 24 hours
    Shift.objects.filter(pk=shift.pk).update(
        starts_at=timezone.now() + datetime.timedelta(hours=20),
        ends_at=timezone.now() + datetime.timedelta(hours=23),
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first_run = release_unassigned_team_places_task.delay().get()
    with django_capture_on_commit_callbacks(execute=True):
        second_run = release_unassigned_team_places_task.delay().get()

    assert (first_run, second_run) == (1, 0)
    reservation.refresh_from_db()
    assert (reservation.places, reservation.assigned_count, reservation.released_places) == (1, 1, 3)
    assert reservation.released_at is not None
    assert counters(shift) == (5, 1, 0)
    assert [SignUp.objects.get(pk=s.pk).status for s in line] == ["confirmed"] * 3 + ["waitlisted"]
    recipients = [message.to[0] for message in mail.outbox]
    assert recipients.count(ngo.manager.email) == 1
    assert sorted(r for r in recipients if r != ngo.manager.email) == sorted(
        s.volunteer.email for s in line[:3]
    )
    other.refresh_from_db()
    assert other.released_at is None


def test_after_release_an_unassigned_member_s_place_goes_to_the_line(ngo, settings):
    shift = add_shift(publish_call(), capacity=2, team_places=2, starts_in=datetime.timedelta(days=2))
    reservation = reserve(ngo, shift, 2)
    team_reservation_assign(reservation=reservation, member=ngo.members[0], actor=ngo.manager)
    waiting = [signup_create(shift=shift, volunteer=PersonFactory()) for _ in range(2)]
    settings.TEAM_PLACES_RELEASE_HOURS = 72
    team_places_release_due()
    assert counters(shift) == (2, 1, 0)

    team_reservation_unassign(reservation=reservation, member_id=ngo.members[0].pk, actor=ngo.manager)

    assert counters(shift) == (2, 0, 0)
    assert [SignUp.objects.get(pk=s.pk).status for s in waiting] == ["confirmed", "confirmed"]
    reservation.refresh_from_db()
    assert (reservation.places, reservation.assigned_count) == (0, 0)
    assert code_of(team_reservation_resize, reservation=reservation, places=1, actor=ngo.manager) == (
        "reservation_released"
    )


# --- Staff cancellations --------------------------------------------------------------------------------


@pytest.fixture
def staff_of():
    def make(call):
        person = PersonFactory()
        person.groups.add(department_staff_group_ensure(department=call.service.department))
        return person

    return make


def test_staff_cancel_with_a_reason_and_both_people_are_told_once(
    staff_of, django_capture_on_commit_callbacks
):
    call = publish_call()
    shift = add_shift(call, capacity=1)
    staff = staff_of(call)
    confirmed = signup_create(shift=shift, volunteer=PersonFactory())
    waiting = signup_create(shift=shift, volunteer=PersonFactory())

    assert (
        code_of(signup_staff_cancel, signup=confirmed, actor=staff, reason="  ") == "reason_required"
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        signup_staff_cancel(signup=confirmed, actor=staff, reason="The site is flooded")
    for callback in callbacks:  # a repeated delivery of the notices sends nothing more
        callback()

    confirmed.refresh_from_db()
    assert (confirmed.status, confirmed.cancelled_by, confirmed.cancellation_reason) == (
        "cancelled",
        staff,
        "The site is flooded",
    )
    waiting.refresh_from_db()
    assert waiting.status == "confirmed" and waiting.promoted_at is not None
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [confirmed.volunteer.email, waiting.volunteer.email]
    )
    told = next(m for m in mail.outbox if m.to == [confirmed.volunteer.email])
    assert "The site is flooded" in told.body
    assert counters(shift) == (1, 0, 0)
    assert code_of(signup_staff_cancel, signup=confirmed, actor=staff, reason="again") == (
        "signup_already_cancelled"
    )


# --- API ------------------------------------------------------------------------------------------------


def api_client(person) -> Client:
    _, secret = api_token_create(user=person, name="test")
    return Client(headers={"authorization": f"Bearer {secret}", "accept-language": "en"})


def test_the_api_reserves_assigns_cuts_and_lists(ngo):
    shift = add_shift(publish_call(), capacity=8, team_places=4)
    manager = api_client(ngo.manager)

    created = manager.post(
        f"/api/v1/shifts/{shift.pk}/reservations",
        {"team_id": ngo.team.pk, "places": 3},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    reservation_id = created.json()["id"]
    assert {k: created.json()[k] for k in ("places", "assigned", "unassigned")} == {
        "places": 3,
        "assigned": 0,
        "unassigned": 3,
    }
    assigned = manager.post(
        f"/api/v1/reservations/{reservation_id}/assignments",
        {"user_id": ngo.members[0].pk},
        content_type="application/json",
    )
    assert assigned.status_code == 201, assigned.content
    assert assigned.json()["user_id"] == ngo.members[0].pk and assigned.json()["status"] == "confirmed"
    outsider = manager.post(
        f"/api/v1/reservations/{reservation_id}/assignments",
        {"user_id": PersonFactory().pk},
        content_type="application/json",
    )
    assert (outsider.status_code, outsider.json()["error"]["code"]) == (400, "not_a_team_member")
    cut = manager.patch(
        f"/api/v1/reservations/{reservation_id}", {"places": 2}, content_type="application/json"
    )
    assert (cut.status_code, cut.json()["places"], cut.json()["unassigned"]) == (200, 2, 1)
    mine = manager.get("/api/v1/me/reservations").json()
    assert [item["id"] for item in mine["items"]] == [reservation_id]
    assert [a["user_id"] for a in mine["items"][0]["assignments"]] == [ngo.members[0].pk]
    removed = manager.delete(f"/api/v1/reservations/{reservation_id}/assignments/{ngo.members[0].pk}")
    assert (removed.status_code, removed.json()["assigned"], removed.json()["assignments"]) == (200, 0, [])
    again = manager.post(
        f"/api/v1/shifts/{shift.pk}/reservations",
        {"team_id": ngo.team.pk, "places": 1},
        content_type="application/json",
    )
    assert (again.status_code, again.json()["error"]["code"]) == (409, "reservation_exists")


def test_the_api_keeps_reservations_to_their_managers(ngo):
    shift = add_shift(publish_call(), team_places=4)
    reservation = reserve(ngo, shift, 2)
    other_manager = api_client(Ngo().manager)
    member = api_client(ngo.members[0])

    for client in (other_manager, member):
        assert (
            client.patch(
                f"/api/v1/reservations/{reservation.pk}", {"places": 1}, content_type="application/json"
            ).status_code
            == 404
        )
        response = client.post(
            f"/api/v1/shifts/{shift.pk}/reservations",
            {"team_id": ngo.team.pk, "places": 1},
            content_type="application/json",
        )
        assert (response.status_code, response.json()["error"]["code"]) == (404, "team_not_found")
    unverified = Ngo(verified=False)
    response = api_client(unverified.manager).post(
        f"/api/v1/shifts/{shift.pk}/reservations",
        {"team_id": unverified.team.pk, "places": 1},
        content_type="application/json",
    )
    assert (response.status_code, response.json()["error"]["code"]) == (403, "ngo_not_verified")
    bad = api_client(ngo.manager).post(
        f"/api/v1/shifts/{shift.pk}/reservations",
        {"team_id": ngo.team.pk, "places": 0},
        content_type="application/json",
    )
    assert (bad.status_code, bad.json()["error"]["code"]) == (422, "invalid_input")


def test_the_api_staff_cancel(staff_of):
    call = publish_call()
    shift = add_shift(call)
    signup = signup_create(shift=shift, volunteer=PersonFactory())
    citizen = api_client(PersonFactory())
    other_department_staff = api_client(staff_of(publish_call(service_slug="classes-and-workshops")))

    for client in (citizen, other_department_staff):
        response = client.post(
            f"/api/v1/signups/{signup.pk}/staff-cancel", {"reason": "x"}, content_type="application/json"
        )
        assert (response.status_code, response.json()["error"]["code"]) == (403, "not_department_staff")
    response = api_client(staff_of(call)).post(
        f"/api/v1/signups/{signup.pk}/staff-cancel", {"reason": "Weather"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["cancellation_reason"]) == ("cancelled", "Weather")
    mine = api_client(signup.volunteer).get("/api/v1/me/signups").json()["items"][0]
    assert (mine["cancelled_by_organisers"], mine["cancellation_reason"]) == (True, "Weather")


# --- Rosters --------------------------------------------------------------------------------------------


def roster_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_roster_csv_for_staff_has_everyone_and_for_a_manager_only_their_team(ngo, staff_of):
    call = publish_call()
    shift = add_shift(call, capacity=3, team_places=2)
    reservation = reserve(ngo, shift, 2)
    assigned = team_reservation_assign(
        reservation=reservation, member=ngo.members[0], actor=ngo.manager
    )
    SignUp.objects.filter(pk=assigned.pk).update(checked_in_at=timezone.now())
    individual = signup_create(shift=shift, volunteer=PersonFactory(first_name="=cmd", last_name="x"))
    waiting = signup_create(shift=shift, volunteer=PersonFactory())
    other_ngo = Ngo()
    reserve(other_ngo, add_shift(publish_call(), team_places=2), 1)

    staff_rows = roster_rows(api_client(staff_of(call)).get(f"/api/v1/shifts/{shift.pk}/roster.csv"))
    manager_response = api_client(ngo.manager).get(f"/api/v1/shifts/{shift.pk}/roster.csv")
    manager_rows = roster_rows(manager_response)

    assert staff_rows[0] == ["Name", "Mobile number", "Team", "Status", "Checked in", "Checked out"]
    # confirmed people by name, then the line
    assert [row[1] for row in staff_rows[1:]] == [
        individual.volunteer.phone,
        assigned.volunteer.phone,
        waiting.volunteer.phone,
    ]
    assert staff_rows[1][0] == "'=cmd x"  # never a formula in a spreadsheet
    assert staff_rows[2][2] == ngo.team.name and staff_rows[2][4] and not staff_rows[2][5]
    assert [row[3] for row in staff_rows[1:]] == ["confirmed", "confirmed", "on the waiting list"]
    assert manager_response["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in manager_response["content-disposition"]
    assert [row[1] for row in manager_rows[1:]] == [assigned.volunteer.phone]
    for client in (api_client(other_ngo.manager), api_client(PersonFactory()), api_client(ngo.members[0])):
        refused = client.get(f"/api/v1/shifts/{shift.pk}/roster.csv")
        assert (refused.status_code, refused.json()["error"]["code"]) == (403, "roster_forbidden")


def test_the_web_roster_csv_for_a_manager_is_in_persian_by_default(client, ngo):
    shift = add_shift(publish_call(), team_places=2)
    reserve(ngo, shift, 1)
    client.force_login(ngo.manager)

    rows = roster_rows(client.get(f"/my/team-places/shifts/{shift.pk}/roster.csv"))

    assert rows == [["نام", "شمارهٔ همراه", "تیم", "وضعیت", "ورود", "خروج"]] or len(rows) == 1
    client.force_login(PersonFactory())
    assert client.get(f"/my/team-places/shifts/{shift.pk}/roster.csv").status_code == 404


def test_staff_see_the_roster_in_the_admin_and_cancel_from_it(client, staff_of):
    call = publish_call()
    shift = add_shift(call, capacity=1)
    signup = signup_create(shift=shift, volunteer=PersonFactory())
    waiting = signup_create(shift=shift, volunteer=PersonFactory())
    staff = staff_of(call)
    staff.is_staff = True
    staff.save()
    client.force_login(staff)

    page = client.get(f"/admin/campaigns_shift/roster/{shift.pk}/")
    assert page.status_code == 200
    assert signup.volunteer.phone in page.content.decode()
    csv_response = client.get(f"/admin/campaigns_shift/roster/{shift.pk}/roster.csv")
    assert len(roster_rows(csv_response)) == 3
    client.post(f"/admin/campaigns_shift/roster/{shift.pk}/sign-ups/{signup.pk}/cancel/", {"reason": "Ill"})
    signup.refresh_from_db()
    waiting.refresh_from_db()
    assert (signup.status, signup.cancellation_reason, waiting.status) == ("cancelled", "Ill", "confirmed")

    other = staff_of(publish_call(service_slug="classes-and-workshops"))
    other.is_staff = True
    other.save()
    client.force_login(other)
    assert client.get(f"/admin/campaigns_shift/roster/{shift.pk}/").status_code == 404


# --- Web pages for managers and "my shifts" ---------------------------------------------------------------


def test_a_manager_reserves_from_the_call_page_and_assigns_on_the_reservation_page(client, ngo):
    call = publish_call()
    shift = add_shift(call, capacity=6, team_places=3)
    client.force_login(ngo.manager)

    call_page = client.get(call.url).content.decode()
    assert "Reserve for my team" in call_page or "رزرو" in call_page or 'name="places"' in call_page
    refused = client.post(
        "/my/team-places/reserve/", {"call": call.pk, "shift": shift.pk, "team": ngo.team.pk, "places": "۵"}
    )
    assert refused.status_code == 400
    assert 'value="۵"' in refused.content.decode()  # what was typed is kept
    assert "form__errors" in refused.content.decode()
    response = client.post(
        "/my/team-places/reserve/", {"call": call.pk, "shift": shift.pk, "team": ngo.team.pk, "places": "۲"}
    )
    reservation = TeamReservation.objects.get()
    assert response.status_code == 302 and response.url == f"/my/team-places/{reservation.pk}/"
    assert reservation.places == 2

    client.post(f"/my/team-places/{reservation.pk}/assign/", {"member": ngo.members[0].pk})
    page = client.get(f"/my/team-places/{reservation.pk}/").content.decode()
    assert ngo.members[0].get_full_name() in page
    assert client.get("/my/team-places/").status_code == 200
    client.post(f"/my/team-places/{reservation.pk}/unassign/{ngo.members[0].pk}/")
    client.post(f"/my/team-places/{reservation.pk}/places/", {"places": "1"})
    reservation.refresh_from_db()
    assert (reservation.places, reservation.assigned_count) == (1, 0)


def test_others_see_no_reserve_form_and_no_one_else_s_reservation(client, ngo):
    call = publish_call()
    shift = add_shift(call, team_places=3)
    reservation = reserve(ngo, shift, 1)
    for person in (PersonFactory(), Ngo(verified=False).manager, ngo.members[0]):
        client.force_login(person)
        assert 'name="places"' not in client.get(call.url).content.decode()
        assert client.get(f"/my/team-places/{reservation.pk}/").status_code == 404


def test_my_shifts_shows_the_team_and_a_no_show(client, ngo):
    shift = add_shift(publish_call(), team_places=2)
    reservation = reserve(ngo, shift, 1)
    team_reservation_assign(reservation=reservation, member=ngo.members[0], actor=ngo.manager)
    past = add_shift(publish_call(), starts_in=datetime.timedelta(days=-3))
    SignUp.objects.create(shift=past, volunteer=ngo.members[0], status="no_show")
    client.force_login(ngo.members[0])

    page = client.get("/en/my/shifts/").content.decode()

    assert ngo.team.name in page and ngo.organisation.name_en in page
    assert "Did not come" in page


def test_my_reservations_cost_the_same_queries_for_one_or_many(ngo):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    manager = api_client(ngo.manager)
    first = reserve(ngo, add_shift(publish_call(), team_places=3), 2)
    team_reservation_assign(reservation=first, member=ngo.members[0], actor=ngo.manager)
    manager.get("/api/v1/me/reservations")  # warms Wagtail's per-process caches
    with CaptureQueriesContext(connection) as one:
        manager.get("/api/v1/me/reservations")
    for days in (4, 6):
        reservation = reserve(
            ngo, add_shift(publish_call(), team_places=3, starts_in=datetime.timedelta(days=days)), 2
        )
        team_reservation_assign(reservation=reservation, member=ngo.members[1], actor=ngo.manager)

    with CaptureQueriesContext(connection) as three:
        response = manager.get("/api/v1/me/reservations")

    assert response.json()["count"] == 3
    assert len(three) == len(one)


# --- Several members at once ----------------------------------------------------------------------------


def test_several_members_get_places_at_once_and_a_refusal_is_reported_beside_the_others():
    ngo = Ngo(members=4)
    call = publish_call(min_age=16)
    shift = add_shift(call, capacity=6, team_places=3)
    reservation = reserve(ngo, shift, 3)
    young, *others = ngo.members
    young.date_of_birth = timezone.localdate() - datetime.timedelta(days=365 * 12)
    young.save()
    for member in others:
        member.date_of_birth = datetime.date(1990, 1, 1)
        member.save()

    results = team_reservation_assign_many(
        reservation=reservation, member_ids=[young.pk, *[member.pk for member in others]], actor=ngo.manager
    )

    assert [(result.member_id, result.signup is not None, result.code) for result in results] == [
        (young.pk, False, "too_young"),
        (others[0].pk, True, ""),
        (others[1].pk, True, ""),
        (others[2].pk, True, ""),
    ]
    reservation.refresh_from_db()
    assert reservation.assigned_count == 3
    assert counters(shift) == (3, 3, 0)


def test_never_more_members_than_unassigned_places_and_over_the_api_each_outcome_is_listed(ngo):
    shift = add_shift(publish_call(), capacity=6, team_places=2)
    reservation = reserve(ngo, shift, 2)
    ids = [member.pk for member in ngo.members]

    response = api_client(ngo.manager).post(
        f"/api/v1/reservations/{reservation.pk}/assignments/bulk",
        data={"user_ids": [*ids, ids[0]]},
        content_type="application/json",
    )

    assert response.status_code == 200
    outcome = [(row["user_id"], row["assigned"], row["code"]) for row in response.json()]
    assert outcome == [(ids[0], True, ""), (ids[1], True, ""), (ids[2], False, "no_unassigned_places")]
    assert counters(shift) == (2, 2, 0)
    assert SignUp.objects.filter(shift=shift).count() == 2


def test_the_page_assigns_the_ticked_members_and_says_who_got_a_place(ngo):
    shift = add_shift(publish_call(), capacity=6, team_places=2)
    reservation = reserve(ngo, shift, 2)
    client = Client()
    client.force_login(ngo.manager)

    response = client.post(
        f"/my/team-places/{reservation.pk}/assign/",
        {"member": [ngo.members[0].pk, ngo.members[1].pk]},
        follow=True,
    )

    assert set(SignUp.objects.filter(shift=shift).values_list("volunteer_id", flat=True)) == {
        ngo.members[0].pk,
        ngo.members[1].pk,
    }
    page = response.content.decode()
    assert ngo.members[0].display_name in page and ngo.members[1].display_name in page


# --- A manager's message to the team ---------------------------------------------------------------------


def test_a_manager_messages_the_members_with_places_each_once_in_their_language(
    ngo, django_capture_on_commit_callbacks
):
    shift = add_shift(publish_call(), capacity=6, team_places=3)
    reservation = reserve(ngo, shift, 3)
    english, persian, opted_out = ngo.members
    english.preferred_language = "en"
    english.save()
    opted_out.organiser_messages = False
    opted_out.save()
    for member in ngo.members:
        team_reservation_assign(reservation=reservation, member=member, actor=ngo.manager)
    outsider = PersonFactory()
    signup_create(shift=shift, volunteer=outsider)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client(ngo.manager).post(
            f"/api/v1/reservations/{reservation.pk}/messages",
            data={"text": "ساعت ۸ جلوی در شرقی", "text_en": "8 o'clock at the east gate"},
            content_type="application/json",
        )

    assert response.status_code == 201
    received = {message.to[0]: message.body for message in mail.outbox}
    assert set(received) == {english.email, persian.email}
    assert "8 o'clock at the east gate" in received[english.email]
    assert ngo.organisation.name_en in received[english.email]
    assert "ساعت ۸ جلوی در شرقی" in received[persian.email]
    # Staff see it on the shift's roster.
    staff = department_staff("urban_services")
    client = Client()
    client.force_login(staff)
    roster = client.get(reverse("campaigns_shift:roster", args=[shift.pk])).content.decode()
    assert "ساعت ۸ جلوی در شرقی" in roster


def test_only_the_teams_manager_messages_it_and_not_more_than_five_times_a_day(ngo):
    shift = add_shift(publish_call(), capacity=6, team_places=1)
    reservation = reserve(ngo, shift, 1)
    team_reservation_assign(reservation=reservation, member=ngo.members[0], actor=ngo.manager)

    assert code_of(team_message_send, reservation=reservation, actor=ngo.members[1], text="hi") == (
        "not_team_manager"
    )
    for number in range(5):
        team_message_send(reservation=reservation, actor=ngo.manager, text=f"پیام {number}")
    url = f"/api/v1/reservations/{reservation.pk}/messages"
    response = api_client(ngo.manager).post(url, data={"text": "ششم"}, content_type="application/json")
    assert response.status_code == 429
