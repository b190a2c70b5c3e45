"""A sign-up is confirmed to the person at once (not only by the reminders), in their language, once."""

import pytest
from django.utils import translation

from campaigns.notices import signup_notify_created
from campaigns.services import signup_cancel, signup_create
from campaigns.tests.factories import PersonFactory, add_shift, publish_call
from core.outbox import relay_due

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def worker_in_the_site_language():
    with translation.override("fa"):
        yield


def test_a_place_is_confirmed_with_a_calendar_link_and_a_way_to_cancel(
    django_capture_on_commit_callbacks, mailoutbox
):
    call = publish_call(title_en="Sweeping Chaharbagh")
    shift = add_shift(call)
    person = PersonFactory(preferred_language="en")

    with django_capture_on_commit_callbacks(execute=True):
        signup = signup_create(shift=shift, volunteer=person)
    assert mailoutbox == []  # sent by the outbox's relay (every few seconds), not by the request
    relay_due()

    (message,) = mailoutbox
    assert message.to == [person.email]
    assert message.subject == "You are signed up for “Sweeping Chaharbagh”"
    assert f"http://testserver/calendar/shifts/{shift.pk}.ics" in message.body
    assert "http://testserver/en/my/shifts/" in message.body  # in the reader's language
    # exactly once, however often the task runs
    assert signup_notify_created(signup_id=signup.pk) is False
    assert len(mailoutbox) == 1


def test_a_place_in_line_is_confirmed_with_its_number_in_persian(
    django_capture_on_commit_callbacks, mailoutbox
):
    shift = add_shift(publish_call(), capacity=1)
    signup_create(shift=shift, volunteer=PersonFactory())
    person = PersonFactory(preferred_language="fa")

    with django_capture_on_commit_callbacks(execute=True):
        signup_create(shift=shift, volunteer=person)
    relay_due()

    (message,) = [m for m in mailoutbox if m.to == [person.email]]
    assert "فهرست انتظار" in message.subject
    assert "شمارهٔ ۱" in message.body


def test_a_sign_up_cancelled_before_its_confirmation_went_out_is_not_confirmed(mailoutbox):
    signup = signup_create(shift=add_shift(publish_call()), volunteer=PersonFactory())
    signup_cancel(signup=signup)

    assert signup_notify_created(signup_id=signup.pk) is False
    assert mailoutbox == []
