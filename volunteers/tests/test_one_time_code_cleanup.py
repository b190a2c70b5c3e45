"""Old one-time codes are deleted by a beat task; recent and live ones stay."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from volunteers import services
from volunteers.models import OneTimeCode
from volunteers.tasks import delete_expired_one_time_codes_task

pytestmark = pytest.mark.django_db

PHONE = "09351234567"


def code_expiring(at: datetime.datetime, phone: str = PHONE) -> OneTimeCode:
    return OneTimeCode.objects.create(
        phone=phone,
        purpose=OneTimeCode.Purpose.LOGIN,
        code_hash="0" * 64,
        created_at=at - services.CODE_LIFETIME,
        expires_at=at,
    )


def test_the_task_deletes_codes_expired_longer_than_the_retention_and_keeps_the_rest():
    # given
    now = timezone.now()
    long_expired = code_expiring(now - services.ONE_TIME_CODE_RETENTION - datetime.timedelta(minutes=1))
    other_number = code_expiring(now - datetime.timedelta(days=30), phone="09121111111")
    just_expired = code_expiring(now - datetime.timedelta(minutes=10))
    live = code_expiring(now + datetime.timedelta(minutes=4))

    # when
    deleted = delete_expired_one_time_codes_task.apply().get()

    # then
    assert deleted == 2
    remaining = set(OneTimeCode.objects.values_list("pk", flat=True))
    assert remaining == {just_expired.pk, live.pk}
    assert long_expired.pk not in remaining and other_number.pk not in remaining


def test_running_it_again_deletes_nothing_more():
    code_expiring(timezone.now() - datetime.timedelta(days=3))

    assert delete_expired_one_time_codes_task.apply().get() == 1
    assert delete_expired_one_time_codes_task.apply().get() == 0


def test_it_works_in_batches(monkeypatch):
    monkeypatch.setattr(services, "ONE_TIME_CODE_DELETE_BATCH", 2)
    old = timezone.now() - datetime.timedelta(days=2)
    for index in range(5):
        code_expiring(old, phone=f"0935000000{index}")

    assert services.one_time_codes_delete_expired() == 5
    assert not OneTimeCode.objects.exists()


def test_beat_runs_the_task():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert "volunteers.tasks.delete_expired_one_time_codes_task" in tasks
