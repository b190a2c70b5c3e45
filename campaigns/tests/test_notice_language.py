"""Waitlist-promotion, staff-cancellation and team-places-released notices are written in the language of
the person told, whatever language the worker that sends them runs in."""

import datetime

import pytest
from django.utils import timezone, translation

from campaigns.models import Shift
from campaigns.services import (
    signup_cancel,
    signup_create,
    signup_staff_cancel,
    team_reservation_create,
    team_reservation_release,
)
from campaigns.tests.factories import PersonFactory, add_shift, publish_call
from campaigns.tests.teams import Ngo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def worker_in_the_site_language():
    with translation.override("fa"):
        yield


def test_the_promotion_notice_is_in_each_persons_language(django_capture_on_commit_callbacks, mailoutbox):
    shift = add_shift(publish_call(), capacity=1)
    first = PersonFactory()
    english_reader = PersonFactory(preferred_language="en")
    persian_reader = PersonFactory(preferred_language="fa")
    first_place = signup_create(shift=shift, volunteer=first)
    english_place = signup_create(shift=shift, volunteer=english_reader)
    signup_create(shift=shift, volunteer=persian_reader)

    with django_capture_on_commit_callbacks(execute=True):
        signup_cancel(signup=first_place)
    with django_capture_on_commit_callbacks(execute=True):
        signup_cancel(signup=english_place)

    bodies = {message.to[0]: message.body for message in mailoutbox}
    assert "A place freed up" in bodies[english_reader.email]
    assert "جایی خالی شد" in bodies[persian_reader.email]
    assert "A place freed up" not in bodies[persian_reader.email]


def test_the_staff_cancellation_notice_is_in_the_persons_language(
    django_capture_on_commit_callbacks, mailoutbox
):
    shift = add_shift(publish_call(), capacity=2)
    english_reader = PersonFactory(preferred_language="en")
    signup = signup_create(shift=shift, volunteer=english_reader)

    with django_capture_on_commit_callbacks(execute=True):
        signup_staff_cancel(signup=signup, actor=PersonFactory(is_staff=True), reason="Site flooded")

    assert [message.to for message in mailoutbox] == [[english_reader.email]]
    body = mailoutbox[0].body
    assert body.startswith("The organisers cancelled your sign-up") and "Reason: Site flooded." in body


def test_the_team_places_released_notice_is_in_the_managers_language(
    settings, django_capture_on_commit_callbacks, mailoutbox
):
    settings.TEAM_PLACES_RELEASE_HOURS = 24
    ngo = Ngo()
    ngo.manager.preferred_language = "en"
    ngo.manager.save(update_fields=["preferred_language"])
    shift = add_shift(publish_call(), capacity=5, team_places=3, starts_in=datetime.timedelta(days=3))
    reservation = team_reservation_create(shift=shift, team=ngo.team, places=3, actor=ngo.manager)
    starts_at = timezone.now() + datetime.timedelta(hours=20)
    Shift.objects.filter(pk=shift.pk).update(
        starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=3)
    )

    with django_capture_on_commit_callbacks(execute=True):
        team_reservation_release(reservation_id=reservation.pk)

    [notice] = [message for message in mailoutbox if message.to == [ngo.manager.email]]
    assert notice.body.startswith("3 places that") and "24 hours before the shift" in notice.body
