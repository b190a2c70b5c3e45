"""The study's catalogue of crowdsourceable services, shipped with the project.

`catalogue_load` is called by a data migration (with historical models) and by tests (with the real
ones), so it takes the model classes as arguments and uses nothing but the ORM.
"""

import json
from decimal import Decimal
from functools import cache
from pathlib import Path

CATALOGUE_PATH = Path(__file__).resolve().parent / "data" / "crowdsourceable_services.json"
DEPARTMENT_ORDER = ("urban_services", "traffic", "cultural")


@cache
def catalogue_data() -> dict:
    """The study's data set as shipped: departments, services, Delphi figures, the funnel and source."""
    with CATALOGUE_PATH.open(encoding="utf-8") as catalogue_file:
        return json.load(catalogue_file)


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def catalogue_load(*, department_model, service_model, delphi_round_model) -> dict[str, int]:
    """Creates the study's departments and services that are missing and sets the study's figures.

    Running it again changes nothing. Names and descriptions that staff have since edited are kept;
    the Delphi figures are the study's own and always match the shipped data.
    Returns how many departments and services it created.
    """
    data = catalogue_data()
    created = {"departments": 0, "services": 0}
    departments = {}
    for slug, department_data in data["departments"].items():
        department, was_created = department_model.objects.get_or_create(
            slug=slug,
            defaults={
                "name_fa": department_data["name_fa"],
                "name_en": department_data["name_en"],
                "sort_order": DEPARTMENT_ORDER.index(slug) if slug in DEPARTMENT_ORDER else 99,
            },
        )
        study_figures = {
            "panel_size": department_data["panel_size"],
            "kendall_w_round_2": _decimal(department_data["kendall_w"]["round_2"]),
            "kendall_w_round_3": _decimal(department_data["kendall_w"]["round_3"]),
        }
        if any(getattr(department, name) != value for name, value in study_figures.items()):
            department_model.objects.filter(pk=department.pk).update(**study_figures)
        created["departments"] += was_created
        departments[slug] = department

    for service_data in data["services"]:
        service, was_created = service_model.objects.get_or_create(
            slug=service_data["slug"],
            defaults={
                "department": departments[service_data["department"]],
                "study_number": service_data["number"],
                "name_fa": service_data["name_fa"],
                "name_en": service_data["name_en"],
                "short_name_fa": service_data["short_name_fa"],
                "short_name_en": service_data["short_name_en"],
            },
        )
        created["services"] += was_created
        for round_key, figures in service_data["delphi"].items():
            delphi_round_model.objects.update_or_create(
                service=service,
                round_number=int(round_key.removeprefix("round_")),
                defaults={"mean": _decimal(figures["mean"]), "standard_deviation": _decimal(figures["sd"])},
            )
    return created
