"""Figures of team reservations for an NGO's dashboard: places its teams reserved, and how many of them
the managers gave to members."""

import datetime

from django.db.models import Sum

from core.charts import Datum

from .models import TeamReservation


def team_places(*, organisation, since: datetime.datetime) -> list[Datum]:
    """Per team, places reserved (the datum's `total`) and assigned (its `value`) on shifts starting from
    `since`, upcoming ones included, by team name (one query). Places given back when unassigned ones were
    released no longer count as reserved."""
    rows = (
        TeamReservation.objects.filter(team__organisation=organisation, shift__starts_at__gte=since)
        .order_by()
        .values("team_id", "team__name")
        .annotate(reserved=Sum("places"), assigned=Sum("assigned_count"))
        .order_by("team__name", "team_id")
    )
    return [
        Datum(
            label=row["team__name"],
            value=row["assigned"] or 0,
            total=row["reserved"] or 0,
            key=str(row["team_id"]),
        )
        for row in rows
    ]
