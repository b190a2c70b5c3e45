"""The workbench in the staff area: only people with its permissions, only their departments' studies; a
round opened, answered, closed with its figures shown as published (W with three decimals), and a qualifying
candidate made a service of the catalogue."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from django.utils import timezone

from city.models import Department, Service
from delphi import selectors, services
from delphi.models import Candidate, Panel, Panellist, Study
from verification.tests.factories import staff_of

pytestmark = pytest.mark.django_db


def coordinator(department_slug="urban_services"):
    person = staff_of(department_slug)
    person.user_permissions.add(*Permission.objects.filter(content_type__app_label="delphi"))
    return person


@pytest.fixture
def study():
    found = Study.objects.create(
        title_fa="خدمات تازهٔ شهری",
        question_fa="تا چه اندازه قابل جمع‌سپاری است؟",
        department=Department.objects.get(slug="urban_services"),
    )
    panel = Panel.objects.create(study=found, name_fa="پنل خدمات شهری")
    for number in range(3):
        Candidate.objects.create(
            study=found, panel=panel, name_fa=f"خدمت {number}", name_en=f"Service {number}", sort_order=number
        )
    for role in ("professor", "process", "executive"):
        Panellist.objects.create(panel=panel, role=role, name=f"Expert {role}")
    return found


def answer_all(study, table):
    current = selectors.open_round(study)
    for panellist, row in zip(Panellist.objects.order_by("pk"), table, strict=True):
        candidates = selectors.candidates_in_round(study=study, number=current.number, panel=panellist.panel)
        services.answers_submit(
            panellist=panellist,
            round=current,
            answers={candidate.pk: (score, "") for candidate, score in zip(candidates, row, strict=True)},
        )


def test_people_without_the_workbenchs_permissions_are_refused(client, study):
    client.force_login(staff_of("urban_services"))

    # The admin's way of refusing: back to the dashboard, with "you do not have permission".
    response = client.get(f"/admin/delphi/studies/{study.pk}/")
    assert (response.status_code, response["location"]) == (302, "/admin/")
    assert client.post(f"/admin/delphi/studies/{study.pk}/rounds/open/", {"days": "5"}).status_code == 302
    assert not study.rounds.exists()


def test_a_study_of_another_department_does_not_exist_for_its_coordinator(client, study):
    client.force_login(coordinator("cultural"))

    assert client.get(f"/admin/delphi/studies/{study.pk}/").status_code == 404
    listing = client.get("/admin/snippets/delphi/study/").content.decode()
    assert study.title_fa not in listing


def test_a_coordinator_runs_a_round_sees_its_figures_and_promotes_a_candidate(client, study):
    client.force_login(coordinator())
    page = f"/admin/delphi/studies/{study.pk}/"
    listing = BeautifulSoup(client.get("/admin/snippets/delphi/study/").content, "html.parser")
    assert listing.find("a", href=page)  # each study of theirs leads to its rounds and figures

    response = client.post(page + "rounds/open/", {"days": "۱۴"}, follow=True)
    assert study.rounds.get().closes_at > timezone.now()
    answer_all(study, [[5, 4, 1], [5, 3, 2], [4, 4, 1]])
    response = client.post(page + "rounds/close/", follow=True)

    soup = BeautifulSoup(response.content, "html.parser")
    w_cell = soup.select_one(".delphi-panel-results tbody tr td:nth-of-type(2)").text
    # By hand: rank sums 8.5, 6.5, 3 around 6 (one pair tied), S = 15.5, W = 12 · 15.5 / (9 · 24 − 3 · 6) =
    # 0.9394, shown with three decimals.
    assert w_cell == "۰٫۹۳۹"
    means = [row.select("td")[1].text for row in soup.select(".delphi-candidate-results tbody tr")]
    assert means == ["۴٫۶۷", "۳٫۶۷", "۱٫۳۳"]

    first = study.candidates.get(sort_order=0)
    client.post(
        page + f"candidates/{first.pk}/promote/",
        {
            "department": Department.objects.get(slug="urban_services").pk,
            "slug": "new-service-zero",
            "short_name_fa": "خدمت صفر",
            "short_name_en": "Service zero",
        },
    )
    service = Service.objects.get(slug="new-service-zero")
    assert (service.name_fa, service.department.slug, service.delphi_candidate) == (
        "خدمت 0",
        "urban_services",
        first,
    )
    dropped = study.candidates.get(sort_order=2)
    client.post(
        page + f"candidates/{dropped.pk}/promote/",
        {"department": service.department_id, "slug": "dropped", "short_name_fa": "افتاده"},
    )
    assert not Service.objects.filter(slug="dropped").exists()
