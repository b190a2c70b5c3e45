"""The open city page and its open data: every dataset as CSV and JSON, with what each field means."""

import csv

from django.http import Http404, HttpResponse, JsonResponse
from django.template.response import TemplateResponse

from core.localization import format_jalali_month, is_persian

from . import selectors
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
                "department_name": row["department"][language_key],
                "service_label": row.get("service_name", {}).get(language_key, ""),
            }
        )
    return readable


def open_city(request):
    """What citizens did and how each department answers: the latest months, every figure downloadable."""
    return TemplateResponse(
        request,
        "opencity/open_city.html",
        {
            "work": _readable(selectors.dataset("work_by_department"), MONTHS_ON_THE_PAGE),
            "verification": _readable(selectors.dataset("verification"), MONTHS_ON_THE_PAGE),
            "rewards": _readable(selectors.dataset("rewards"), MONTHS_ON_THE_PAGE),
            "voice": _readable(selectors.dataset("voice"), MONTHS_ON_THE_PAGE),
            "savings": _readable(selectors.dataset("savings"), MONTHS_ON_THE_PAGE),
            "dictionary": {name: list(fields.items()) for name, fields in DICTIONARY.items()},
            "licence": licence(),
            "min_people": selectors.MIN_PEOPLE,
        },
    )


def dataset_download(request, name: str, extension: str):
    if name not in selectors.DATASETS or extension not in ("csv", "json"):
        raise Http404
    rows = [flat_row(row) for row in selectors.dataset(name)]
    dictionary = {field: str(meaning) for field, meaning in DICTIONARY[name].items()}
    if extension == "json":
        response = JsonResponse(
            {"dataset": name, "licence": licence(), "fields": dictionary, "rows": rows},
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response.write("\ufeff")
        writer = csv.DictWriter(response, fieldnames=list(rows[0]) if rows else list(dictionary))
        writer.writeheader()
        writer.writerows(rows)
    response["Content-Disposition"] = f'inline; filename="hamyar-{name}.{extension}"'
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
