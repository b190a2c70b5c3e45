from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VoiceConfig(AppConfig):
    """Citizen voice: suggestions, ideas, thanks, complaints and reports of problems, routed to the
    responsible department, answered on the city's clock and shown to the public."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "voice"
    verbose_name = _("Citizen voice")
