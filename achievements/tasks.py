from celery import shared_task

from . import notices


@shared_task(
    name="achievements.tasks.notify_badge_award_task",
    acks_late=True,  # idempotent: a redelivery after a worker died sends nothing twice
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def notify_badge_award_task(award_id: int) -> bool:
    """Tells a person about a badge they earned; idempotent (the award row's claim makes it once)."""
    return notices.badge_award_notify(award_id=award_id)


@shared_task(
    name="achievements.tasks.notify_level_reached_task",
    acks_late=True,
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def notify_level_reached_task(attainment_id: int) -> bool:
    """Congratulates a person on a new level; idempotent like `notify_badge_award_task`."""
    return notices.level_reached_notify(attainment_id=attainment_id)
