"""Tasks travel through a real Redis to a real Celery worker process, which shares the test database."""

import pytest

from city.models import Service
from config.celery import count_active_services_task, ping_worker_task

pytestmark = pytest.mark.integration

RESULT_TIMEOUT_SECONDS = 10


def test_a_task_sent_through_redis_comes_back_from_the_worker(celery_app_on_worker):
    result = ping_worker_task.delay()

    assert result.get(timeout=RESULT_TIMEOUT_SECONDS) == "pong"
    assert result.successful()


# serialized_rollback puts the catalogue back after the flush that ends a transactional test.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_reads_rows_the_test_committed(on_postgresql, celery_app_on_worker):
    # given two services switched off, committed where the worker process can see them
    switched_off = list(Service.objects.order_by("study_number").values_list("pk", flat=True)[:2])
    Service.objects.filter(pk__in=switched_off).update(is_active=False)

    # when the worker counts the active services
    active_services = count_active_services_task.delay().get(timeout=RESULT_TIMEOUT_SECONDS)

    # then it sees the change
    assert active_services == 21 - 2
