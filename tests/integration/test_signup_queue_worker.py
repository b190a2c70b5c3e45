"""Queued sign-ups travel to a real Celery worker through their own queue (`signup-queue`, which every
worker consumes by the settings alone) and are decided there in the order they came, in the shared
PostgreSQL database."""

import time

import pytest
from django.core.cache import cache

from campaigns import signup_line
from campaigns.models import SignUpRequest
from campaigns.tests.factories import PersonFactory, add_shift, publish_call

pytestmark = pytest.mark.integration

DECIDED_WITHIN_SECONDS = 20


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_decides_a_queue_in_the_order_it_came(on_postgresql, celery_app_on_worker):
    # given a shift with two places, and five people queued for it (each commit sends for the worker)
    cache.clear()
    shift = add_shift(publish_call(), capacity=2)
    people = PersonFactory.create_batch(5)
    for person in people:
        signup_line.signup_request_create(
            shift_id=shift.pk, person=person, accept_waiver_version=None, channel="api"
        )

    # when the worker has taken the queue up
    waiting = SignUpRequest.objects.filter(shift=shift, state=SignUpRequest.State.WAITING)
    deadline = time.monotonic() + DECIDED_WITHIN_SECONDS
    while waiting.exists() and time.monotonic() < deadline:
        time.sleep(0.1)

    # then every one is decided, the first two with the places and the rest in line 1..3, in queue order
    entries = list(SignUpRequest.objects.filter(shift=shift).select_related("signup").order_by("pk"))
    assert [entry.state for entry in entries] == ["signed_up"] * 5, celery_app_on_worker.log()[-3000:]
    assert [entry.person_id for entry in entries] == [person.pk for person in people]
    assert [(entry.signup.status, entry.signup.waitlist_position) for entry in entries] == [
        ("confirmed", None),
        ("confirmed", None),
        ("waitlisted", 1),
        ("waitlisted", 2),
        ("waitlisted", 3),
    ]
    cache.clear()
