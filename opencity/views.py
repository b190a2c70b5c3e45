"""The open city page and its open data: every dataset as CSV and JSON, with what each field means."""

import csv
from decimal import Decimal

from django.http import Http404, HttpResponse, JsonResponse
from django.template.response import TemplateResponse

from core.db_routing import replica_reads
from core.localization import format_jalali_month, is_persian
from verification.photos import photo_file_response

from . import selectors, services
from .open_data import DICTIONARY, flat_row, licence

MONTHS_ON_THE_PAGE = 6


def _readable(rows: list[dict], limit_months: int | None = None) -> list[dict]:
    """Rows with names and months in the reader's language, the latest months first."""
    language_key = "name_fa" if is_persian() else "name_en"
    months = []
    readable = []
    for row in rows:
        month = (row["year"], row["month"])
        if month not in months:
            months.append(month)
        if limit_months is not None and len(months) > limit_months:
            break
        readable.append(
            {
                **row,
                "month_label": format_jalali_month(row["year"], row["month"]),
                "department_name": row["department"][language_key] if "department" in row else "",
                "district_name": row["district"][language_key] if "district" in row else "",
                "service_label": row.get("service_name", {}).get(language_key, ""),
                "measure_label": row.get("measure_name", {}).get(language_key, ""),
                "unit_label": row.get("unit", {}).get(language_key, ""),
                # figures kept as exact text in the data, numbers to print on the page
                "total_number": Decimal(row["total"]) if row.get("total") is not None else None,
            }
        )
    return readable


def _equity_readable(rows: list[dict]) -> dict:
    """The equity rows split into districts and services, named in the reader's language, and a shade
    (0–4) for each district's tile on the map by its participation against the city's."""
    language_key = "name_fa" if is_persian() else "name_en"
    districts, services = [], []
    for row in rows:
        if row["kind"] == "district":
            relative = row["relative_to_city"]
            shade = None if relative is None else min(4, int(relative * 2))
            districts.append({**row, "name": row["district"][language_key], "shade": shade})
        else:
            services.append({**row, "name": row["service_name"][language_key]})
    return {"districts": districts, "services": services}


def _latest_month_bars(rows: list[dict], field: str, *, of_whole: bool = False) -> dict | None:
    """The latest month's `field` per department as bars, each as long as its share of the longest (or,
    `of_whole`, of 1: shares): the chart above a table, for reading at a glance (the table says the same
    in figures). Suppressed groups have no bar."""
    if not rows:
        return None
    values = [(row, None if row.get(field) is None else float(row[field])) for row in rows]
    longest = 1 if of_whole else max((value for _row, value in values if value is not None), default=0) or 1
    return {
        "month_label": rows[0]["month_label"],
        "bars": [
            {
                "label": row["department_name"],
                "value": value,
                "raw": row.get(field),
                "percent": None if value is None else round(100 * value / longest),
            }
            for row, value in values
        ],
    }


def _readable_photos(rows: list[dict]) -> list[dict]:
    language_key = "name_fa" if is_persian() else "name_en"
    return [
        {
            **row,
            "month_label": format_jalali_month(row["year"], row["month"]),
            "service": row["service_name"][language_key] or row["service_name"]["name_fa"],
            "district_name": row["district"][language_key],
        }
        for row in rows
    ]


def _months(rows: list[dict]) -> list[dict]:
    """The months that have figures, for their stable download addresses."""
    months = list(dict.fromkeys((row["year"], row["month"]) for row in rows))
    return [
        {"year": year, "month": month, "label": format_jalali_month(year, month)} for year, month in months
    ]


