"""/health against real servers: the database, Redis and a worker that answers, or not."""

import pytest
from django.test import override_settings

from tests.integration.redis_celery import IDLE_REDIS_DB, celery_app_on_redis, redis_url
from tests.servers import free_tcp_port

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_health_is_ok_with_redis_and_a_worker_running(client, celery_app_on_worker):
    with override_settings(REDIS_URL=celery_app_on_worker.redis_url, CELERY_TASK_ALWAYS_EAGER=False):
        response = client.get("/health")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok", "checks": {"database": "ok", "redis": "ok", "worker": "ok", "outbox": "ok"},
    }  # fmt: skip


def test_health_is_degraded_but_200_when_redis_does_not_answer(client):
    # Redis is an accelerator: a load balancer must keep sending requests to a node that lost it.
    closed_port = free_tcp_port()

    with override_settings(REDIS_URL=f"redis://127.0.0.1:{closed_port}/0", CELERY_TASK_ALWAYS_EAGER=False):
        response = client.get("/health")
        alive = client.get("/health/live")

    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "checks": {"database": "ok", "redis": "down", "worker": "unknown", "outbox": "ok"},
    }
    assert alive.status_code == 200 and alive.json() == {"status": "alive"}


def test_health_is_degraded_when_outbox_messages_run_late(client):
    import datetime

    from django.utils import timezone

    from core.models import OutboxMessage

    OutboxMessage.objects.create(
        task_name="rewards.tasks.verification_points_credit_task",
        args=[1],
        created_at=timezone.now() - datetime.timedelta(minutes=10),
    )

    response = client.get("/health")

    assert response.status_code == 200
    assert response.json()["status"] == "degraded" and response.json()["checks"]["outbox"] == "late"


def test_health_is_degraded_but_200_when_no_worker_consumes_from_redis(client, redis_server, celery_worker):
    # The session's worker is running, but on another Redis database: nobody answers on this one.
    idle_broker_url = redis_url(redis_server, IDLE_REDIS_DB)

    with (
        celery_app_on_redis(idle_broker_url),
        override_settings(REDIS_URL=idle_broker_url, CELERY_TASK_ALWAYS_EAGER=False),
    ):
        response = client.get("/health")

    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded", "checks": {"database": "ok", "redis": "ok", "worker": "down", "outbox": "ok"},
    }
