from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AchievementsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "achievements"
    verbose_name = _("Badges, levels and leaderboards")

    def ready(self):
        from rewards import events as rewards_events

        from . import services, signals  # noqa: F401  (signals: model signals register on import)

        rewards_events.points_recorded.subscribe(services.points_recorded)
        rewards_events.redemption_requested.subscribe(services.reward_level_check)
