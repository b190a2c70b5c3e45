"""The shipped Isfahan study, exactly as published: its funnel, its seven panels and their W round by round
(Tables 4–6), the four deputies that left after round 1 and why, and the 21 services' means and SDs (Table 3)
linked to the catalogue; shown to the public with the published decimals, in Persian and English."""

import csv
import io
import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from core.localization import persian_digits
from delphi.models import CandidateResult, PanelResult, Study

pytestmark = pytest.mark.django_db

DATA_FILE = Path(__file__).resolve().parents[2] / "city" / "data" / "crowdsourceable_services.json"
DATA = json.loads(DATA_FILE.read_text("utf-8"))
# Tables 4, 5 and 6 of the paper: W per panel in rounds 1, 2 and 3.
PUBLISHED_W = {
    1: [0.771, 0.932, 0.940],
    2: [0.630, 0.952, 0.962],
    3: [0.568, 0.871, 0.898],
    4: [0.671],
    5: [0.730],
    6: [0.768],
    7: [0.689],
}


@pytest.fixture
def study():
    return Study.objects.get(figures_published=True)


def test_the_shipped_study_is_closed_and_marked_as_published_figures(study):
    assert (study.status, study.figures_published, study.max_rounds) == ("closed", True, 3)
    funnel = {step["en"]: step["count"] for step in study.published_facts["funnel"]}
    assert funnel == {
        "macro processes": 15,
        "process groups": 52,
        "main processes": 202,
        "sub-processes": 978,
        "services to citizens and businesses": 368,
        "removed by the legal committee": 200,
        "rated in the Delphi rounds": 168,
        "possible to crowdsource": 21,
    }
    assert sum(item["count"] for item in study.published_facts["reviewed_by_department"]) == 368
    assert [item["count"] for item in study.published_facts["panel_composition"]] == [2, 4, 4, 2]


def test_each_panels_w_is_the_published_one_and_four_panels_left_after_round_one(study):
    found = {}
    for result in PanelResult.objects.filter(round__study=study).select_related("panel", "round"):
        found.setdefault(result.panel.sort_order, []).append((result.round.number, result.w))
    assert {panel: [w for _n, w in sorted(rows)] for panel, rows in found.items()} == PUBLISHED_W
    left = study.panels.filter(excluded_after_round=1)
    assert list(left.values_list("sort_order", flat=True)) == [4, 5, 6, 7]
    assert all(panel.exclusion_reason_fa and panel.exclusion_reason_en for panel in left)


def test_the_21_services_figures_are_table_3_and_each_is_linked_to_its_catalogue_service(study):
    assert study.candidates.count() == 21
    for service in DATA["services"]:
        candidate = study.candidates.get(promoted_service__slug=service["slug"])
        rows = CandidateResult.objects.filter(candidate=candidate).order_by("round__number")
        assert [(row.mean, row.sd) for row in rows] == [
            (service["delphi"][f"round_{number}"]["mean"], service["delphi"][f"round_{number}"]["sd"])
            for number in (1, 2, 3)
        ]


@pytest.mark.parametrize("language", ["fa", "en"])
def test_the_public_page_shows_the_published_decimals_and_cites_its_source_in_the_readers_language(
    client, study, language
):
    response = client.get(("/en" if language == "en" else "") + f"/delphi/studies/{study.pk}/")

    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    text = soup.select_one("main").text
    traffic = soup.select(".delphi-panel")[0]
    w_cells = [row.select("td")[0].text for row in traffic.select(".delphi-w-table tbody tr")]
    means = traffic.select(".delphi-candidates-table tbody tr")[0].text
    if language == "fa":
        assert w_cells == ["۰٫۷۷۱", "۰٫۹۳۲", "۰٫۹۴۰"]
        assert "۴٫۴۳" in means  # clean transport projects, round 3
        assert "نشریهٔ علمی پژوهش‌های فضا و مکان در شهر" in soup.select_one(".delphi-source").text
        assert persian_digits(368) in text
    else:
        assert w_cells == ["0.771", "0.932", "0.940"]
        assert "4.43" in means and "4.00" in soup.select(".delphi-panel")[2].text  # painting, round 2
        assert "Journal of Space and Place Research in the City" in soup.select_one(".delphi-source").text


def test_the_shipped_study_is_listed_for_the_public(client, study):
    soup = BeautifulSoup(client.get("/delphi/").content, "html.parser")

    assert soup.find("a", href=f"/delphi/studies/{study.pk}/")


def test_a_catalogue_service_page_shows_its_figures_as_published_and_leads_to_the_study(client, study):
    soup = BeautifulSoup(client.get("/services/painting-and-graffiti-removal/").content, "html.parser")

    rows = [[cell.text for cell in row.select("th, td")] for row in soup.select(".study tbody tr")]
    assert rows[1] == ["۲", "۴٫۰۰", "۱٫۰۰"]  # round 2: 4.00 and 1.00, not "4" and "1"
    assert soup.select_one(".study").find("a", href=f"/delphi/studies/{study.pk}/")


def test_the_catalogue_says_what_happened_in_the_study_and_cites_it_in_persian(client, study):
    soup = BeautifulSoup(client.get("/services/").content, "html.parser")

    text = soup.select_one("#study").text
    assert "کمیتهٔ حقوقی" in text
    assert "۲۰۰" in text and "۱۶۸" in text
    assert "پژوهش‌های فضا و مکان در شهر" in text


def test_every_figure_downloads_as_csv_with_the_published_decimals(client, study):
    response = client.get(f"/en/delphi/studies/{study.pk}/figures.csv")

    assert response.status_code == 200 and response["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    panels = [row for row in rows if row["row"] == "panel"]
    candidates = [row for row in rows if row["row"] == "candidate"]
    assert (len(panels), len(candidates)) == (13, 63)
    traffic = [row["w"] for row in panels if row["panel"].startswith("Panel 1:")]
    assert traffic == ["0.771", "0.932", "0.940"]
    painting = [r for r in candidates if r["candidate"].startswith("Painting") and r["round"] == "2"]
    assert (painting[0]["mean"], painting[0]["sd"], painting[0]["published"]) == ("4.00", "1.00", "True")


@pytest.mark.parametrize(
    ("prefix", "w_round_1", "title_word"), [("", "۰٫۷۷۱", "دلفی"), ("/en", "0.771", "Delphi")]
)
def test_the_report_downloads_as_a_pdf_in_the_readers_language(client, study, prefix, w_round_1, title_word):
    import pypdfium2

    response = client.get(f"{prefix}/delphi/studies/{study.pk}/report.pdf")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    document = pypdfium2.PdfDocument(response.content)
    text = "".join(document[index].get_textpage().get_text_range() for index in range(len(document)))
    assert len(document) >= 2
    assert w_round_1 in text
    page = client.get(f"{prefix}/delphi/studies/{study.pk}/").content.decode()
    assert f"/delphi/studies/{study.pk}/report.pdf" in page
