from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self):
        from . import (
            signals,  # noqa: F401  (signal receivers register on import)
            views,
        )
        from .models import CallIndexPage

        CallIndexPage.listing_view = staticmethod(views.call_listing)
