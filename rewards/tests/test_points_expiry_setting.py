"""How long earned points last is a setting (POINTS_EXPIRE_AFTER_DAYS, from the environment)."""

import datetime

import pytest
from django.utils import timezone

from campaigns.tests.factories import PersonFactory, publish_call
from rewards import services
from rewards.tests.factories import approval_create

pytestmark = pytest.mark.django_db


def test_points_expire_after_the_configured_number_of_days(settings):
    settings.POINTS_EXPIRE_AFTER_DAYS = 30
    person = PersonFactory()
    now = timezone.now()

    credit = services.verification_points_credit(
        verification_id=approval_create(volunteer=person, call=publish_call(points_per_hour=10)).pk, now=now
    )

    assert credit.earn.expires_at == now + datetime.timedelta(days=30)
    assert services.points_expire(now=now + datetime.timedelta(days=29)) == 0
    assert services.points_expire(now=now + datetime.timedelta(days=30, seconds=1)) == credit.earn.amount
