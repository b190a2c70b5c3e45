"""Two members of staff deciding on the same report at once, on PostgreSQL: the completion's row lock lets
exactly one approval through; the other is told it was already decided (409), and rewards credits the
points once.

Threads with their own database connections, released together by a barrier (the pattern of
campaigns/tests/test_signup_concurrency.py). They skip without PostgreSQL and fail on CI.
"""

import pytest
from django.db import connection
from django.test import Client

from campaigns.tests.test_signup_concurrency import run_together
from rewards.models import LedgerEntry
from tests.pytest_servers import postgres_missing_reason_key
from tests.servers import skip_or_fail
from verification.models import Completion, Verification
from verification.services import completion_approve
from verification.tests.factories import confirmed_signup, ended_shift, reported, staff_of
from volunteers.services import api_token_create

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def on_postgresql(request):
    if connection.vendor != "postgresql":
        reason = (
            request.config.stash.get(postgres_missing_reason_key, None) or "DATABASE_URL is not PostgreSQL"
        )
        skip_or_fail(f"Parallel decisions need PostgreSQL's row locks. {reason}")


def outcome(call) -> str:
    try:
        verification = call()
    except Exception as error:  # the code is what the test compares
        return getattr(error, "code", repr(error))
    return "final" if verification.is_final_approval else "first"


def test_two_staff_approving_at_once_make_one_approval_and_one_credit():
    # given a report and two members of its department's staff
    completion = reported(confirmed_signup(ended_shift(hours=3)), hours="2")  # 2 h × 10 points
    staff = [staff_of(), staff_of()]

    # when both approve at the same moment
    outcomes = run_together(
        lambda person: outcome(lambda: completion_approve(completion=completion, actor=person)), staff
    )

    # then one approval went through and the other was told it came too late
    assert sorted(outcomes) == ["already_decided", "final"]
    completion.refresh_from_db()
    assert completion.status == Completion.Status.APPROVED
    assert Verification.objects.filter(completion=completion).count() == 1
    # and rewards, run after the commit, credited once
    earned = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.EARN)
    assert [(entry.verification_id, entry.amount) for entry in earned] == [
        (Verification.objects.get(completion=completion).pk, 20)
    ]


def test_many_staff_through_the_api_at_once_credit_once():
    completion = reported(confirmed_signup(ended_shift(hours=3)), hours="3")
    secrets = [api_token_create(user=staff_of())[1] for _ in range(8)]

    def approve(secret: str) -> int:
        return (
            Client(headers={"authorization": f"Bearer {secret}"})
            .post(
                f"/api/v1/completions/{completion.pk}/verify",
                {"decision": "approve"},
                content_type="application/json",
            )
            .status_code
        )

    statuses = run_together(approve, secrets)

    assert sorted(statuses) == [200] + [409] * 7
    assert Verification.objects.filter(completion=completion, is_final_approval=True).count() == 1
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.EARN).count() == 1


def test_two_second_approvers_at_once_make_one_final_approval(settings):
    settings.VERIFICATION_SECOND_APPROVER_ABOVE_POINTS = 10
    completion = reported(confirmed_signup(ended_shift(hours=3)), hours="3")  # 30 points
    first = staff_of()
    completion_approve(completion=completion, actor=first)
    seconds = [staff_of(), staff_of(), staff_of()]

    outcomes = run_together(
        lambda person: outcome(lambda: completion_approve(completion=completion, actor=person)), seconds
    )

    assert sorted(outcomes) == ["already_decided", "already_decided", "final"]
    assert Verification.objects.filter(completion=completion, is_final_approval=True).count() == 1
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.EARN).count() == 1
