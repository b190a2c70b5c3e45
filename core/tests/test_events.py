"""core.events: news from a lower app reaches the subscribers of a higher one, inside the sender's work."""

import pytest

from core.events import Event


def test_a_subscriber_gets_the_payload_and_only_the_payload():
    # given
    approved = Event("approved", payload=("verification_id",))
    heard = []
    approved.subscribe(lambda **payload: heard.append(payload))

    # when
    approved.send(verification_id=7)

    # then
    assert heard == [{"verification_id": 7}]


def test_a_misspelt_or_missing_keyword_fails_the_sender():
    approved = Event("approved", payload=("verification_id",))

    with pytest.raises(TypeError, match="verification_id"):
        approved.send(verfication_id=7)
    with pytest.raises(TypeError):
        approved.send()


def _record(**payload):
    _record.calls.append(payload)


def test_subscribing_the_same_function_twice_keeps_one_subscription():
    _record.calls = []
    recorded = Event("recorded", payload=("amount",))

    recorded.subscribe(_record)
    recorded.subscribe(_record)
    recorded.send(amount=3)
    recorded.unsubscribe(_record)
    recorded.send(amount=4)

    assert _record.calls == [{"amount": 3}]


def test_a_subscriber_that_refuses_stops_the_sender():
    requested = Event("requested", payload=("reward",))

    def refuse(*, reward):
        raise PermissionError(f"not {reward}")

    requested.subscribe(refuse)

    with pytest.raises(PermissionError, match="not tea"):
        requested.send(reward="tea")
    with pytest.raises(TypeError):
        requested.send_robust(reward="tea")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_what_a_subscriber_writes_rolls_back_with_the_sender():
    from django.contrib.auth.models import Group
    from django.db import transaction

    created = Event("created", payload=("name",))
    created.subscribe(lambda *, name: Group.objects.create(name=name))

    with pytest.raises(RuntimeError), transaction.atomic():
        created.send(name="heard")
        assert Group.objects.filter(name="heard").exists()
        raise RuntimeError("the sender's work failed")

    assert not Group.objects.filter(name="heard").exists()
