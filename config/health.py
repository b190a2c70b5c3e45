"""The health probes.

`/health/live`: the process answers (for a restart policy). `/health`: can this instance serve? Only the
database is essential: Redis is an accelerator (caches miss, limits count in the database, the outbox keeps
what must follow a commit), so Redis or a worker down, or outbox messages running late, make the status
"degraded" with 200, and a load balancer keeps sending requests; the database down makes it 503.
"""

import datetime

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.outbox import undone_messages

from .celery import app as celery_app

WORKER_PING_TIMEOUT_SECONDS = 1.0
# Outbox messages not done this long after they were written mean credits or notices are running late.
OUTBOX_LATE_AFTER = datetime.timedelta(minutes=5)


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


def outbox_status() -> str:
    try:
        late = undone_messages().filter(created_at__lt=timezone.now() - OUTBOX_LATE_AFTER).exists()
    except Exception:  # the database check reports the cause
        return "unknown"
    return "late" if late else "ok"


def worker_status(*, redis: str) -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"  # tasks run in-process; no worker is needed
    if redis == "down":
        return "unknown"  # it cannot be asked through a broker that is down
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
    """200 while the database answers ("ok", or "degraded" naming what is not); 503 when it does not."""
    database = database_status()
    redis = redis_status()
    checks = {
        "database": database,
        "redis": redis,
        "worker": worker_status(redis=redis),
        "outbox": outbox_status() if database == "ok" else "unknown",
    }
    if database == "down":
        status = "down"
    elif redis == "down" or checks["worker"] in ("down", "unknown") or checks["outbox"] == "late":
        status = "degraded"
    else:
        status = "ok"
    return JsonResponse({"status": status, "checks": checks}, status=503 if database == "down" else 200)


@never_cache
@require_GET
def alive(request):
    """200 as long as this process answers requests, whatever the servers behind it do."""
    return JsonResponse({"status": "alive"})
