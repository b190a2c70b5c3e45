"""The one Celery app. Configuration comes from Django settings (CELERY_* names)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = Celery("hamyar")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="hamyar.diagnostics.ping_worker")
def ping_worker_task() -> str:
    """Answers "pong": proves a task travels through the broker to a worker and its result comes back."""
    return "pong"


@app.task(name="hamyar.diagnostics.count_active_services")
def count_active_services_task() -> int:
    """Counts active services as the worker sees them: proves the worker reads the web's database."""
    # Imported here: this module is loaded before Django's app registry is ready.
    from campaigns.selectors import service_list

    return service_list().count()
