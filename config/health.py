"""The /health probe: can this instance reach its database and Redis, and does a Celery worker answer?"""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .celery import app as celery_app

WORKER_PING_TIMEOUT_SECONDS = 1.0


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any failure means "down"; the probe must answer, not raise
        return "down"
    return "ok"


def redis_status() -> str:
    if not settings.REDIS_URL:
        return "not_configured"
    import redis

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
    except redis.RedisError:
        return "down"
    return "ok"


def worker_status() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"  # tasks run in-process; no worker is needed
    try:
        replies = celery_app.control.ping(timeout=WORKER_PING_TIMEOUT_SECONDS)
    except Exception:  # broker unreachable: the worker cannot be asked
        return "down"
    # Beat answers pings too (compose uses that as its health check); only workers run tasks.
    workers = [node for reply in replies for node in reply if not node.startswith("celerybeat@")]
    return "ok" if workers else "down"


@never_cache
@require_GET
def health(request):
    """200 while the database (and Redis, when configured) answer; 503 otherwise.

    A missing worker makes the status "degraded" but not 503: the site still serves pages, and the web
    container must not be restarted because a worker is down.
    """
    checks = {"database": database_status(), "redis": redis_status(), "worker": worker_status()}
    essential_down = checks["database"] == "down" or checks["redis"] == "down"
    if essential_down:
        status = "down"
    elif checks["worker"] == "down":
        status = "degraded"
    else:
        status = "ok"
    return JsonResponse({"status": status, "checks": checks}, status=503 if essential_down else 200)
