"""Real servers for the integration tests: Redis (pytest-redis), a Celery worker process, and PostgreSQL.

PostgreSQL itself is started before Django reads its settings, by the plugin in tests/pytest_servers.py;
the fixture here only checks that this session got it.
"""

import shutil
from collections.abc import Iterator

import pytest
from celery.result import allow_join_result
from django.db import connection
from pytest_redis import factories
from pytest_redis.executor import RedisExecutor

from config.celery import app as celery_app
from tests.integration.redis_celery import WORKER_REDIS_DB, celery_app_on_redis, redis_url
from tests.pytest_servers import postgres_missing_reason_key
from tests.servers import INSTALL_REDIS, CeleryWorker, skip_or_fail

REDIS_SERVER = shutil.which("redis-server")

redis_server_process = factories.redis_proc(executable=REDIS_SERVER or "redis-server")


@pytest.fixture(scope="session")
def on_postgresql(request) -> None:
    """Skips the test (fails it on CI) unless this session's database is PostgreSQL."""
    if connection.vendor != "postgresql":
        skip_or_fail(
            request.config.stash.get(postgres_missing_reason_key, None)
            or "DATABASE_URL does not point at PostgreSQL"
        )


@pytest.fixture(scope="session")
def redis_server(request) -> RedisExecutor:
    """A real redis-server on 127.0.0.1 for the whole session; skips (fails on CI) when not installed."""
    if REDIS_SERVER is None:
        skip_or_fail(INSTALL_REDIS)
    return request.getfixturevalue("redis_server_process")


@pytest.fixture(scope="session")
def test_database_url(django_db_setup, tmp_path_factory) -> str:
    """A DATABASE_URL for the test database pytest-django created, so a worker process can share it.

    On SQLite the test database lives in this process's memory and cannot be shared; the worker gets an
    empty file instead, which is enough for tasks that do not touch the database.
    """
    database = connection.settings_dict
    if connection.vendor == "postgresql":
        password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
        return f"postgres://{database['USER']}{password}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    return f"sqlite:///{tmp_path_factory.mktemp('worker') / 'unshared.sqlite3'}"


@pytest.fixture(scope="session")
def celery_worker(redis_server, test_database_url, tmp_path_factory) -> Iterator[CeleryWorker]:
    """A real `celery worker` process on the session's Redis and test database, stopped at the end.

    It depends on django_db_setup (through test_database_url), so it stops before pytest-django drops
    the test database, which PostgreSQL refuses while the worker is still connected.
    """
    worker_redis_url = redis_url(redis_server, WORKER_REDIS_DB)
    worker = CeleryWorker(
        redis_url=worker_redis_url,
        database_url=test_database_url,
        log_file=tmp_path_factory.mktemp("celery") / "worker.log",
    )
    with celery_app_on_redis(worker_redis_url):
        worker.start(celery_app)
    yield worker
    worker.stop()


@pytest.fixture
def celery_app_on_worker(celery_worker) -> Iterator[CeleryWorker]:
    """For one test, tasks sent from this process travel through Redis to the worker process."""
    # Eager tasks deny result.get() through a process-wide flag that concurrent threads of earlier tests
    # (eager tasks run in each) can leave set; this process is no worker, so waiting for results is fine.
    with celery_app_on_redis(celery_worker.redis_url), allow_join_result():
        yield celery_worker
