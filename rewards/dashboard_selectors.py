"""Figures of a person's points for their dashboard: where their points came from, by service."""

import dataclasses

from django.db.models import Sum

from core.charts import Datum
from core.localization import localized

from .models import LedgerEntry, PointsAccount

Kind = LedgerEntry.Kind
SERVICE = "verification__completion__signup__shift__call__service"


@dataclasses.dataclass(frozen=True)
class PointsTotals:
    balance: int = 0
    lifetime: int = 0


def points_totals(*, user) -> PointsTotals:
    """The balance to spend and the lifetime points (one query; zero for someone who never earned)."""
    account = PointsAccount.objects.filter(user_id=user.pk).values("balance", "lifetime").first()
    return PointsTotals(**account) if account else PointsTotals()


class _ServiceNames:
    """Stands in for a Service in `localized`, built from the grouped row's columns."""

    def __init__(self, row: dict):
        self.short_name_fa = row[f"{SERVICE}__short_name_fa"]
        self.short_name_en = row[f"{SERVICE}__short_name_en"]


def points_by_service(*, user) -> list[Datum]:
    """Points the person earned (with bonuses) per service, most first, in one query. Approvals that were
    revoked count for nothing, as in lifetime points; points spent on vouchers still count here."""
    rows = (
        LedgerEntry.objects.filter(account__user_id=user.pk, kind__in=(Kind.EARN, Kind.BONUS))
        .filter(verification__revoked_by__isnull=True)
        .order_by()
        .values(f"{SERVICE}_id", f"{SERVICE}__short_name_fa", f"{SERVICE}__short_name_en")
        .annotate(points=Sum("amount"))
        .filter(points__gt=0)
        .order_by("-points", f"{SERVICE}_id")
    )
    return [
        Datum(
            label=localized(_ServiceNames(row), "short_name"),
            value=row["points"],
            key=str(row[f"{SERVICE}_id"]),
        )
        for row in rows
    ]
