from celery import shared_task

from . import notices


@shared_task(
    acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, retry_jitter=True, max_retries=5
)
def notify_verification_decision_task(verification_id: int) -> bool:
    """Tells the volunteer of a decision on their report. Idempotent (claimed once), so acked late."""
    return notices.decision_notify(verification_id=verification_id)
