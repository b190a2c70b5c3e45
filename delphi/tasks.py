from celery import shared_task

from . import services
from .notices import send_panellist_notice_task  # noqa: F401 (registered with Celery from here)


@shared_task(acks_late=True)
def remind_and_close_rounds_task() -> dict:
    """Reminds panellists before a round closes and closes rounds past their day; beat runs it hourly.
    Idempotent: a reminder is one row per panellist and round, and a round is closed once."""
    return services.rounds_remind_and_close()
