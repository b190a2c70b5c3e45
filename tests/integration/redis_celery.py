"""Pointing this test process at the session's Redis: URLs per Redis database and the Celery app's broker."""

from collections.abc import Iterator
from contextlib import contextmanager

import kombu.pools
from pytest_redis.executor import RedisExecutor

from config.celery import app as celery_app

# Redis database numbers, so that the tests sharing one server do not see each other's keys.
WORKER_REDIS_DB = 0  # broker and results of the session's worker
IDLE_REDIS_DB = 1  # a broker no worker consumes from
CACHE_REDIS_DB = 2


def redis_url(server: RedisExecutor, database: int) -> str:
    return f"redis://{server.host}:{server.port}/{database}"


def forget_celery_connections() -> None:
    """Drops the broker pools and result backend Celery caches on first use, so new URLs take effect."""
    kombu.pools.reset()  # closes and forgets kombu's process-wide connection and producer pools
    celery_app._pool = None
    celery_app.__dict__.pop("amqp", None)  # a cached_property that holds the producer pool
    celery_app._backend_cache = None
    celery_app._local.__dict__.pop("backend", None)


@contextmanager
def celery_app_on_redis(url: str) -> Iterator[None]:
    """Points this process's Celery app at Redis, as REDIS_URL does in production, and back afterwards."""
    changed_names = ("broker_url", "result_backend", "task_always_eager")
    previous = {name: celery_app.conf[name] for name in changed_names}
    celery_app.conf.update(broker_url=url, result_backend=url, task_always_eager=False)
    forget_celery_connections()
    try:
        yield
    finally:
        forget_celery_connections()
        celery_app.conf.update(previous)
