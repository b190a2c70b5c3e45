"""What the open city's figures drive: the under-served district bonus follows the equity figures."""

from django.db import transaction

from rewards.models import EarningRule

from . import selectors


@transaction.atomic
def equity_bonus_refresh(now=None) -> int:
    """Sets the districts of every active district bonus that follows the equity figures to the districts
    the open city shows as under-served now. Returns how many rules changed."""
    under_served = set(selectors.under_served_district_ids(now))
    changed = 0
    rules = (
        EarningRule.objects.select_for_update()
        .filter(kind=EarningRule.Kind.DISTRICT, districts_follow_equity=True, is_active=True)
        .prefetch_related("districts")
    )
    for rule in rules:
        if {district.pk for district in rule.districts.all()} != under_served:
            rule.districts.set(under_served)
            changed += 1
    return changed
