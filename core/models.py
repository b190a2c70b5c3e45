from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """A Celery task that must run because a transaction committed (credit points, tell someone), written
    in that transaction. `core.outbox` hands it to the broker after the commit and again, from a beat
    task, until the task reports success; see that module."""

    task_name = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list)
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next hand-over due"), default=timezone.now)
    sent_at = models.DateTimeField(_("last handed to the broker"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("hand-overs"), default=0)  # accepted by the broker
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            # The relay's one question: what is due and not done yet. Done rows leave the index.
            models.Index(
                fields=["next_attempt_at"], condition=Q(done_at__isnull=True), name="core_outbox_undone_due"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_name}{tuple(self.args)}"
