import datetime

import pytest
from django.utils import timezone

from campaigns.selectors import call_list
from campaigns.tests.factories import add_shift, publish_call

pytestmark = pytest.mark.django_db


def test_an_alias_of_a_call_is_not_listed_as_a_second_call():
    call = publish_call()
    call.create_alias(parent=call.get_parent(), update_slug="same-call-elsewhere")

    assert list(call_list()) == [call]


def test_a_call_past_its_expiry_is_not_listed_even_before_beat_unpublishes_it():
    expired = publish_call(expire_at=timezone.now() - datetime.timedelta(minutes=1))
    current = publish_call(expire_at=timezone.now() + datetime.timedelta(days=1))
    add_shift(expired)

    assert list(call_list()) == [current]


def test_calls_come_soonest_first_and_those_with_nothing_ahead_last():
    later, sooner, over = publish_call(), publish_call(), publish_call()
    add_shift(later, starts_in=datetime.timedelta(days=9))
    add_shift(sooner, starts_in=datetime.timedelta(days=1))
    add_shift(over, starts_in=datetime.timedelta(days=-3))

    listed = list(call_list())

    assert listed == [sooner, later, over]
    assert listed[2].next_shift_starts_at is None and listed[2].free_places == 0
