from celery import shared_task

from . import reminders, services, signup_line
from .checkin import services as checkin


@shared_task(acks_late=True)
def send_shift_reminders_task() -> int:
    """Sends the shift reminders now due ("24h" and "2h"), one batch per run; beat runs it every 5 minutes.

    Idempotent: each reminder is claimed by a unique row before it is sent, so runs that overlap, a
    redelivery after a worker died (acks_late) or a manual run send nothing twice. It has no retries of
    its own: a reminder that fails to send is left for the next run, five minutes later.
    """
    return reminders.shift_reminders_send()


@shared_task(acks_late=True)
def mark_no_shows_task() -> int:
    """Marks people who never checked in to a shift that ended a while ago as no-shows; beat runs it
    every 10 minutes. Idempotent (one conditional UPDATE per shift): a redelivery marks no one twice."""
    return checkin.signups_mark_no_shows()


@shared_task(acks_late=True)
def release_unassigned_team_places_task() -> int:
    """Gives team places still unassigned TEAM_PLACES_RELEASE_HOURS before their shift back to the public
    and promotes the waiting list into them; beat runs it every 5 minutes.

    Idempotent: each reservation is released once (under its shift's row lock, while `released_at` is
    empty), so overlapping runs and redeliveries release nothing twice.
    """
    return services.team_places_release_due()


@shared_task
def refresh_stale_call_schedules_task() -> int:
    """Rewrites the listing's schedules of calls whose first counted shift has ended; beat runs it every
    minute. Idempotent: it only recomputes from the shifts."""
    return services.call_schedules_refresh_stale()


@shared_task
def process_signup_line_task(shift_id: int) -> int:
    """Decides the sign-ups waiting in a shift's line, in the order they came (campaigns.signup_line).
    Idempotent: each entry is decided once, in the transaction that signs it up."""
    return signup_line.signup_line_decide(shift_id=shift_id)


@shared_task
def process_waiting_signup_requests_task() -> int:
    """Decides the sign-up queues no worker took up (the broker or the worker was down), and deletes
    entries decided a week ago; beat runs it every 30 s. Idempotent."""
    decided = signup_line.signup_lines_decide_stalled()
    signup_line.signup_requests_prune()
    return decided
