"""What a person is told of a badge or a level they earned (sent by the worker after the commit)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from volunteers.notifications import person_language, person_notify

from .models import BadgeAward, LevelAttainment


@transaction.atomic
def badge_award_notify(*, award_id: int) -> bool:
    """Tells the person about a badge, once: the conditional update claims the notice, and a failure to
    send rolls the claim back so that a retry sends it."""
    claimed = BadgeAward.objects.filter(pk=award_id, notified_at__isnull=True).update(
        notified_at=timezone.now()
    )
    if not claimed:
        return False
    award = BadgeAward.objects.select_related("user", "badge").get(pk=award_id)
    language = person_language(award.user)
    with translation.override(language):
        text = _("Well done! You earned the “%(badge)s” badge. See your badges on Hamyar.") % {
            "badge": award.badge.name
        }
    person_notify(user=award.user, subject=_("You earned a badge on Hamyar"), text=text, language=language)
    return True



@transaction.atomic
def level_reached_notify(*, attainment_id: int) -> bool:
    """Congratulates the person on a new level, once (see `badge_award_notify`)."""
    claimed = LevelAttainment.objects.filter(pk=attainment_id, notified_at__isnull=True).update(
        notified_at=timezone.now()
    )
    if not claimed:
        return False
    attainment = LevelAttainment.objects.select_related("user", "level").get(pk=attainment_id)
    language = person_language(attainment.user)
    with translation.override(language):
        text = _("Congratulations! You reached the “%(level)s” level.") % {"level": attainment.level.name}
    person_notify(
        user=attainment.user, subject=_("You reached a new level on Hamyar"), text=text, language=language
    )
    return True
