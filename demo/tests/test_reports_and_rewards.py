"""The demo's completion reports and rewards: loaded once, and what staff and the citizen see of them."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from campaigns.services import departments_setup
from demo import reports as demo_reports
from demo import rewards as demo_rewards
from demo.calls import demo_calls_load
from demo.home import demo_home_page_load
from demo.people import demo_people_load
from rewards import services as rewards_services
from rewards.models import Reward
from verification.selectors import completion_queue

pytestmark = pytest.mark.django_db


def test_the_demo_loads_pending_reports_for_staff_urban_once():
    demo_home_page_load()
    departments_setup()
    demo_calls_load()
    demo_people_load()

    created = demo_reports.load()

    assert created == 4
    assert demo_reports.load() == 0
    staff_urban = get_user_model().objects.get(username="staff-urban")
    queue = list(completion_queue(user=staff_urban))
    assert len(queue) == 4
    assert {c.signup.volunteer.username for c in queue} == {
        "citizen",
        "ngo-member-1",
        "ngo-member-2",
        "ngo-member-3",
    }
    assert sum(c.photos.count() for c in queue) == 4


def test_demo_loads_rewards_and_the_citizens_points_once():
    call_command("load_demo", "--allow-without-debug", verbosity=0)
    first = demo_rewards.load()
    second = demo_rewards.load()

    assert Reward.objects.count() == 3
    assert first["citizen_points"] > 0 and second == {
        "rewards_created": 0,
        "citizen_points": first["citizen_points"],
    }
    assert rewards_services.ledger_verify() == []
