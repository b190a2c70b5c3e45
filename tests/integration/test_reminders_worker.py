"""The shift reminder task travels through Redis to a real Celery worker, which claims and sends the
reminder in the shared PostgreSQL database."""

import datetime

import pytest
from django.utils import timezone

from campaigns.models import Shift, ShiftReminder
from campaigns.services import signup_create
from campaigns.tasks import send_shift_reminders_task
from campaigns.tests.factories import PersonFactory, add_shift, publish_call

pytestmark = pytest.mark.integration

RESULT_TIMEOUT_SECONDS = 20


# serialized_rollback puts the catalogue and the page tree back after the flush that ends the test.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_sends_a_due_reminder_once(on_postgresql, celery_app_on_worker):
    # given a confirmed sign-up for a shift an hour away, committed where the worker can see it
    shift = add_shift(publish_call(), starts_in=datetime.timedelta(days=3))
    person = PersonFactory()
    signup = signup_create(shift=shift, volunteer=person)
    starts_at = timezone.now() + datetime.timedelta(hours=1)
    Shift.objects.filter(pk=shift.pk).update(
        starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=3)
    )

    # when beat's task runs on the worker, twice
    first = send_shift_reminders_task.delay().get(timeout=RESULT_TIMEOUT_SECONDS)
    second = send_shift_reminders_task.delay().get(timeout=RESULT_TIMEOUT_SECONDS)

    # then the worker claimed and sent the "2h" reminder once (its console SMS backend logs it)
    assert (first, second) == (1, 0)
    assert list(ShiftReminder.objects.filter(signup=signup).values_list("kind", flat=True)) == ["2h"]
    reminder_lines = [
        line
        for line in celery_app_on_worker.log().splitlines()
        if f"[SMS to {person.phone}]" in line and "به‌زودی، در" in line  # the "2h" reminder
    ]
    assert len(reminder_lines) == 1
