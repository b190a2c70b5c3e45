from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenCityConfig(AppConfig):
    """The public's view of the city: what citizens did and how each department answers, as open data."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "opencity"
    verbose_name = _("Open city")

    def ready(self):
        from django.db import transaction

        from verification import events as verification_events

        from . import selectors

        def forget_photos_after_commit(**payload):
            transaction.on_commit(selectors.public_photos_forget, robust=True)

        # The public photos leave the page when consent is taken back, staff keep them off, or the work's
        # approval is revoked.
        verification_events.completion_photos_publicity_changed.subscribe(forget_photos_after_commit)
        verification_events.completion_revoked.subscribe(forget_photos_after_commit)
