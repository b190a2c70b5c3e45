"""Keeps the leaderboard tallies' copy of a person's visibility in step with their profile, and the boards
kept for anonymous readers from showing a name that changed.

Signals rather than calls from the profile and NGO services: any way these change (the profile page, the
API, the admin) must reach the boards, and both are derived data, not business rules.
"""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from city.models import District
from volunteers.models import Organisation, Team

from . import services

# What a person's entry on a board is made of (selectors.public_person_name).
_SHOWN_PERSON_FIELDS = {
    "first_name",
    "last_name",
    "username",
    "leaderboard_visibility",
    "leaderboard_pseudonym",
}


@receiver(post_save, sender=get_user_model(), dispatch_uid="achievements_person_shown_changed")
def _forget_boards_after_a_person_changed(sender, instance, update_fields=None, **kwargs):
    if update_fields is None or _SHOWN_PERSON_FIELDS.intersection(update_fields):
        services.leaderboard_answers_expire()


@receiver(post_delete, sender=get_user_model(), dispatch_uid="achievements_person_deleted")
@receiver(post_save, sender=Organisation, dispatch_uid="achievements_organisation_saved")
@receiver(post_delete, sender=Organisation, dispatch_uid="achievements_organisation_deleted")
@receiver(post_save, sender=Team, dispatch_uid="achievements_team_saved")
@receiver(post_delete, sender=Team, dispatch_uid="achievements_team_deleted")
@receiver(post_save, sender=District, dispatch_uid="achievements_district_saved")
@receiver(post_delete, sender=District, dispatch_uid="achievements_district_deleted")
def _forget_boards(sender, **kwargs):
    services.leaderboard_answers_expire()


@receiver(post_save, sender=get_user_model(), dispatch_uid="achievements_visibility_sync")
def _sync_visibility(sender, instance, created, update_fields=None, **kwargs):
    if created:
        return
    if update_fields is not None and "leaderboard_visibility" not in update_fields:
        return
    services.leaderboard_visibility_sync(user_id=instance.pk, visibility=instance.leaderboard_visibility)
