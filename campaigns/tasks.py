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


@shared_task(acks_late=True)
def send_shift_reminders_task() -> int:
    """Sends the shift reminders now due ("24h" and "2h"), one batch per run; beat runs it every 5 minutes.

    Idempotent: each reminder is claimed by a unique row before it is sent, so runs that overlap, a
    redelivery after a worker died (acks_late) or a manual run send nothing twice. It has no retries of
    its own: a reminder that fails to send is left for the next run, five minutes later.
    """
    from . import reminders

    return reminders.shift_reminders_send()
