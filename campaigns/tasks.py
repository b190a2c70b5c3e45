from celery import shared_task

from . import services


@shared_task(
    acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, retry_jitter=True, max_retries=5
)
def notify_call_stopped_task(call_id: int) -> int:
    """Tells everyone signed up for a call's upcoming shifts that it no longer takes part.

    Idempotent (each person is told once, however often this runs), so it may be acked late and retried.
    """
    return services.signups_notify_call_stopped(call_id=call_id)


@shared_task(
    acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, retry_jitter=True, max_retries=5
)
def notify_signup_promoted_task(signup_id: int) -> bool:
    """Tells a person on the waiting list that a place freed up and is now theirs."""
    return services.signup_notify_promoted(signup_id=signup_id)
