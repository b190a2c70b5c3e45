"""Faults, on real servers: Redis stopped while people use the site, a worker killed with `kill -9`.

Each test runs its own redis-server (so it can stop it), a Celery worker and beat on it, and the session's
PostgreSQL. The outbox timings are shortened for the test (production: relay every 15 s, resend after
120 s; docs/production.md), so that what takes minutes in production takes seconds here.
"""

import datetime
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from celery.result import allow_join_result
from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.test import Client, override_settings

from campaigns import signup_line
from campaigns.models import SignUp, SignUpRequest
from campaigns.tasks import process_signup_line_task
from campaigns.tests.factories import PersonFactory, add_shift, publish_call
from config.celery import app as celery_app
from core.models import OutboxMessage
from rewards.models import LedgerEntry
from rewards.services import ledger_verify
from tests.integration.redis_celery import celery_app_on_redis
from tests.servers import CeleryBeat, CeleryWorker, RedisServer
from verification.models import Verification
from verification.services import completion_approve
from verification.tests.factories import ended_signup, reported, staff_of
from volunteers.services import api_token_create

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FAST_OUTBOX = {
    "OUTBOX_RELAY_SECONDS": "1",
    "OUTBOX_BROKER_RETRY_SECONDS": "2",
    "OUTBOX_RESEND_AFTER_SECONDS": "10",
}
PASSWORD = "a long enough password 7"


