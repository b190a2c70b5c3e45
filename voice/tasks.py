from celery import shared_task

from . import notices, services


@shared_task(
    acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, retry_jitter=True, max_retries=5
)
def notify_citizen_task(step_id: int) -> bool:
    """Tells the citizen of a step of their item. Idempotent (claimed once), so acked late."""
    return notices.citizen_notify(step_id=step_id)


@shared_task(
    acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, retry_jitter=True, max_retries=5
)
def notify_approvers_task(step_id: int) -> int:
    """Tells a department's approvers of an overdue item. Idempotent (claimed once), so acked late."""
    return notices.approvers_notify(step_id=step_id)


@shared_task(acks_late=True)
def run_voice_clock_task() -> dict:
    """Escalates overdue items and closes answered ones past the reopening window; beat runs it every few
    minutes. Idempotent: each escalation and close is claimed by a conditional UPDATE."""
    return {"escalated": services.items_escalate_overdue(), "closed": services.items_close_answered()}
