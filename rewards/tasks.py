"""Points are credited and reversed by the worker after a verification commits, and expire by beat.

Every task is idempotent through the ledger's unique constraints, so it is acked late and retried on
transient database errors: a run twice, a retry or a redelivery after a worker died never moves points
twice.
"""

from celery import shared_task
from django.db import OperationalError

from core import outbox

from . import services

RETRYING = {
    "bind": True,
    "acks_late": True,
    "autoretry_for": (OperationalError, ConnectionError),
    "retry_backoff": True,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(**RETRYING)
def verification_points_credit_task(self, verification_id: int) -> int:
    """Credits the points of a final approval (verification enqueues it on commit). Returns the points
    credited by this run: 0 when an earlier run (or a parallel one) already did."""
    credit = services.verification_points_credit(verification_id=verification_id)
    return credit.total if credit else 0


@shared_task(**RETRYING)
def verification_points_reverse_task(self, revocation_id: int) -> int:
    """Takes back the points of a revoked approval, once. Returns the points taken by this run."""
    entry = services.verification_points_reverse(revocation_id=revocation_id)
    return -entry.amount if entry else 0


def verification_points_credit_after_commit(*, verification_id: int) -> None:
    """Hears verification's "completion approved": the worker credits the points once it commits. The
    intent is written in the approval's transaction (core/outbox.py), so no broker failure can lose it."""
    outbox.send_after_commit(verification_points_credit_task, verification_id)


def verification_points_reverse_after_commit(*, revocation_id: int) -> None:
    """Hears verification's "completion revoked": the worker takes the points back once it commits."""
    outbox.send_after_commit(verification_points_reverse_task, revocation_id)


@shared_task(acks_late=True)
def expire_points_task() -> int:
    """Expires points past their date, oldest first, one batch per run; beat runs it hourly."""
    return services.points_expire()


@shared_task(acks_late=True)
def expire_vouchers_task() -> int:
    """Expires unused vouchers past their date and refunds their points, once; beat runs it hourly."""
    return services.vouchers_expire()
