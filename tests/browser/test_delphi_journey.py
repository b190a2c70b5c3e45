"""The Delphi workbench as people use it: staff open a study's rounds at their desk, a panellist answers two
rounds on a phone (in Persian or English) through their private link, staff see W and the advice to stop,
make the qualifying candidate a service, and it appears in the catalogue; the public reads the shipped study.
"""

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from city.models import Department, Service
from delphi import selectors, services
from delphi.models import Candidate, Panel, Panellist, Study
from tests.browser.journeys import expect_accessible, expect_reads_in, log_in, site_url, watch_server_errors
from verification.tests.factories import staff_of

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CANDIDATES = (
    ("نگهداری باغچه‌های مدرسه", "Looking after school gardens"),
    ("راهنمایی گردشگران در ایستگاه مترو", "Guiding visitors at metro stations"),
    ("پایش آلودگی صوتی", "Noise monitoring"),
)


@pytest.fixture
def workbench():
    coordinator = staff_of("urban_services")
    coordinator.user_permissions.add(*Permission.objects.filter(content_type__app_label="delphi"))
    study = Study.objects.create(
        title_fa="خدمات تازه برای شهروندان",
        title_en="New services for citizens",
        question_fa="تا چه اندازه این خدمت قابل جمع‌سپاری است؟",
        question_en="How far can citizens take this service over?",
        department=Department.objects.get(slug="urban_services"),
        max_rounds=3,
        scale_labels=[{"fa": "هیچ", "en": "none"}, {}, {}, {}, {"fa": "بسیار زیاد", "en": "very high"}],
    )
    panel = Panel.objects.create(study=study, name_fa="پنل خدمات شهری", name_en="Urban services panel")
    for order, (name_fa, name_en) in enumerate(CANDIDATES):
        Candidate.objects.create(study=study, panel=panel, name_fa=name_fa, name_en=name_en, sort_order=order)
    panellists = [
        Panellist.objects.create(panel=panel, role=role, name=f"Expert {number}")
        for number, role in enumerate(("professor", "process", "staff_owner", "executive"))
    ]
    return {"coordinator": coordinator, "study": study, "panellists": panellists}


def others_answer(study, panellists, scores):
    current = selectors.open_round(study)
    for panellist, row in zip(panellists, scores, strict=True):
        candidates = selectors.candidates_in_round(study=study, number=current.number, panel=panellist.panel)
        answers = {candidate.pk: (score, "") for candidate, score in zip(candidates, row, strict=True)}
        services.answers_submit(panellist=panellist, round=current, answers=answers)


def answer_on_phone(phone, scores, comment=""):
    cards = phone.locator(".delphi-candidate")
    expect(cards).to_have_count(len(scores))
    for index, score in enumerate(scores):
        cards.nth(index).locator(f"input[type=radio][value='{score}']").check()
    if comment:
        cards.nth(0).locator("textarea").fill(comment)
    phone.locator("form.delphi-form button[type=submit]").click()
    expect(phone.locator(".delphi-done")).to_be_visible()


@pytest.mark.parametrize("language", ["fa", "en"])
def test_a_study_runs_two_rounds_to_a_new_catalogue_service(live_server, desk, phone, workbench, language):
    study, panellists = workbench["study"], workbench["panellists"]
    me = panellists[0]
    me.language = language
    me.save()
    phone_errors, desk_errors = watch_server_errors(phone), watch_server_errors(desk)
    study_page = f"{live_server.url}/admin/delphi/studies/{study.pk}/"

    # Staff open round 1 from the study's page, typing the days in Persian digits.
    log_in(desk, live_server, workbench["coordinator"].username)
    desk.goto(study_page)
    desk.locator("input[name=days]").fill("۷")
    desk.locator("form[action$='/rounds/open/'] button[type=submit]").click()
    expect(desk.locator("form[action$='/rounds/close/']")).to_be_visible()
    link = desk.locator("input[readonly]").first.input_value()
    assert link.endswith(f"/delphi/q/{me.token}/") and ("/en/" in link) == (language == "en")

    # The panellist opens their link on a phone and answers round 1.
    phone.goto(link)
    expect_reads_in(phone, language)
    expect_accessible(phone)
    answer_on_phone(phone, [5, 4, 2], comment="با آموزش کوتاه شدنی است" if language == "fa" else "Doable")
    others_answer(study, panellists[1:], [[5, 3, 1], [4, 4, 2], [5, 4, 1]])

    # Staff close it: the figures, with W to three decimals (by hand: rank sums 11.5, 8.5, 4 around 8, one
    # pair tied, W = 12 · 28.5 / (16 · 24 − 4 · 6) = 0.950).
    desk.reload()
    desk.locator("form[action$='/rounds/close/'] button[type=submit]").click()
    expect(desk.locator(".delphi-panel-results tbody tr")).to_have_count(1)
    expect(desk.locator(".delphi-panel-results tbody td").nth(1)).to_have_text("۰٫۹۵۰")

    # Round 2: the panellist sees the panel's mean with two decimals, the comment, and their own score.
    desk.locator("form[action$='/rounds/open/'] button[type=submit]").click()
    phone.goto(link)
    first = phone.locator(".delphi-candidate").first
    expect(first.locator(".delphi-previous")).to_contain_text("۴٫۷۵" if language == "fa" else "4.75")
    expect(phone.locator(".delphi-candidate")).to_have_count(2)  # the third (mean 1.5) dropped out
    expect_reads_in(phone, language)
    answer_on_phone(phone, [5, 4])
    others_answer(study, panellists[1:], [[5, 4], [5, 4], [5, 4]])

    # Staff close round 2: agreement is complete and has barely moved, so the advice is to stop.
    desk.reload()
    desk.locator("form[action$='/rounds/close/'] button[type=submit]").click()
    expect(desk.locator(".delphi-advice--stop")).to_be_visible()

    # The first candidate becomes a service of the catalogue.
    promote = desk.locator("form.delphi-admin-promote").first
    promote.locator("input[name=slug]").fill(f"school-gardens-{language}")
    promote.locator("input[name=short_name_fa]").fill("باغچه‌های مدرسه")
    promote.locator("input[name=short_name_en]").fill("School gardens")
    promote.locator("button[type=submit]").click()
    expect(desk.locator(".messages")).to_contain_text("باغچه‌های مدرسه")
    service = Service.objects.get(slug=f"school-gardens-{language}")

    phone.goto(site_url(live_server, "/services/", language))
    phone.locator(f"a[href$='/services/{service.slug}/']").first.click()
    expect(phone.locator(".study")).to_contain_text("۵٫۰۰" if language == "fa" else "5.00")
    expect_reads_in(phone, language)
    assert phone_errors == desk_errors == []


def test_the_public_reads_the_shipped_study_on_a_phone(live_server, phone):
    study = Study.objects.get(figures_published=True)

    phone.goto(site_url(live_server, "/services/", "en"))
    phone.locator(f"a[href='/en/delphi/studies/{study.pk}/']").click()
    expect(phone.locator(".delphi-funnel li")).to_have_count(8)
    expect(phone.locator(".delphi-panel")).to_have_count(7)
    expect_reads_in(phone, "en")
    expect_accessible(phone)
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
