"""What the open data says about itself: each field's meaning, the licence, and a row as downloaded."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

# What each field of each dataset means, for the page and for the data dictionary in every download.
DICTIONARY = {
    "work_by_department": {
        "year": _("Jalali year of the shifts"),
        "month": _("Jalali month of the shifts (1–12)"),
        "department_id": _("the department's id"),
        "suppressed": _("true when fewer than five people did this work: its numbers are not shown"),
        "hours": _("hours of work approved by the department's staff"),
        "people": _("different people whose work was approved"),
        "shifts": _("different shifts worked"),
    },
    "work": {
        "year": _("Jalali year of the shifts"),
        "month": _("Jalali month of the shifts (1–12)"),
        "department_id": _("the department's id"),
        "service": _("the service's slug in the catalogue"),
        "suppressed": _("true when fewer than five people did this work: its numbers are not shown"),
        "hours": _("hours of work approved by the department's staff"),
        "people": _("different people whose work was approved"),
        "shifts": _("different shifts worked"),
    },
    "verification": {
        "year": _("Jalali year the reports were sent"),
        "month": _("Jalali month the reports were sent (1–12)"),
        "department_id": _("the department's id"),
        "reports": _("completion reports sent"),
        "decided": _("reports with a decision"),
        "median_hours": _("median hours from a report to its first decision"),
        "p90_hours": _("90th percentile of those hours"),
        "share_within_target": _("share of decided reports decided within the target"),
        "target_hours": _("the target, in hours"),
    },
    "rewards": {
        "year": _("Jalali year the vouchers were issued"),
        "month": _("Jalali month the vouchers were issued (1–12)"),
        "department_id": _("the department whose rewards they are"),
        "suppressed": _("true when fewer than five people got vouchers: the numbers are not shown"),
        "points": _("points spent on the department's rewards"),
        "vouchers": _("vouchers issued (not cancelled)"),
    },
    "voice": {
        "year": _("Jalali year the items were received"),
        "month": _("Jalali month the items were received (1–12)"),
        "department_id": _("the department that answered (or holds) the items"),
        "received": _("suggestions, ideas, thanks, complaints and problems received"),
        "answered": _("items answered"),
        "answered_within_target": _("items answered within the department's target"),
        "median_hours_to_answer": _("median working hours to the first answer"),
        "p90_hours_to_answer": _("90th percentile of those hours"),
        "reopen_rate": _("share of answered items their authors reopened"),
        "average_rating": _("average rating of the answers, 1 to 5"),
    },
    "impact": {
        "year": _("Jalali year of the shifts"),
        "month": _("Jalali month of the shifts (1–12)"),
        "department_id": _("the department's id"),
        "service": _("the service's slug in the catalogue"),
        "measure": _("what was measured (the measure's key)"),
        "measure_kind": _("number, or check: a checklist item observed or not"),
        "unit_fa": _("the unit, in Persian"),
        "unit_en": _("the unit, in English"),
        "suppressed": _("true when fewer than five people did this work: its numbers are not shown"),
        "total": _("the sum approved by the department's staff (for a check: reports that observed it)"),
        "reports": _("approved reports that gave the figure"),
    },
    "districts": {
        "year": _("Jalali year of the shifts"),
        "month": _("Jalali month of the shifts (1–12)"),
        "district_number": _("the municipal district's number"),
        "population": _("the district's residents, where set"),
        "suppressed": _("true when fewer than five people did this work: its numbers are not shown"),
        "hours": _("hours of work approved by the department's staff"),
        "people": _("different people whose work was approved"),
        "shifts": _("different shifts worked"),
        "people_per_thousand": _("those people per thousand residents of the district"),
    },
    "equity": {
        "kind": _("district or service"),
        "key": _("the district's number or the service's slug"),
        "population": _("the district's residents, where set"),
        "suppressed": _("true when fewer than five people worked in the district: its numbers are not shown"),
        "people": _("different people whose work in the district was approved in the last 90 days"),
        "people_per_thousand": _("those people per thousand residents"),
        "places_offered": _("places on the service's shifts of the last 90 days"),
        "places_taken": _("of those, places taken"),
        "share_taken": _("places taken as a share of places offered"),
        "relative_to_city": _("the figure against the whole city's (1 = the same)"),
        "under_served": _(
            "true when below half of the city's figure, where the city's figure would have meant at least "
            "five people or places"
        ),
    },
    "savings": {
        "year": _("Jalali year of the shifts"),
        "month": _("Jalali month of the shifts (1–12)"),
        "department_id": _("the department's id"),
        "suppressed": _("true when fewer than five people did this work: its numbers are not shown"),
        "saved_rials": _("verified hours times the service's contractor cost of an hour, in rials"),
        "hours_costed": _("verified hours of services whose contractor cost is set"),
        "hours_without_cost": _("verified hours of services without a contractor cost (not in saved_rials)"),
        "rewards_rials": _("value of the rewards given for the department's work, in rials"),
    },
}


def licence() -> str:
    """The open data's licence as its SPDX identifier."""
    return getattr(settings, "OPEN_DATA_LICENCE", "CC-BY-4.0")


def flat_row(row: dict) -> dict:
    """A row for download: names in both languages as their own columns (department_fa, service_en…)."""
    flat = {key: value for key, value in row.items() if not isinstance(value, dict)}
    for key, names in row.items():
        if isinstance(names, dict):
            prefix = key.removesuffix("_name")
            flat[f"{prefix}_fa"], flat[f"{prefix}_en"] = names["name_fa"], names["name_en"]
    return flat
