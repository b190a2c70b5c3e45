from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The top layer: a demo site for a newcomer's machine (`manage.py load_demo`), its content in data
    files (demo/data/*.json) that an editor can read. Nothing imports it but its own command and tests."""

    name = "demo"
    verbose_name = _("Demo data")
