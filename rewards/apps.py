from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RewardsConfig(AppConfig):
    name = "rewards"
    verbose_name = _("Rewards")

    def ready(self):
        from verification import events as verification_events

        from . import tasks

        verification_events.completion_approved.subscribe(tasks.verification_points_credit_after_commit)
        verification_events.completion_revoked.subscribe(tasks.verification_points_reverse_after_commit)
