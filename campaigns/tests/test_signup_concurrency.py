"""Sign-ups racing for the last places on PostgreSQL: threads with their own database connections, released
together, never put more people on a shift than it has places, and line the rest up in the order they came.

SQLite takes one writer at a time, so it cannot show a race; these tests need PostgreSQL's row locks. They
skip without PostgreSQL, and fail on CI (CI=true), where PostgreSQL must be there.
"""

import threading
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection, connections
from django.test import Client

from campaigns.models import Shift, SignUp, SignUpRequest
from campaigns.services import signup_cancel, signup_create
from campaigns.tests.factories import PersonFactory, add_shift, publish_call
from tests.pytest_servers import postgres_missing_reason_key
from tests.servers import skip_or_fail
from volunteers.services import api_token_create

# Threads see only committed data, so the tests commit (transaction=True); serialized_rollback puts the
# catalogue and the page tree back after the flush that ends each one.
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PEOPLE = 50
PLACES = 10


@pytest.fixture(autouse=True)
def on_postgresql(request):
    if connection.vendor != "postgresql":
        reason = (
            request.config.stash.get(postgres_missing_reason_key, None) or "DATABASE_URL is not PostgreSQL"
        )
        skip_or_fail(f"Parallel sign-ups need PostgreSQL's row locks. {reason}")


def connections_free() -> int:
    """Connections the server would still accept, once this thread's own is closed."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('max_connections')::int - count(*) FROM pg_stat_activity "
            "WHERE backend_type = 'client backend'"
        )
        (free,) = cursor.fetchone()
    return free + 1


def run_together(work: Callable[[Any], Any], arguments: Sequence[Any]) -> list:
    """Runs `work` on each argument in its own thread, with its own database connection, all released at
    once by a barrier; returns the results in the arguments' order and re-raises the first error."""
    needed = len(arguments)
    if (free := connections_free()) < needed:
        pytest.fail(
            f"This test opens {needed} database connections at once and PostgreSQL accepts {free} more; "
            "raise max_connections of the test cluster (tests/servers.py)."
        )
    connection.close()  # the test's own connection is not needed while the threads run
    barrier = threading.Barrier(needed)
    results: list = [None] * needed
    errors: list[BaseException] = []

    def run(index: int, argument) -> None:
        try:
            # Connect first, so that the barrier releases threads that only have to race for the lock.
            connection.ensure_connection()
            barrier.wait(timeout=60)
            results[index] = work(argument)
        except BaseException as error:  # handed to the test's thread below
            errors.append(error)
            barrier.abort()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, argument)) for i, argument in enumerate(arguments)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread is still running after two minutes"
    if errors:
        # The first real error, not the BrokenBarrierError it caused in the other threads.
        raise next((e for e in errors if not isinstance(e, threading.BrokenBarrierError)), errors[0])
    return results


def assert_places_then_line_in_arrival_order(shift: Shift, *, people: int, places: int) -> list[SignUp]:
    """Exactly `places` confirmed, everyone else in line at 1, 2, 3… in the order their sign-ups were
    taken (the order of their ids and times, both set under the shift's lock)."""
    signups = list(SignUp.objects.filter(shift=shift).order_by("pk"))
    assert len(signups) == people
    assert len({signup.volunteer_id for signup in signups}) == people
    assert [signup.status for signup in signups] == ["confirmed"] * places + ["waitlisted"] * (
        people - places
    )
    assert [signup.waitlist_position for signup in signups[places:]] == list(range(1, people - places + 1))
    assert [signup.created_at for signup in signups] == sorted(signup.created_at for signup in signups)
    shift.refresh_from_db()
    assert shift.confirmed_count == places
    return signups


@pytest.fixture(params=["one statement", "step by step"])
def placing(request, monkeypatch) -> list[str]:
    """Which way signup_create gives places: PostgreSQL's single statement, or the step-by-step way that
    SQLite uses (and that PostgreSQL falls back to when the statement refuses), forced here so that both
    are proven under concurrency. Yields the ways each sign-up actually took."""
    from campaigns import services

    taken: list[str] = []
    in_one_statement = services._signup_place_in_one_statement

    def one_statement(**kwargs):
        taken.append("one statement")
        return in_one_statement(**kwargs)

    def refused(**kwargs):
        taken.append("step by step")
        return None

    monkeypatch.setattr(
        services,
        "_signup_place_in_one_statement",
        one_statement if request.param == "one statement" else refused,
    )
    return taken


def test_fifty_parallel_sign_ups_fill_ten_places_and_line_up_the_rest_in_arrival_order(placing, request):
    # given
    shift = add_shift(publish_call(), capacity=PLACES)
    people = PersonFactory.create_batch(PEOPLE)

    # when
    made = run_together(lambda person: signup_create(shift=shift, volunteer=person), people)

    # then
    signups = assert_places_then_line_in_arrival_order(shift, people=PEOPLE, places=PLACES)
    assert {signup.pk for signup in made} == {signup.pk for signup in signups}
    assert {(signup.pk, signup.status, signup.waitlist_position) for signup in made} == {
        (signup.pk, signup.status, signup.waitlist_position) for signup in signups
    }

    assert placing == [request.node.callspec.params["placing"]] * PEOPLE

    # and when one confirmed person cancels, the first in line, and only they, get the place
    first_in_line = signups[PLACES]
    signup_cancel(signup=signups[3])

    statuses = dict(SignUp.objects.filter(shift=shift).values_list("pk", "status"))
    assert statuses[signups[3].pk] == "cancelled"
    assert statuses[first_in_line.pk] == "confirmed"
    assert list(statuses.values()).count("confirmed") == PLACES
    still_waiting = SignUp.objects.filter(shift=shift, status="waitlisted").order_by("pk")
    assert [signup.waitlist_position for signup in still_waiting] == list(range(2, PEOPLE - PLACES + 1))
    shift.refresh_from_db()
    assert shift.confirmed_count == PLACES