@replica_reads
def open_city(request):
    """What citizens did and how each department answers: the latest months, every figure downloadable.

    The figures are the same for every reader of a language until the next refresh (selectors.version), so
    the page's content is rendered once per language and version and kept (the template's cache tag): the
    context's values are functions, called only when the content is rendered again."""
    services.figures_refresh_if_stale()
    return TemplateResponse(
        request,
        "opencity/open_city.html",
        {
            "version": selectors.version(),
            "work": lambda: _readable(selectors.dataset("work_by_department"), MONTHS_ON_THE_PAGE),
            "verification": lambda: _readable(selectors.dataset("verification"), MONTHS_ON_THE_PAGE),
            "hours_chart": lambda: _latest_month_bars(
                _readable(selectors.dataset("work_by_department"), 1), "hours"
            ),
            "decided_chart": lambda: _latest_month_bars(
                _readable(selectors.dataset("verification"), 1), "share_within_target", of_whole=True
            ),
            "impact": lambda: _readable(selectors.dataset("impact"), MONTHS_ON_THE_PAGE),
            "rewards": lambda: _readable(selectors.dataset("rewards"), MONTHS_ON_THE_PAGE),
            "voice": lambda: _readable(selectors.dataset("voice"), MONTHS_ON_THE_PAGE),
            "savings": lambda: _readable(selectors.dataset("savings"), MONTHS_ON_THE_PAGE),
            "equity": lambda: _equity_readable(selectors.dataset("equity")),
            "equity_days": selectors.EQUITY_DAYS,
            "monthly_datasets": selectors.MONTHLY_DATASETS,
            "photos": lambda: _readable_photos(selectors.public_photos()),
            "months": lambda: _months(selectors.dataset("work_by_department")),
            "dictionary": lambda: {name: list(fields.items()) for name, fields in DICTIONARY.items()},
            "licence": licence(),
            "min_people": selectors.MIN_PEOPLE,
        },
    )


def public_photo(request, photo_id: int):
    """A photo of approved work its reporter allowed to be public, checked on every request."""
    photo = selectors.public_photo_get(photo_id)
    if photo is None:
        raise Http404
    response = photo_file_response(photo)
    response["Cache-Control"] = "public, max-age=600"
    return response


@replica_reads
def dataset_download(request, name: str, extension: str):
    if name not in selectors.DATASETS or extension not in ("csv", "json"):
        raise Http404
    services.figures_refresh_if_stale()
    return _download(name, extension, selectors.dataset(name), filename=f"hamyar-{name}")


@replica_reads
def dataset_month_download(request, name: str, year: int, month: int, extension: str):
    """One Jalali month of a monthly dataset, at an address that stays the same: 1405-09 is always Azar
    1405 (its figures change only if a decision about that month's work does)."""
    if name not in selectors.MONTHLY_DATASETS or extension not in ("csv", "json") or not 1 <= month <= 12:
        raise Http404
    services.figures_refresh_if_stale()
    rows = selectors.dataset_month(name, year, month)
    return _download(name, extension, rows, filename=f"hamyar-{name}-{year}-{month:02d}", month=(year, month))


def _download(name: str, extension: str, rows: list[dict], *, filename: str, month=None):
    rows = [flat_row(row) for row in rows]
    dictionary = {field: str(meaning) for field, meaning in DICTIONARY[name].items()}
    if extension == "json":
        body = {"dataset": name, "licence": licence(), "fields": dictionary, "rows": rows}
        if month is not None:
            body = {"dataset": name, "year": month[0], "month": month[1], **body}
        response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response.write("\ufeff")
        # every column any row has (an equity row is a district's or a service's), in order of appearance
        columns = list(dict.fromkeys(column for row in rows for column in row)) or list(dictionary)
        writer = csv.DictWriter(response, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    response["Content-Disposition"] = f'inline; filename="{filename}.{extension}"'
    response["X-Licence"] = licence()
    return response


def data_dictionary(request):
    return JsonResponse(
        {
            "licence": licence(),
            "datasets": {
                name: {field: str(meaning) for field, meaning in fields.items()}
                for name, fields in DICTIONARY.items()
            },
        },
        json_dumps_params={"ensure_ascii": False},
    )
