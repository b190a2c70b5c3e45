"""The demo's content is data (demo/data/*.json): every file reads, says what it is, and names only things
that exist; loading the demo twice changes no table."""

import io
import json

import pytest
from django.apps import apps
from django.core.management import call_command

from city.catalogue import catalogue_data
from demo.calls import DEMO_CALLS, DEMO_SKILLS
from demo.data import DATA_DIR
from demo.people import DEMO_PEOPLE, DEMO_PROFILES
from demo.people import DEMO_SKILLS as PEOPLE_SKILLS


def test_every_data_file_is_json_that_says_what_it_holds():
    files = sorted(DATA_DIR.glob("*.json"))

    expected = ["calls", "delphi", "history", "home", "people", "reports", "rewards", "voice"]
    assert [path.stem for path in files] == expected
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["about"].strip(), path.name


def test_the_demo_calls_cover_every_service_of_the_study_and_name_known_skills():
    study_services = {service["slug"] for service in catalogue_data()["services"]}

    assert {plan.service for plan in DEMO_CALLS} >= study_services
    assert len({plan.slug for plan in DEMO_CALLS}) == len(DEMO_CALLS)
    required = {slug for plan in DEMO_CALLS for slug in plan.required_skills}
    assert required <= {slug for slug, _fa, _en in DEMO_SKILLS} <= {slug for slug, _fa, _en in PEOPLE_SKILLS}


def test_profiles_belong_to_demo_people():
    assert set(DEMO_PROFILES) <= {person.username for person in DEMO_PEOPLE}


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@pytest.mark.django_db
def test_loading_the_demo_again_changes_no_table(settings, caplog):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    first = _row_counts()
    # The demo people without a mobile or e-mail are not reported one line each while it loads.
    assert "notice not sent" not in caplog.text

    call_command("load_demo", stdout=io.StringIO())

    assert _row_counts() == first
    assert first["campaigns.OpenCallPage"] == len(DEMO_CALLS)
