import logging
import time

from celery import current_app
from django.conf import settings
from django.core.management.base import BaseCommand

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Runs the periodic tasks of CELERY_BEAT_SCHEDULE in this process, each at its interval: beat for the "
        "embedded site (`./dev run` starts it beside the web server), so reminders, no-shows, expiry, the "
        "outbox relay and scheduled publishing happen there too. Production runs `celery beat` instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run every periodic task once, then stop.")

    def handle(self, *args, once=False, **options):
        current_app.loader.import_default_modules()  # every app's tasks.py, as a worker loads them
        entries = {}
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
            if isinstance(entry["schedule"], int | float):
                entries[name] = entry
            else:  # a crontab: beat's own business
                logger.warning("Periodic task %s has no interval in seconds; not run here", name)
        due = dict.fromkeys(entries, 0.0)
        while True:
            for name, entry in entries.items():
                if time.monotonic() < due[name]:
                    continue
                due[name] = time.monotonic() + float(entry["schedule"])
                try:
                    # apply(): in this process, whatever broker is configured.
                    result = current_app.tasks[entry["task"]].apply()
                    if result.failed():
                        logger.error("Periodic task %s failed: %r", name, result.result)
                except Exception:  # one failing task must not stop the others
                    logger.exception("Periodic task %s failed", name)
            if once:
                return
            time.sleep(1)
