"""Points and vouchers under concurrency on PostgreSQL: threads with their own database connections,
released together by a barrier (see campaigns/tests/test_signup_concurrency.py for the pattern).

Credits, reversals, redemptions and counter scans that race each other move every point once, never take
a balance below zero, never overspend a budget and accept a voucher once.
"""

import pytest
from django.db import connection
from django.test import Client

from campaigns.tests.factories import PersonFactory, publish_call
from campaigns.tests.test_signup_concurrency import run_together
from core.errors import DomainError
from rewards import services, tasks
from rewards.models import LedgerEntry, PointsAccount, Voucher
from rewards.tests.factories import (
    approval_create,
    counter_staff,
    revocation_create,
    reward_create,
)
from tests.pytest_servers import postgres_missing_reason_key
from tests.servers import skip_or_fail
from volunteers.services import api_token_create

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def on_postgresql(request):
    if connection.vendor != "postgresql":
        reason = (
            request.config.stash.get(postgres_missing_reason_key, None) or "DATABASE_URL is not PostgreSQL"
        )
        skip_or_fail(f"Parallel points and vouchers need PostgreSQL's row locks. {reason}")


def outcome(work):
    """The result of `work`, or the code of the domain error it raised: what the tests compare."""
    try:
        return work()
    except DomainError as error:
        return error.code


def points_for(person, points: int) -> None:
    """Gives the person exactly `points` points through a real approval (10 points an hour)."""
    approval = approval_create(volunteer=person, call=publish_call(points_per_hour=10), hours=points / 10)
    services.verification_points_credit(verification_id=approval.pk)


def test_one_approval_credited_by_many_task_runs_at_once_is_paid_once():
    # given one final approval (verification's own constraint allows one per completion, so two staff
    # approving at the same moment make one; their commits may each enqueue the credit)
    person = PersonFactory()
    approval = approval_create(volunteer=person, hours=4)

    # when the credit task runs ten times at once (`.result`, not `.get()`: Celery forbids waiting for a
    # result, process-wide, while any thread runs an eager task, and the credit hands its notices on)
    credited = run_together(
        lambda _: tasks.verification_points_credit_task.apply(args=[approval.pk]).result, range(10)
    )

    # then the work was paid once
    assert sorted(credited) == [0] * 9 + [40]
    account = PointsAccount.objects.get(user=person)
    assert (account.balance, account.lifetime) == (40, 40)
    assert LedgerEntry.objects.filter(kind="earn").count() == 1
    assert services.ledger_verify() == []


def test_a_revocation_reversed_by_many_task_runs_at_once_is_reversed_once():
    person = PersonFactory()
    approval = approval_create(volunteer=person, hours=4)
    services.verification_points_credit(verification_id=approval.pk)
    revocation = revocation_create(approval=approval)

    reversed_points = run_together(
        lambda _: tasks.verification_points_reverse_task.apply(args=[revocation.pk]).result, range(8)
    )

    assert sorted(reversed_points) == [0] * 7 + [40]
    assert PointsAccount.objects.get(user=person).balance == 0
    assert services.ledger_verify() == []


def test_twenty_parallel_redemptions_with_points_for_five_issue_exactly_five_vouchers():
    # given 500 points and a reward of 100
    person = PersonFactory()
    points_for(person, 500)
    reward = reward_create(points_price=100)

    # when twenty redemptions race
    results = run_together(
        lambda _: outcome(lambda: services.reward_redeem(reward_id=reward.pk, user=person).code), range(20)
    )

    # then five vouchers, fifteen refusals, and the balance at zero
    assert sorted(result for result in results if result == "not_enough_points") == ["not_enough_points"] * 15
    assert Voucher.objects.filter(reward=reward).count() == 5
    assert {result for result in results if result != "not_enough_points"} == set(
        Voucher.objects.values_list("code", flat=True)
    )
    assert PointsAccount.objects.get(user=person).balance == 0
    assert services.ledger_verify() == []


def test_twenty_people_racing_for_a_budget_of_five_vouchers_never_overspend_it():
    people = PersonFactory.create_batch(20)
    for person in people:
        points_for(person, 100)
    reward = reward_create(points_price=100, monthly_budget=5)

    results = run_together(
        lambda person: outcome(lambda: services.reward_redeem(reward_id=reward.pk, user=person).pk), people
    )

    assert [r for r in results if isinstance(r, str)] == ["budget_exhausted"] * 15
    assert Voucher.objects.filter(reward=reward).count() == 5
    assert sum(PointsAccount.objects.values_list("balance", flat=True)) == 15 * 100
    assert services.ledger_verify() == []


def test_the_same_voucher_scanned_at_two_counters_at_once_is_accepted_once():
    # given a voucher and two members of the issuing department's staff, each at their own counter
    person = PersonFactory()
    points_for(person, 100)
    voucher = services.reward_redeem(reward_id=reward_create(points_price=100).pk, user=person)
    counters = [counter_staff(department_slug="cultural") for _ in range(2)]

    # when both scan it at the same moment, five times each
    results = run_together(
        lambda staff: outcome(
            lambda: services.voucher_redeem_at_counter(code=voucher.code, actor=staff).status
        ),
        counters * 5,
    )

    # then one acceptance; every other scan is told it was already used
    assert sorted(results) == ["redeemed"] + ["voucher_already_redeemed"] * 9
    voucher.refresh_from_db()
    assert voucher.status == "redeemed" and voucher.redeemed_by in counters


def test_the_same_voucher_through_the_api_at_two_counters_succeeds_once_then_409():
    person = PersonFactory()
    points_for(person, 100)
    voucher = services.reward_redeem(reward_id=reward_create(points_price=100).pk, user=person)
    secrets = [api_token_create(user=counter_staff(department_slug="cultural"))[1] for _ in range(2)]

    def scan(secret: str) -> int:
        client = Client(headers={"authorization": f"Bearer {secret}"})
        return client.post(
            "/api/v1/vouchers/redeem", {"code": voucher.code}, content_type="application/json"
        ).status_code

    assert sorted(run_together(scan, secrets * 3)) == [200] + [409] * 5


def test_expiry_and_cancellation_racing_refund_a_voucher_once():
    import datetime

    from django.utils import timezone

    person = PersonFactory()
    points_for(person, 100)
    voucher = services.reward_redeem(reward_id=reward_create(points_price=100).pk, user=person)
    staff = counter_staff(department_slug="cultural")
    later = timezone.now() + datetime.timedelta(days=40)

    def work(job):
        if job == "cancel":
            return outcome(lambda: services.voucher_cancel(voucher=voucher, actor=staff).status)
        return services.vouchers_expire(now=later)

    run_together(work, ["cancel", "expire"] * 4)

    assert LedgerEntry.objects.filter(kind="refund", voucher=voucher).count() == 1
    assert PointsAccount.objects.get(user=person).balance == 100
    assert services.ledger_verify() == []
