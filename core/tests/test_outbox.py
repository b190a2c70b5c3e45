"""core.outbox: work that must follow a commit is written with it and delivered however the broker fares."""

import datetime
from unittest import mock

import pytest
from celery import shared_task
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerDown

from core import outbox
from core.models import OutboxMessage

pytestmark = pytest.mark.django_db

RUNS: list[int] = []


@shared_task(name="core.tests.record_run_task")
def record_run_task(value: int) -> int:
    RUNS.append(value)
    return value


@pytest.fixture(autouse=True)
def _no_runs_yet():
    RUNS.clear()


def _make_due(*messages: OutboxMessage) -> None:
    past = timezone.now() - datetime.timedelta(seconds=1)
    OutboxMessage.objects.filter(pk__in=[m.pk for m in messages]).update(next_attempt_at=past)


def _refusing_broker():
    return mock.patch.object(record_run_task, "apply_async", side_effect=BrokerDown("Connection refused"))


def test_the_intent_commits_with_the_change_and_its_task_runs_once_after_it(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            message = outbox.send_after_commit(record_run_task, 7)
            assert RUNS == []  # nothing runs before the commit

    message.refresh_from_db()
    assert RUNS == [7]
    assert message.done_at is not None
    # Done: the relay has nothing to hand over again.
    _make_due(message)
    assert outbox.relay_due() == 0
    assert RUNS == [7]


def test_a_rolled_back_change_leaves_no_intent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            outbox.send_after_commit(record_run_task, 7)
            raise RuntimeError("the change fails")

    assert not OutboxMessage.objects.exists()
    assert RUNS == []


def test_a_broker_down_at_commit_loses_nothing_and_the_relay_delivers_it_later(
    django_capture_on_commit_callbacks,
):
    with _refusing_broker(), django_capture_on_commit_callbacks(execute=True):
        message = outbox.send_after_commit(record_run_task, 3)  # the commit itself succeeds

    message.refresh_from_db()
    assert RUNS == [] and message.done_at is None and message.attempts == 0
    assert "Connection refused" in message.last_error
    # The relay waits a little before trying a broker that just refused.
    assert message.next_attempt_at > timezone.now()
    assert outbox.relay_due() == 0

    _make_due(message)
    assert outbox.relay_due() == 1

    message.refresh_from_db()
    assert RUNS == [3] and message.done_at is not None and message.last_error == ""


def test_a_message_handed_over_but_never_done_is_handed_over_again_later_and_later(
    django_capture_on_commit_callbacks,
):
    # The broker accepts the task and then loses it (Redis restarted empty, a worker killed for good).
    lost = mock.patch.object(record_run_task, "apply_async", return_value=None)
    with lost, django_capture_on_commit_callbacks(execute=True):
        message = outbox.send_after_commit(record_run_task, 5)
    message.refresh_from_db()
    # The hand-over at commit costs the request no statement: the message was written due in 120 s.
    assert (message.attempts, message.sent_at, message.done_at) == (0, None, None)
    assert message.next_attempt_at - message.created_at == datetime.timedelta(seconds=120)
    assert outbox.relay_due() == 0  # not before its time

    _make_due(message)
    with lost as apply_async:
        assert outbox.relay_due() == 1
    assert apply_async.call_args.kwargs["task_id"] == f"outbox:{message.pk}:1"
    message.refresh_from_db()
    first_wait = message.next_attempt_at - message.sent_at
    assert message.attempts == 1 and first_wait == datetime.timedelta(seconds=120)

    _make_due(message)
    with lost:
        assert outbox.relay_due() == 1
    message.refresh_from_db()
    assert message.attempts == 2
    assert message.next_attempt_at - message.sent_at == 2 * first_wait

    _make_due(message)
    assert outbox.relay_due() == 1  # the real broker this time: the task runs and reports success
    message.refresh_from_db()
    assert RUNS == [5] and message.done_at is not None


def test_the_relay_gives_up_after_the_most_hand_overs_and_says_so(
    settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_MAX_HAND_OVERS = 2
    with mock.patch.object(record_run_task, "apply_async", return_value=None) as apply_async:
        with django_capture_on_commit_callbacks(execute=True):
            message = outbox.send_after_commit(record_run_task, 1)
        _make_due(message)
        assert outbox.relay_due() == 1
        _make_due(message)
        assert outbox.relay_due() == 1
        _make_due(message)
        assert outbox.relay_due() == 0

    assert apply_async.call_count == 3  # at the commit, then twice by the relay
    assert list(outbox.undone_messages(given_up_only=True)) == [message]


def test_the_relay_stops_at_the_first_refusal_and_retries_the_rest_soon(django_capture_on_commit_callbacks):
    with _refusing_broker(), django_capture_on_commit_callbacks(execute=True):
        messages = [outbox.send_after_commit(record_run_task, n) for n in range(3)]
    _make_due(*messages)

    with _refusing_broker() as apply_async:
        assert outbox.relay_due() == 0
    assert apply_async.call_count == 1  # the broker is down: one refusal is enough to know
    soon = timezone.now() + datetime.timedelta(seconds=16)
    assert all(m.next_attempt_at < soon for m in OutboxMessage.objects.all())

    _make_due(*messages)
    assert outbox.relay_due() == 3
    assert sorted(RUNS) == [0, 1, 2]


def test_work_that_may_wait_is_left_to_the_relay(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = outbox.send_after_commit(record_run_task, 8, at_once=False)

    assert callbacks == [] and RUNS == []  # no broker round trip for the request
    assert outbox.relay_due() == 1
    message.refresh_from_db()
    assert RUNS == [8] and message.done_at is not None


def test_a_task_of_another_origin_does_not_mark_a_message_done(django_capture_on_commit_callbacks):
    with _refusing_broker(), django_capture_on_commit_callbacks(execute=True):
        message = outbox.send_after_commit(record_run_task, 9)

    record_run_task.apply(args=[9], task_id="some-other-id")

    message.refresh_from_db()
    assert message.done_at is None


def test_done_messages_are_pruned_after_a_while(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        old, recent = (
            outbox.send_after_commit(record_run_task, 1),
            outbox.send_after_commit(record_run_task, 2),
        )
    with _refusing_broker(), django_capture_on_commit_callbacks(execute=True):
        undone = outbox.send_after_commit(record_run_task, 3)
    OutboxMessage.objects.filter(pk__in=[old.pk, undone.pk]).update(
        done_at=timezone.now() - datetime.timedelta(days=8)
    )
    OutboxMessage.objects.filter(pk=undone.pk).update(done_at=None)

    assert outbox.done_messages_prune(older_than=datetime.timedelta(days=7)) == 1
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {recent.pk, undone.pk}


def test_check_outbox_lists_what_is_late_and_retries_it(capsys, django_capture_on_commit_callbacks):
    from django.core.management import CommandError, call_command

    with _refusing_broker(), django_capture_on_commit_callbacks(execute=True):
        late = outbox.send_after_commit(record_run_task, 4)
        outbox.send_after_commit(record_run_task, 5)  # young: it may still be on its way
    OutboxMessage.objects.filter(pk=late.pk).update(created_at=timezone.now() - datetime.timedelta(hours=1))

    with pytest.raises(CommandError, match="1 outbox message"):
        call_command("check_outbox")
    assert f"{late.pk} core.tests.record_run_task(4,)" in capsys.readouterr().out

    call_command("check_outbox", "--retry")
    assert RUNS == [4]
    call_command("check_outbox")


def test_the_embedded_periodic_runner_runs_each_periodic_task_once_and_relays_the_outbox(
    settings, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    settings.CELERY_BEAT_SCHEDULE = {
        "relay-outbox": {"task": "core.tasks.relay_outbox_task", "schedule": 15.0},
        "a task that fails": {"task": "core.tests.failing_task", "schedule": 60.0},
        "by the clock": {"task": "core.tests.record_run_task", "schedule": object()},  # a crontab
    }
    with _refusing_broker(), django_capture_on_commit_callbacks(execute=True):
        message = outbox.send_after_commit(record_run_task, 11)
    _make_due(message)

    call_command("run_periodic_tasks", "--once")

    assert RUNS == [11]  # relayed; the failing task did not stop it, the crontab entry was left to beat


@shared_task(name="core.tests.failing_task")
def failing_task() -> None:
    raise RuntimeError("this periodic task fails")
