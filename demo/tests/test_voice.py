"""The demo's citizen voice: a few dozen items in every state, dated over months, loaded once."""

import io

import pytest
from django.core.management import call_command

from voice import selectors
from voice.models import Item, Step

pytestmark = pytest.mark.django_db


def test_the_demo_has_items_in_every_state_and_monitoring_to_show(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    assert Item.objects.count() == 32
    assert {"open", "closed"} <= set(Item.objects.values_list("status", flat=True))
    for action in ("escalated", "transferred", "reopened", "rated", "answered"):
        assert Step.objects.filter(action=action).exists(), action
    assert selectors.public_items().count() >= 10
    months = selectors.monitoring()
    assert len({(row.year, row.month) for row in months}) >= 3
    assert all(row.answered <= row.received for row in months)
    assert any(row.answered_in_time < row.answered for row in months)  # not every answer was in time

    call_command("load_demo", stdout=io.StringIO())
    assert Item.objects.count() == 32