def _settings_on(redis: RedisServer) -> dict:
    """This process as production runs it on that Redis: its cache, its limits, its broker."""
    options = {"SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.5}
    return {
        "REDIS_URL": redis.url,
        "CELERY_TASK_ALWAYS_EAGER": False,
        "CACHES": {
            "default": {
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": redis.url,
                "OPTIONS": {**options, "IGNORE_EXCEPTIONS": True},
            },
            "limits": {
                "BACKEND": "core.cache.FailoverCache",
                "LOCATION": redis.url,
                "KEY_PREFIX": "limits",
                "OPTIONS": {"PRIMARY_OPTIONS": options, "FALLBACK_TABLE": "core_cache_fallback"},
            },
            "kept_in_process": settings.KEPT_IN_PROCESS_CACHE,
        },
        **{name: int(value) for name, value in FAST_OUTBOX.items()},
    }


@contextmanager
def servers(tmp_path, database_url: str) -> Iterator[tuple[RedisServer, CeleryWorker]]:
    """A Redis of the test's own, with a worker and beat on it, this process pointed at it too."""
    redis = RedisServer(directory=tmp_path)
    redis.start()
    worker = CeleryWorker(
        redis_url=redis.url,
        database_url=database_url,
        log_file=tmp_path / "worker.log",
        extra_environment=FAST_OUTBOX,
    )
    beat = CeleryBeat(worker=worker, schedule_file=tmp_path / "beat-schedule", log_file=tmp_path / "beat.log")
    try:
        with celery_app_on_redis(redis.url), allow_join_result(), override_settings(**_settings_on(redis)):
            worker.start(celery_app)
            beat.start()
            yield redis, worker
    finally:
        beat.stop()
        worker.stop()
        redis.stop()


def _wait_for(condition: Callable[[], bool], *, seconds: float, what: str, logs: Callable[[], str]) -> float:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if condition():
            return time.monotonic() - started
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {seconds} s\n{logs()[-4000:]}")


def _credits_per_approval(approvals: list[Verification]) -> dict[int, int]:
    counts = dict(
        LedgerEntry.objects.filter(kind="earn", verification__in=approvals)
        .values_list("verification_id")
        .annotate(n=Count("pk"))
    )
    return {approval.pk: counts.get(approval.pk, 0) for approval in approvals}


def _database_url() -> str:
    database = connection.settings_dict
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    return f"postgres://{database['USER']}{password}@{database['HOST']}:{database['PORT']}/{database['NAME']}"


def test_with_redis_stopped_the_site_answers_and_its_approvals_are_credited_once_when_it_returns(
    on_postgresql, tmp_path
):
    # given a published call with a shift ahead, a volunteer with a password and a token, and an approver
    # with four reports to decide
    call = publish_call(points_per_hour=10)
    shift = add_shift(call, starts_in=datetime.timedelta(days=3))
    volunteer = PersonFactory()
    volunteer.set_password(PASSWORD)
    volunteer.save()
    _, secret = api_token_create(user=volunteer, name="app")
    approver = staff_of(approver=True)
    reports = [reported(ended_signup(volunteer=PersonFactory()), hours="2") for _ in range(4)]
    _, staff_secret = api_token_create(user=approver, name="desk")
    as_volunteer = Client(headers={"authorization": f"Bearer {secret}", "accept-language": "en"})
    as_staff = Client(headers={"authorization": f"Bearer {staff_secret}", "accept-language": "en"})
    anonymous = Client(headers={"accept-language": "en"})

    with servers(tmp_path, _database_url()) as (redis, worker):
        # when Redis stops
        redis.stop()

        # then the public pages and the listing answer from PostgreSQL
        answers = {
            "home": anonymous.get("/"),
            "home (en)": anonymous.get("/en/"),
            "call page": anonymous.get(call.url),
            "calls API": anonymous.get("/api/v1/calls"),
            "services API": anonymous.get("/api/v1/services"),
            "leaderboard API": anonymous.get("/api/v1/leaderboards/individuals"),
        }
        # log-in works, and a wrong password is still counted (in the database) and refused
        answers["log-in"] = anonymous.post(
            "/api/v1/auth/token",
            {"username": volunteer.username, "password": PASSWORD},
            content_type="application/json",
        )
        answers["wrong password"] = anonymous.post(
            "/api/v1/auth/token",
            {"username": volunteer.username, "password": "wrong"},
            content_type="application/json",
        )
        # sign-up and cancel answer, and what they did is there
        answers["sign-up"] = as_volunteer.post(f"/api/v1/shifts/{shift.pk}/signups")
        signup_id = answers["sign-up"].json().get("id")
        answers["cancel"] = as_volunteer.delete(f"/api/v1/signups/{signup_id}")
        # and the approver decides all four
        for number, completion in enumerate(reports):
            answers[f"approval {number}"] = as_staff.post(
                f"/api/v1/completions/{completion.pk}/verify",
                {"decision": "approve"},
                content_type="application/json",
            )

        statuses = {name: response.status_code for name, response in answers.items()}
        assert all(status < 500 for status in statuses.values()), statuses
        assert statuses["wrong password"] == 401 and statuses["log-in"] == 201, statuses
        assert statuses["sign-up"] in (200, 201) and statuses["cancel"] == 200, statuses
        assert SignUp.objects.get(pk=signup_id).status == SignUp.Status.CANCELLED
        approvals = list(Verification.objects.filter(is_final_approval=True, completion__in=reports))
        assert len(approvals) == 4
        assert _credits_per_approval(approvals) == {approval.pk: 0 for approval in approvals}
        assert OutboxMessage.objects.filter(done_at__isnull=True).count() >= 4
        with connection.cursor() as cursor:  # the failed log-in was counted where every process sees it
            cursor.execute("SELECT count(*) FROM core_cache_fallback")
            assert cursor.fetchone()[0] > 0

        # when Redis comes back (empty: it lost whatever it held)
        redis.start()

        # then every approval is credited within a minute
        took = _wait_for(
            lambda: all(n == 1 for n in _credits_per_approval(approvals).values()),
            seconds=60,
            what="crediting the four approvals",
            logs=worker.log,
        )
        # and exactly once, however often the relay runs meanwhile; every message is done
        _wait_for(
            lambda: not OutboxMessage.objects.filter(done_at__isnull=True).exists(),
            seconds=30,
            what="the outbox emptying",
            logs=worker.log,
        )
        time.sleep(3)
        assert _credits_per_approval(approvals) == {approval.pk: 1 for approval in approvals}
        assert all(entry.amount == 20 for entry in LedgerEntry.objects.filter(kind="earn"))
        assert ledger_verify() == []
        print(f"credited {took:.1f} s after Redis returned")


def test_a_worker_killed_mid_batch_loses_no_credit_and_doubles_none(on_postgresql, tmp_path):
    # given forty reports ready for approval
    approver = staff_of(approver=True)
    reports = [reported(ended_signup(volunteer=PersonFactory()), hours="1.5") for _ in range(40)]

    with servers(tmp_path, _database_url()) as (redis, worker):
        # when an approver approves them all and the worker is killed with kill -9 mid-batch
        for completion in reports:
            completion_approve(completion=completion, actor=approver)
        approvals = list(Verification.objects.filter(is_final_approval=True, completion__in=reports))
        _wait_for(
            lambda: LedgerEntry.objects.filter(kind="earn").exists(),
            seconds=30,
            what="the first credit",
            logs=worker.log,
        )
        worker.kill()
        credited_at_kill = sum(_credits_per_approval(approvals).values())
        assert 0 < credited_at_kill < len(approvals), "the kill did not land mid-batch"

        # and a new worker starts (as compose's restart policy would)
        worker.start(celery_app)

        # then every approval is credited, exactly once, within minutes
        _wait_for(
            lambda: all(n >= 1 for n in _credits_per_approval(approvals).values()),
            seconds=120,
            what="crediting all forty approvals",
            logs=worker.log,
        )
        time.sleep(3)
        assert _credits_per_approval(approvals) == {approval.pk: 1 for approval in approvals}
        assert set(LedgerEntry.objects.filter(kind="earn").values_list("amount", flat=True)) == {15}
        assert ledger_verify() == []


def test_a_worker_killed_while_deciding_a_sign_up_queue_decides_everyone_once(
    on_postgresql, tmp_path, monkeypatch
):
    # given a shift with 20 places and 600 people waiting in its sign-up queue, in the order they came
    shift = add_shift(publish_call(), starts_in=datetime.timedelta(days=3), capacity=20)
    people = PersonFactory.create_batch(600)
    with monkeypatch.context() as patched:
        patched.setattr(signup_line, "_line_worker_send", lambda shift_id: None)
        entries = [
            signup_line.signup_request_create(
                shift_id=shift.pk, person=person, accept_waiver_version=None, channel="api"
            ).pk
            for person in people
        ]
    decided = SignUpRequest.objects.filter(shift=shift).exclude(state=SignUpRequest.State.WAITING)

    with servers(tmp_path, _database_url()) as (redis, worker):
        # when a worker takes the queue up and is killed with kill -9 halfway
        process_signup_line_task.delay(shift.pk)
        _wait_for(lambda: decided.exists(), seconds=30, what="the first decision", logs=worker.log)
        worker.kill()
        decided_at_kill = decided.count()
        assert 0 < decided_at_kill < len(entries), "the kill did not land mid-queue"

        # and a new worker starts; beat's sweep takes up what waits (entries older than 20 s)
        worker.start(celery_app)
        _wait_for(
            lambda: decided.count() == len(entries), seconds=150, what="deciding all 600", logs=worker.log
        )

    # then everyone is decided once, in the order they came: 20 places, then the waiting list 1..580
    in_order = list(SignUpRequest.objects.filter(pk__in=entries).select_related("signup").order_by("pk"))
    assert {entry.state for entry in in_order} == {"signed_up"}
    assert [entry.signup.volunteer_id for entry in in_order] == [person.pk for person in people]
    assert [(entry.signup.status, entry.signup.waitlist_position) for entry in in_order] == [
        ("confirmed", None)
    ] * 20 + [("waitlisted", position) for position in range(1, 581)]
    assert SignUp.objects.filter(shift=shift).count() == 600
