"""One-time codes under parallel requests, on PostgreSQL: a code is used once, and parallel wrong guesses
never get more tries than a code allows."""

import threading

import pytest
from django.db import connection

from campaigns.tests.factories import PersonFactory
from tests.pytest_servers import postgres_missing_reason_key
from tests.servers import skip_or_fail
from volunteers import services
from volunteers.errors import CodeRefused
from volunteers.models import OneTimeCode
from volunteers.sms import OutboxSmsBackend

# Threads see only committed data, so the tests commit (transaction=True); serialized_rollback puts the
# catalogue back after the flush that ends each one.
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = "09351234567"


@pytest.fixture(autouse=True)
def on_postgresql(request):
    if connection.vendor != "postgresql":
        reason = (
            request.config.stash.get(postgres_missing_reason_key, None) or "DATABASE_URL is not PostgreSQL"
        )
        skip_or_fail(f"Parallel uses of a code need PostgreSQL. {reason}")


def run_in_parallel(target, argument_lists) -> None:
    barrier = threading.Barrier(len(argument_lists))

    def run(*args):
        try:
            barrier.wait()
            target(*args)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=args) for args in argument_lists]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_parallel_requests_with_the_right_code_use_it_once(sms_outbox):
    PersonFactory(phone=PHONE)
    services.one_time_code_send(phone=PHONE, purpose="login", client_ip="192.0.2.1")
    code = OutboxSmsBackend.last_code(PHONE)
    outcomes: list[str] = []

    def attempt(number):
        try:
            services.code_login(phone=PHONE, code=code, client_ip=f"192.0.2.{number}")
            outcomes.append("ok")
        except CodeRefused as refused:
            outcomes.append(refused.code)

    run_in_parallel(attempt, [(number,) for number in range(8)])

    # every try counts, the right one too: past five, the others are told the code is used up
    assert outcomes.count("ok") == 1 and len(outcomes) == 8
    assert set(outcomes) - {"ok"} <= {"code_invalid", "code_attempts_exhausted"}
    assert OneTimeCode.objects.get().used_at is not None


def test_parallel_wrong_guesses_never_exceed_the_limit(sms_outbox):
    services.one_time_code_send(phone=PHONE, purpose="signup", client_ip="192.0.2.1")
    right = int(OutboxSmsBackend.last_code(PHONE))
    refusals: list[str] = []

    def guess(offset):
        try:
            services.one_time_code_use(
                phone=PHONE,
                purpose="signup",
                code=f"{(right + offset) % 10**6:06d}",
                client_ip=f"10.0.0.{offset}",
            )
        except CodeRefused as refused:
            refusals.append(refused.code)

    run_in_parallel(guess, [(offset,) for offset in range(1, 13)])

    assert OneTimeCode.objects.get().attempts == services.CODE_MAX_ATTEMPTS
    assert sorted(refusals) == ["code_attempts_exhausted"] * 7 + ["code_invalid"] * 5
