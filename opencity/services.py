"""The open city's figures kept for readers, and what they drive: the under-served district bonus."""

import datetime

from django.core.cache import cache
from django.db import models, transaction
from django.utils import timezone

from rewards.models import EarningRule

from . import selectors
from .models import FiguresSnapshot


@transaction.atomic
def equity_bonus_refresh(now=None) -> int:
    """Sets the districts of every active district bonus that follows the equity figures to the districts
    the open city shows as under-served now. Returns how many rules changed."""
    under_served = set(selectors.under_served_district_ids(now))
    changed = 0
    rules = (
        EarningRule.objects.select_for_update()
        .filter(kind=EarningRule.Kind.DISTRICT, districts_follow_equity=True, is_active=True)
        .order_by("pk")  # the model's order joins the department (nullable), which FOR UPDATE refuses
        .prefetch_related("districts")
    )
    for rule in rules:
        if {district.pk for district in rule.districts.all()} != under_served:
            rule.districts.set(under_served)
            changed += 1
    return changed


def figures_refresh() -> dict[str, float]:
    """Computes every dataset afresh and keeps it for readers (the database row, then the cache): what the
    beat task does every REFRESH_SECONDS. Returns the seconds each dataset took."""
    rows, took = selectors.datasets_compute()
    now = timezone.now()
    found, _created = FiguresSnapshot.objects.get_or_create(pk=1)
    found.datasets, found.computed_at, found.refresh_asked_at = rows, now, None
    found.save()
    cache.set(selectors.SNAPSHOT_KEY, found, selectors.KEPT_SECONDS)
    cache.set(selectors.COMPUTED_AT_KEY, now, selectors.KEPT_SECONDS)
    cache.delete(selectors.PHOTOS_KEY)  # newly approved work with public photos joins at the same pace
    selectors.version_bump()
    return took


def figures_refresh_if_stale(now=None) -> bool:
    """A reader found the figures missing or older than twice the beat's interval (the beat stopped, a
    fresh install): the refresh is asked for once, in the background, however many readers come; they are
    answered meanwhile with the figures there are. Returns whether this reader asked."""
    from .tasks import open_city_refresh_task

    now = now or timezone.now()
    if not selectors.figures_are_stale(now):
        return False
    FiguresSnapshot.objects.get_or_create(pk=1)
    asked = FiguresSnapshot.objects.filter(pk=1).filter(
        models.Q(refresh_asked_at__isnull=True)
        | models.Q(refresh_asked_at__lt=now - datetime.timedelta(seconds=selectors.REFRESH_SECONDS))
    ).update(refresh_asked_at=now)
    if asked:
        transaction.on_commit(open_city_refresh_task.delay, robust=True)
    return bool(asked)
