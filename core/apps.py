from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The bottom layer: what every app shares and that knows nothing of Hamyar's domain (the domain error,
    localization, charts, kept answers, events). It imports no app of ours; its template tags and chart
    templates serve every app's pages."""

    name = "core"
    verbose_name = _("Core")
