"""Keeps the leaderboard tallies' copy of a person's visibility in step with their profile.

A signal rather than a call from the profile service: any way the choice changes (the profile page, the
API, the admin) must reach the tallies, and the copy is derived data, not a business rule.
"""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save
from django.dispatch import receiver

from . import services


@receiver(post_save, sender=get_user_model(), dispatch_uid="achievements_visibility_sync")
def _sync_visibility(sender, instance, created, update_fields=None, **kwargs):
    if created:
        return
    if update_fields is not None and "leaderboard_visibility" not in update_fields:
        return
    services.leaderboard_visibility_sync(user_id=instance.pk, visibility=instance.leaderboard_visibility)
