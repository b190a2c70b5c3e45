from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CityConfig(AppConfig):
    """What the city is: departments, the catalogue of services and its study, districts, and which
    department a member of staff acts for. Imports only `core`."""

    name = "city"
    verbose_name = _("The city")
