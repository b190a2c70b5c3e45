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
        from wagtail.signals import post_page_move

        from . import outbox, page_routes, sites

        # An outbox message is done when its task succeeds, wherever it ran (a worker, or eagerly).
        task_success.connect(outbox.task_succeeded, weak=False, dispatch_uid="core.outbox.task_succeeded")
        # Every node's kept routes and page addresses follow any page saved (published, unpublished,
        # renamed), deleted or moved, whatever its type (core.page_routes).
        post_save.connect(page_routes.page_tree_changed, dispatch_uid="core.page_routes.saved")
        post_delete.connect(page_routes.page_tree_changed, dispatch_uid="core.page_routes.deleted")
        post_page_move.connect(page_routes.page_tree_changed, dispatch_uid="core.page_routes.moved")
        # Every node's copy of the sites follows a change (core.sites).
        for signal in (post_save, post_delete):
            signal.connect(sites.sites_changed, sender=Site, dispatch_uid=f"core.sites.{signal}")
