"""The demo's Delphi study: under way, round 1's figures there, round 2 half answered, run by staff-urban."""

import pytest
from django.contrib.auth import get_user_model

from delphi import selectors
from delphi.models import PanelResult, Study
from demo.delphi import demo_delphi_load
from demo.people import demo_people_load

pytestmark = pytest.mark.django_db


def test_the_demo_study_is_under_way_once_and_staff_urban_runs_it(client):
    demo_people_load()
    study = demo_delphi_load()

    assert demo_delphi_load() is None
    assert Study.objects.filter(figures_published=False).count() == 1
    first = PanelResult.objects.get(round__study=study, round__number=1)
    assert first.w is not None and 0 < first.w < 1
    current = selectors.open_round(study)
    assert (current.number, current.submissions.count()) == (2, 3)
    assert selectors.candidates_in_round(study=study, number=2).count() == 4

    client.force_login(get_user_model().objects.get(username="staff-urban"))
    assert client.get(f"/admin/delphi/studies/{study.pk}/").status_code == 200
