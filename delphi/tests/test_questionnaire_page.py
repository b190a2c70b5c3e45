"""A panellist's private questionnaire page: on a phone, in their language, answered once, with the previous
round's figures (two decimals, as published) and the panel's comments without names."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from delphi import selectors, services
from delphi.models import Candidate, Panel, Panellist, Study

pytestmark = pytest.mark.django_db


@pytest.fixture
def study():
    found = Study.objects.create(
        title_fa="خدمات تازه",
        title_en="New services",
        question_fa="تا چه اندازه قابل جمع‌سپاری است؟",
        question_en="How far can citizens take it over?",
        scale_labels=[{"fa": "اصلاً", "en": "Not at all"}, {}, {}, {}, {"fa": "بسیار", "en": "Very much"}],
    )
    panel = Panel.objects.create(study=found, name_fa="پنل خدمات شهری", name_en="Urban services panel")
    for number in range(3):
        Candidate.objects.create(study=found, panel=panel, name_fa=f"خدمت {number}", sort_order=number)
    for role in ("professor", "process"):
        Panellist.objects.create(panel=panel, role=role, name=f"Dr {role.title()}")
    services.round_open(study=found, closes_at=timezone.now() + datetime.timedelta(days=5), actor=None)
    return found


def url(panellist, language="fa"):
    return ("/en" if language == "en" else "") + f"/delphi/q/{panellist.token}/"


def page(response):
    return BeautifulSoup(response.content, "html.parser")


def scores(study, values):
    candidates = selectors.candidates_in_round(study=study, number=selectors.open_round(study).number)
    return {f"score_{candidate.pk}": str(value) for candidate, value in zip(candidates, values, strict=True)}


def test_the_questionnaire_shows_each_candidate_with_the_scale(client, study):
    expert = Panellist.objects.first()

    soup = page(client.get(url(expert)))

    assert [h.text for h in soup.select(".delphi-candidate__name")] == ["خدمت 0", "خدمت 1", "خدمت 2"]
    first_scale = soup.select(".delphi-candidate")[0].select("input[type=radio]")
    assert [radio["value"] for radio in first_scale] == ["1", "2", "3", "4", "5"]
    assert "۱ · اصلاً" in soup.select(".delphi-candidate")[0].text


def test_a_missing_score_is_refused_keeping_what_was_typed_and_a_whole_answer_is_taken_once(client, study):
    expert = Panellist.objects.first()
    partial = {**scores(study, [5, 4, 3]), f"comment_{study.candidates.first().pk}": "نیاز به آموزش"}
    del partial[next(iter(partial))]

    response = client.post(url(expert), partial)

    assert response.status_code == 400
    assert "نیاز به آموزش" in response.content.decode()
    assert not expert.submissions.exists()

    response = client.post(url(expert), scores(study, [5, 4, 3]))
    assert response.status_code == 302
    assert [a.score for a in expert.submissions.get().answers.order_by("candidate__sort_order")] == [5, 4, 3]
    soup = page(client.get(url(expert)))
    assert soup.select_one(".delphi-done") and not soup.select("form.delphi-form")


def test_round_two_shows_the_panels_figures_with_two_decimals_and_comments_without_names(client, study):
    first_expert, second_expert = Panellist.objects.order_by("pk")
    first_candidate = study.candidates.order_by("sort_order").first()
    client.post(url(first_expert), {**scores(study, [5, 4, 1]), f"comment_{first_candidate.pk}": "شدنی است"})
    client.post(url(second_expert), scores(study, [3, 4, 2]))
    services.round_close(round=selectors.open_round(study), actor=None)
    services.round_open(study=study, closes_at=timezone.now() + datetime.timedelta(days=5), actor=None)

    english = client.get(url(second_expert, "en")).content.decode()
    soup = BeautifulSoup(english, "html.parser")

    first_card = soup.select(".delphi-candidate")[0]
    assert "4.00" in first_card.select_one(".delphi-previous").text  # mean of 5 and 3, as published: 4.00
    assert "1.41" in first_card.select_one(".delphi-previous").text
    assert "شدنی است" in first_card.select_one(".delphi-comments").text
    assert "Dr " not in english
    assert len(soup.select(".delphi-candidate")) == 2  # the third (mean 1.5) dropped out


def test_an_unknown_link_is_not_found(client, study):
    assert client.get("/delphi/q/not-a-token/").status_code == 404
