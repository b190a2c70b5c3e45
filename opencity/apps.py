from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenCityConfig(AppConfig):
    """The public's view of the city: what citizens did and how each department answers, as open data."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "opencity"
    verbose_name = _("Open city")