def test_parallel_cancellations_and_sign_ups_keep_the_places_full_and_the_line_in_order():
    # given a full shift with a line
    shift = add_shift(publish_call(), capacity=PLACES)
    for person in PersonFactory.create_batch(30):
        signup_create(shift=shift, volunteer=person)
    leaving = list(SignUp.objects.filter(shift=shift, status="confirmed").order_by("pk")[:5])
    newcomers = PersonFactory.create_batch(5)

    # when five confirmed people cancel while five more sign up, all at once
    work = [("cancel", signup) for signup in leaving] + [("sign up", person) for person in newcomers]
    run_together(
        lambda job: (
            signup_cancel(signup=job[1])
            if job[0] == "cancel"
            else signup_create(shift=shift, volunteer=job[1])
        ),
        work,
    )

    # then the first five in line took the freed places, and the newcomers joined the end of the line
    shift.refresh_from_db()
    assert shift.confirmed_count == PLACES
    assert SignUp.objects.filter(shift=shift, status="confirmed").count() == PLACES
    line = SignUp.objects.filter(shift=shift, status="waitlisted").order_by("waitlist_position")
    assert [signup.waitlist_position for signup in line] == list(range(6, 26))
    assert {signup.volunteer for signup in line.filter(waitlist_position__gt=20)} == set(newcomers)


def test_one_person_signing_up_ten_times_at_once_gets_one_place():
    shift = add_shift(publish_call(), capacity=PLACES)
    person = PersonFactory()

    def sign_up(_):
        try:
            return signup_create(shift=shift, volunteer=person).status
        except Exception as error:  # the code is what the test compares
            return getattr(error, "code", repr(error))

    outcomes = run_together(sign_up, range(10))

    assert sorted(outcomes) == ["already_signed_up"] * 9 + ["confirmed"]
    assert SignUp.objects.filter(shift=shift).count() == 1


def api_sign_ups_together(shift: Shift, *, people: int) -> list[tuple[int, dict]]:
    """`people` new people, each with a token, post a sign-up for the shift at once, each from their own
    client; their answers' statuses and bodies."""
    secrets = [api_token_create(user=person)[1] for person in PersonFactory.create_batch(people)]

    def sign_up(secret: str) -> tuple[int, dict]:
        response = Client(headers={"authorization": f"Bearer {secret}"}).post(
            f"/api/v1/shifts/{shift.pk}/signups"
        )
        return response.status_code, response.json()

    return run_together(sign_up, secrets)


def test_fifty_parallel_sign_ups_through_the_api_with_tokens(settings):
    # given fifty people, each with a personal token, and sign-ups all decided at once (no line)
    settings.SIGNUP_LINE_AFTER_IN_FLIGHT = 0
    shift = add_shift(publish_call(), capacity=PLACES)

    # when they all post at once, each from their own client
    responses = api_sign_ups_together(shift, people=PEOPLE)

    # then
    assert [status for status, _ in responses] == [201] * PEOPLE
    signups = assert_places_then_line_in_arrival_order(shift, people=PEOPLE, places=PLACES)
    answered = {(body["id"], body["status"], body["waitlist_position"]) for _, body in responses}
    assert answered == {(signup.pk, signup.status, signup.waitlist_position) for signup in signups}


def test_fifty_parallel_sign_ups_through_the_line_keep_every_place_and_their_order():
    # given fifty people with tokens and the line on (more than two being decided at once open it)
    cache.clear()
    shift = add_shift(publish_call(), capacity=PLACES)

    # when they all post at once; Celery runs eagerly, so the worker sent after a commit runs in that thread
    responses = api_sign_ups_together(shift, people=PEOPLE)

    # then some were decided at once and the rest joined the line, which is all decided now
    statuses = [status for status, _ in responses]
    assert set(statuses) == {201, 202}, statuses
    entries = list(SignUpRequest.objects.filter(shift=shift).order_by("pk"))
    assert len(entries) == statuses.count(202)
    assert [entry.state for entry in entries] == ["signed_up"] * len(entries)
    # no place oversold, the waiting list numbered 1..n in the order places were given
    signups = assert_places_then_line_in_arrival_order(shift, people=PEOPLE, places=PLACES)
    # and the line decided in the order it came: its entries' sign-ups follow the entries' order
    assert [entry.signup_id for entry in entries] == sorted(entry.signup_id for entry in entries)
    assert {signup.pk for signup in signups} >= {entry.signup_id for entry in entries}
    cache.clear()
