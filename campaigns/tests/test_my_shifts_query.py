""" "My shifts" reads a person's sign-ups by a statement composed once per process
(core.compiled_queries.CompiledInstancesQuery): it must answer exactly as the ORM's queryset does, with
every relation loaded and the annotations set, for any person and any moment."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaigns import selectors
from campaigns.models import SignUp, SignUpRequest
from campaigns.reminders import calendar_feed_get_or_create
from campaigns.selectors import MyShiftsFacts, my_shifts_facts
from campaigns.services import signup_cancel, signup_create, team_reservation_assign, team_reservation_create
from campaigns.tests.factories import PersonFactory, add_shift, publish_call
from campaigns.tests.teams import Ngo
from campaigns.volunteer_views import _MY_SIGNUPS, my_shifts_sections, signups_with_place_in_line
from core.compiled_queries import CompiledInstancesQuery

pytestmark = pytest.mark.django_db


def described(signup: SignUp) -> tuple:
    call = signup.shift.call
    return (
        signup.pk,
        signup.status,
        signup.has_ended,
        signup.place_in_line,
        signup.shift.starts_at,
        call.pk,
        call.title,
        call.live,
        call.url_path,
        call.service.short_name_fa,
        call.district.name_fa,
    )


def test_the_composed_statement_answers_as_the_orm_for_every_person_and_moment():
    now = timezone.now()
    person, ahead, other = PersonFactory(), PersonFactory(), PersonFactory()
    full = add_shift(publish_call(), capacity=1)
    signup_create(shift=full, volunteer=other)
    signup_create(shift=full, volunteer=ahead)  # waiting first
    signup_create(shift=full, volunteer=person)  # waiting second
    soon = add_shift(publish_call(), starts_in=datetime.timedelta(hours=5))
    signup_create(shift=soon, volunteer=person)
    later = add_shift(publish_call(), starts_in=datetime.timedelta(days=9))
    signup_cancel(signup=signup_create(shift=later, volunteer=person))
    past = add_shift(publish_call(), starts_in=datetime.timedelta(days=3))
    signup_create(shift=past, volunteer=person)

    for someone in (person, ahead, other, PersonFactory()):
        for moment in (now, now + datetime.timedelta(days=4), now + datetime.timedelta(days=30)):
            expected = list(
                signups_with_place_in_line(
                    selectors.signup_list_for_volunteer(volunteer=someone, now=moment).select_related(
                        "shift__call__service", "shift__call__district"
                    )
                )
            )
            found = _MY_SIGNUPS.list(volunteer_id=someone.pk, now=moment)
            assert [described(s) for s in found] == [described(s) for s in expected]
    mine = _MY_SIGNUPS.list(volunteer_id=person.pk, now=now)
    assert [s.place_in_line for s in mine if s.status == SignUp.Status.WAITLISTED] == [2]
    assert len(mine) == 4
    with CaptureQueriesContext(connection) as queries:
        [described(s) for s in mine]
    assert len(queries) == 0  # every relation came with the statement


def test_an_empty_relation_is_none_and_a_team_place_is_read_apart():
    ngo = Ngo()
    shift = add_shift(publish_call(), capacity=5, team_places=3)
    reservation = team_reservation_create(shift=shift, team=ngo.team, places=2, actor=ngo.manager)
    member = ngo.members[0]
    team_reservation_assign(reservation=reservation, member=member, actor=ngo.manager)
    signup_create(shift=add_shift(publish_call(), starts_in=datetime.timedelta(days=5)), volunteer=member)
    with_team = CompiledInstancesQuery(
        SignUp,
        lambda volunteer_id: SignUp.objects.filter(volunteer_id=volunteer_id).order_by("pk"),
        related=["reservation__team"],
        volunteer_id=int,
    )

    own, alone = with_team.list(volunteer_id=member.pk)
    assert own.reservation.team.name == ngo.team.name and alone.reservation is None

    sections = my_shifts_sections(volunteer=member)
    with CaptureQueriesContext(connection) as queries:
        names = [s.reservation.team.organisation.name_fa for s in sections["upcoming"] if s.reservation_id]
    assert names == [ngo.organisation.name_fa] and len(queries) == 0


def test_the_facts_beside_the_sign_ups_are_each_persons_own():
    ngo = Ngo(verified=False)
    member, stranger = ngo.members[0], PersonFactory()
    shift = add_shift(publish_call())
    SignUpRequest.objects.create(shift=shift, person=member)
    SignUpRequest.objects.create(
        shift=shift, person=stranger, state=SignUpRequest.State.REFUSED, decided_at=timezone.now()
    )
    feed = calendar_feed_get_or_create(user=stranger)

    assert my_shifts_facts(person=ngo.manager) == MyShiftsFacts(True, False, None)
    assert my_shifts_facts(person=member) == MyShiftsFacts(False, True, None)
    assert my_shifts_facts(person=stranger) == MyShiftsFacts(False, False, feed.token)
