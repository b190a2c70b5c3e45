"""The open city's data for apps and dashboards: each dataset with its licence and data dictionary."""

from enum import StrEnum
from typing import Any

from django.http import HttpRequest
from ninja import Path, Router, Schema
from ninja.decorators import decorate_view

from core.db_routing import replica_reads

from . import selectors, services
from .open_data import DICTIONARY, flat_row, licence

public_router = Router(tags=["Open city"])

Dataset = StrEnum("Dataset", [(name.upper(), name) for name in selectors.DATASETS])
MonthlyDataset = StrEnum("MonthlyDataset", [(name.upper(), name) for name in selectors.MONTHLY_DATASETS])


class DatasetOut(Schema):
    dataset: str
    licence: str
    fields: dict[str, str]
    rows: list[dict[str, Any]]


@public_router.get(
    "/open-city/{dataset}", response=DatasetOut, summary="A dataset of the open city", auth=None
)
@decorate_view(replica_reads)
def get_dataset(request: HttpRequest, dataset: Dataset):
    """`work` (hours, people and shifts per month, department and service), `verification` (time from a
    report to its decision), `rewards` (points spent per department) or `voice` (citizen voice answered
    per department). Groups of fewer than five people are `suppressed` without their numbers."""
    services.figures_refresh_if_stale()
    return {
        "dataset": dataset.value,
        "licence": licence(),
        "fields": {field: str(meaning) for field, meaning in DICTIONARY[dataset.value].items()},
        "rows": [flat_row(row) for row in selectors.dataset(dataset.value)],
    }


class MonthOut(DatasetOut):
    year: int
    month: int


@public_router.get(
    "/open-city/{dataset}/{year}/{month}",
    response=MonthOut,
    summary="One Jalali month of an open city dataset",
    auth=None,
)
@decorate_view(replica_reads)
def get_dataset_month(
    request: HttpRequest,
    dataset: MonthlyDataset,
    year: int = Path(..., ge=1300, le=1500, description="Jalali year, e.g. 1405"),
    month: int = Path(..., ge=1, le=12, description="Jalali month, 1–12"),
):
    """A stable address for each month's figures (the monthly datasets: all but `equity`)."""
    services.figures_refresh_if_stale()
    return {
        "dataset": dataset.value,
        "year": year,
        "month": month,
        "licence": licence(),
        "fields": {field: str(meaning) for field, meaning in DICTIONARY[dataset.value].items()},
        "rows": [flat_row(row) for row in selectors.dataset_month(dataset.value, year, month)],
    }
