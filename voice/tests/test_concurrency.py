"""Staff acting on the same item at once, on PostgreSQL: of several answers exactly one is recorded and
sent; a transfer racing an answer leaves the item in exactly one inbox with a consistent timeline; two
supporters' "me too" at once both count.

Threads with their own database connections, released together by a barrier (the pattern of
campaigns/tests/test_signup_concurrency.py). They skip without PostgreSQL and fail on CI.
"""

import pytest

from campaigns.tests.factories import PersonFactory
from campaigns.tests.test_signup_concurrency import run_together
from city.models import Department
from tests.pytest_servers import require_postgresql
from verification.tests.factories import staff_of
from voice import services
from voice.models import Item, Step

from .factories import limits_cleared, received

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def on_postgresql(request):
    require_postgresql(request, "Parallel steps need PostgreSQL's row locks.")
    limits_cleared()


def outcome(call) -> str:
    try:
        call()
    except Exception as error:  # the code is what the test compares
        return getattr(error, "code", repr(error))
    return "done"


def test_six_staff_answering_at_once_record_and_send_one_answer():
    item = received()
    staff = [staff_of("urban_services") for _ in range(6)]

    outcomes = run_together(
        lambda person: outcome(
            lambda: services.item_answer(item_id=item.pk, by=person, text=f"پاسخ {person.pk}")
        ),
        staff,
    )

    assert sorted(outcomes) == ["done"] + ["not_awaiting_answer"] * 5
    assert Step.objects.filter(item=item, action="answered").count() == 1


def race_transfer_and_answer():
    item = received()
    urban, other = staff_of("urban_services"), staff_of("urban_services")
    traffic = Department.objects.get(slug="traffic")

    def act(which: str) -> str:
        if which == "transfer":
            return outcome(
                lambda: services.item_transfer(
                    item_id=item.pk, by=urban, to_department=traffic, reason="ترافیکی"
                )
            )
        return outcome(lambda: services.item_answer(item_id=item.pk, by=other, text="پاسخ"))

    outcomes = dict(zip(["transfer", "answer"], run_together(act, ["transfer", "answer"]), strict=True))
    item.refresh_from_db()
    return item, outcomes, list(item.steps.values_list("action", flat=True)), traffic


def test_a_transfer_racing_an_answer_leaves_one_inbox_and_a_true_timeline():
    for _ in range(5):
        item, outcomes, actions, traffic = race_transfer_and_answer()
        # The row lock serialises them: whichever came second saw the other's result.
        assert sorted(outcomes.values()) in (["done", "not_awaiting_answer"], ["done", "not_your_department"])
        if outcomes["transfer"] == "done":
            assert item.department == traffic and item.status == Item.Status.OPEN
            assert actions == ["received", "transferred"]
        else:
            assert item.department.slug == "urban_services" and item.status == Item.Status.ANSWERED
            assert actions == ["received", "answered"]


def test_supporters_at_once_all_count():
    item = received(public_allowed=True)
    services.item_publish(item_id=item.pk, by=staff_of("urban_services"), public_title="", public_body="")
    people = [PersonFactory() for _ in range(8)]

    run_together(lambda person: services.item_support(item=item, user=person), people + people[:2])

    item.refresh_from_db()
    assert item.supporters == 8 == item.supports.count()
