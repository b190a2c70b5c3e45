from celery import shared_task
from django.core.management import call_command


@shared_task
def publish_scheduled_pages_task() -> None:
    """Publishes pages (open calls among them) whose scheduled time has come, and unpublishes expired ones.

    Wagtail keeps the schedule; this runs its `publish_scheduled` command from beat every minute.
    Running it twice is harmless: a page already published is not published again.
    """
    call_command("publish_scheduled")
