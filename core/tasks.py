import datetime

from celery import shared_task
from django.conf import settings

from . import outbox


@shared_task(name="core.tasks.relay_outbox_task")
def relay_outbox_task() -> int:
    """Hands over the outbox messages that are due (see core/outbox.py); beat runs it every few seconds."""
    return outbox.relay_due()


@shared_task(name="core.tasks.prune_outbox_task")
def prune_outbox_task() -> int:
    """Deletes done outbox messages once they are no longer worth keeping; beat runs it hourly."""
    return outbox.done_messages_prune(older_than=datetime.timedelta(days=settings.OUTBOX_KEEP_DONE_DAYS))
