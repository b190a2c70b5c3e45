"""A call for cover: a confirmed place given up at short notice, with no one waiting for it, is offered to a
few people who asked to hear of such places and could take it; each once, in their language."""

import datetime

import pytest
from django.core import mail
from django.test import override_settings

from campaigns.models import CoverNotice, SignUp
from campaigns.services import signup_cancel, signup_create
from campaigns.tests.factories import PersonFactory, add_shift, publish_call
from city.models import District

pytestmark = pytest.mark.django_db


@pytest.fixture
def soon():
    call = publish_call(district=District.objects.get(number=3))
    shift = add_shift(call, starts_in=datetime.timedelta(hours=20), capacity=1)
    return call, shift


def willing(**fields):
    return PersonFactory(cover_calls=True, district=District.objects.get(number=3), **fields)


def test_a_late_cancellation_with_no_one_waiting_calls_for_cover_once_in_each_language(
    soon, django_capture_on_commit_callbacks
):
    call, shift = soon
    leaving = PersonFactory()
    signup = signup_create(shift=shift, volunteer=leaving)
    english = willing(preferred_language="en")
    persian = willing()
    not_asked = PersonFactory(district=District.objects.get(number=3))
    elsewhere = PersonFactory(cover_calls=True, district=District.objects.get(number=9))
    busy = willing()
    signup_create(shift=add_shift(publish_call(), starts_in=datetime.timedelta(hours=20)), volunteer=busy)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        signup_cancel(signup=signup, even_late=True)

    told = {message.to[0]: message.body for message in mail.outbox}
    assert set(told) == {english.email, persian.email}
    assert call.title_en in told[english.email] and f"/en{call.url}" in told[english.email]
    assert call.title in told[persian.email]
    assert not {not_asked.email, elsewhere.email, busy.email, leaving.email} & set(told)
    # Someone else giving the place up again tells nobody twice.
    again = signup_create(shift=shift, volunteer=PersonFactory())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        signup_cancel(signup=again, even_late=True)
    assert not {english.email, persian.email} & {message.to[0] for message in mail.outbox}


def test_the_waiting_list_comes_first_and_early_cancellations_call_no_one(
    soon, django_capture_on_commit_callbacks
):
    _call, shift = soon
    first = signup_create(shift=shift, volunteer=PersonFactory())
    waiting = signup_create(shift=shift, volunteer=PersonFactory())
    willing()

    with django_capture_on_commit_callbacks(execute=True):
        signup_cancel(signup=first, even_late=True)

    waiting.refresh_from_db()
    assert waiting.status == SignUp.Status.CONFIRMED
    assert not CoverNotice.objects.exists()

    district = District.objects.get(number=3)
    later = add_shift(publish_call(district=district), starts_in=datetime.timedelta(days=5))
    early = signup_create(shift=later, volunteer=PersonFactory())
    signup_cancel(signup=early)
    assert not CoverNotice.objects.filter(shift=later).exists()


@override_settings(COVER_NOTICES_PER_PLACE=2)
def test_only_a_few_people_are_told_for_each_free_place(soon):
    _call, shift = soon
    signup = signup_create(shift=shift, volunteer=PersonFactory())
    for _ in range(5):
        willing()

    signup_cancel(signup=signup, even_late=True)

    assert CoverNotice.objects.filter(shift=shift).count() == 2
