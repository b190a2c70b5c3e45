from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The bottom layer: what every app shares and that knows nothing of Hamyar's domain (the domain error,
    localization, charts, kept answers, events, the outbox). It imports no app of ours; its template tags
    and chart templates serve every app's pages."""

    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from celery.signals import task_success

        from . import outbox

        # An outbox message is done when its task succeeds, wherever it ran (a worker, or eagerly).
        task_success.connect(outbox.task_succeeded, weak=False, dispatch_uid="core.outbox.task_succeeded")
