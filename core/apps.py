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
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import Site

        from . import outbox, sites

        # An outbox message is done when its task succeeds, wherever it ran (a worker, or eagerly).
        task_success.connect(outbox.task_succeeded, weak=False, dispatch_uid="core.outbox.task_succeeded")
        # Every node's copy of the sites follows a change (core.sites).
        for signal in (post_save, post_delete):
            signal.connect(sites.sites_changed, sender=Site, dispatch_uid=f"core.sites.{signal}")
