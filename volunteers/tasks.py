"""Periodic housekeeping for people's accounts."""

from celery import shared_task

from . import services
from .eligibility.notices import notify_qualification_decision_task  # noqa: F401  (registers it with the worker)
from .ngos.notices import notify_organisation_decision_task  # noqa: F401  (registers it with the worker)


@shared_task(acks_late=True)
def delete_expired_one_time_codes_task() -> int:
    """Deletes one-time codes long past their expiry; beat runs it hourly. Idempotent (a second run finds
    nothing left to delete), so it may be acked late."""
    return services.one_time_codes_delete_expired()
