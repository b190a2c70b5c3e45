"""Check-in on the web: the page the QR code opens on a volunteer's phone, and the site lead's QR screen,
roster and list of shifts, with who may see what."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone, translation

from campaigns.checkin import services as checkin
from campaigns.models import SignUp
from campaigns.tests.factories import PersonFactory, add_shift, publish_call
from campaigns.tests.test_checkin_services import SITE, confirmed_signup, site_lead_of
from city.models import Service

pytestmark = pytest.mark.django_db

PERSIAN_DIGIT = re.compile("[۰-۹]")


@pytest.fixture(autouse=True)
def persian_outside_requests():
    with translation.override("fa"):
        yield


@pytest.fixture
def shift():
    """A shift that started ten minutes ago."""
    return add_shift(publish_call(), starts_in=datetime.timedelta(minutes=-10))


@pytest.fixture
def signup(shift):
    return confirmed_signup(shift)


def scan_url(shift, language: str = "fa", **kwargs) -> str:
    token = checkin.checkin_token_issue(shift=shift, **kwargs).token
    return f"/en/checkin/{token}/" if language == "en" else f"/checkin/{token}/"


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def other_department_staff(shift):
    slug = Service.objects.exclude(department=shift.call.service.department).values_list("slug", flat=True)[0]
    return site_lead_of(add_shift(publish_call(service_slug=slug)))


# --- The volunteer's phone ------------------------------------------------------------------------------


def test_someone_not_logged_in_logs_in_and_comes_back(client, shift):
    url = scan_url(shift)
    response = client.get(url)
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == "/account/login/"
    assert parse_qs(target.query)["next"] == [url]


def test_the_page_offers_to_check_in_then_shows_the_time_in_jalali(client, signup):
    client.force_login(signup.volunteer)
    url = scan_url(signup.shift)

    page = soup_of(client.get(url))
    form = page.select_one("form[data-checkin-form]")
    assert form is not None and not form.has_attr("data-needs-position")
    response = client.post(url, {"latitude": "", "longitude": ""})

    assert response.status_code == 302
    assert response["Location"] == f"/checkin/sign-ups/{signup.pk}/"
    signup.refresh_from_db()
    assert signup.checked_in_at is not None
    result = soup_of(client.get(response["Location"]))
    done = result.select_one(".checkin-done").get_text()
    assert PERSIAN_DIGIT.search(done)
    assert "ساعت" in done  # "at" of a Persian date with its time


def test_the_result_page_speaks_english_under_en(client, signup):
    client.force_login(signup.volunteer)
    client.post(scan_url(signup.shift, "en"))
    page = soup_of(client.get(f"/en/checkin/sign-ups/{signup.pk}/"))
    text = page.select_one(".checkin-done").get_text()
    assert "You checked in on" in text
    assert timezone.localtime(SignUp.objects.get(pk=signup.pk).checked_in_at).strftime("%H:%M") in text


def test_a_scan_after_checking_in_offers_to_check_out(client, signup):
    SignUp.objects.filter(pk=signup.pk).update(checked_in_at=timezone.now() - datetime.timedelta(hours=1))
    client.force_login(signup.volunteer)
    url = scan_url(signup.shift, "en")

    assert "Check me out" in soup_of(client.get(url)).select_one("[data-checkin-submit]").get_text()
    client.post(url)

    signup.refresh_from_db()
    assert signup.checked_out_at is not None


def test_a_double_submitted_scan_checks_in_once(client, signup):
    client.force_login(signup.volunteer)
    url = scan_url(signup.shift)
    first, second = client.post(url), client.post(url)
    assert first["Location"] == second["Location"] == f"/checkin/sign-ups/{signup.pk}/"
    signup.refresh_from_db()
    assert signup.checked_out_at is None


def test_an_expired_code_says_to_scan_again_and_offers_no_form(client, signup):
    client.force_login(signup.volunteer)
    url = scan_url(signup.shift, "en", now=timezone.now() - datetime.timedelta(minutes=5))

    response = client.get(url)

    assert response.status_code == 400
    page = soup_of(response)
    assert "expired" in page.select_one("[role=alert]").get_text()
    assert page.select_one("form[data-checkin-form]") is None


def test_someone_without_a_place_is_told_so(client, shift):
    client.force_login(PersonFactory())
    response = client.get(scan_url(shift, "en"))
    assert response.status_code == 403
    assert "confirmed place" in soup_of(response).select_one("[role=alert]").get_text()


def test_a_shift_with_a_radius_asks_for_the_position_and_refuses_one_too_far(client):
    shift = add_shift(
        publish_call(latitude=SITE[0], longitude=SITE[1]),
        starts_in=datetime.timedelta(minutes=-10),
        checkin_radius_m=100,
    )
    signup = confirmed_signup(shift)
    client.force_login(signup.volunteer)
    url = scan_url(shift, "en")

    page = soup_of(client.get(url))
    assert page.select_one("form[data-checkin-form]").has_attr("data-needs-position")
    assert "location" in page.select_one(".checkin-explain").get_text()

    response = client.post(url, {"latitude": "32.6600", "longitude": "51.6770"})
    assert response.status_code == 403
    page = soup_of(response)
    assert "metres" in page.select_one("[role=alert]").get_text()
    assert page.select_one("form[data-checkin-form]") is not None  # they can come closer and try again

    response = client.post(url, {"latitude": "۳۲.۶۵۷۰", "longitude": "۵۱.۶۷۷۰"})  # Persian digits too
    assert response.status_code == 302
    signup.refresh_from_db()
    assert signup.checked_in_at is not None


def test_the_result_page_is_the_persons_own(client, signup):
    client.force_login(PersonFactory())
    assert client.get(f"/checkin/sign-ups/{signup.pk}/").status_code == 404


# --- The site lead --------------------------------------------------------------------------------------


def test_the_qr_page_shows_an_svg_code_of_a_working_link(client, shift, signup):
    client.force_login(site_lead_of(shift))

    response = client.get(f"/checkin/shifts/{shift.pk}/qr/")

    assert response.status_code == 200
    page = soup_of(response)
    svg = page.select_one("[data-checkin-qr-code] svg")
    assert svg is not None and svg.has_attr("viewbox")
    screen = page.select_one("[data-checkin-qr]")
    assert screen["data-token-url"] == f"/api/v1/shifts/{shift.pk}/checkin-token"
    assert int(screen["data-refresh-seconds"]) == 60
    counts = {tag["data-checkin-count"]: tag.get_text() for tag in page.select("[data-checkin-count]")}
    assert counts == {"checked_in": "۰", "confirmed": "۱"}


def test_the_roster_lists_people_and_checks_them_in_and_out(client, shift, signup):
    client.force_login(site_lead_of(shift))
    roster_url = f"/checkin/shifts/{shift.pk}/roster/"

    row = soup_of(client.get(roster_url)).select_one(f"#signup-{signup.pk}")
    assert signup.volunteer.get_full_name() in row.get_text()
    check_in = row.select_one("form")
    response = client.post(check_in["action"])
    assert response.status_code == 302
    assert response["Location"] == f"{roster_url}#signup-{signup.pk}"

    row = soup_of(client.get(roster_url)).select_one(f"#signup-{signup.pk}")
    client.post(row.select_one("form")["action"])

    signup.refresh_from_db()
    assert signup.checked_in_at is not None and signup.checked_out_at is not None


def test_other_departments_and_volunteers_cannot_run_check_in(client, shift, signup):
    for person in (signup.volunteer, other_department_staff(shift)):
        client.force_login(person)
        assert client.get(f"/checkin/shifts/{shift.pk}/qr/").status_code == 403
        assert client.get(f"/checkin/shifts/{shift.pk}/roster/").status_code == 403
        assert client.post(f"/checkin/sign-ups/{signup.pk}/check-in/").status_code == 404
    assert client.get("/checkin/shifts/999999/qr/").status_code == 404
    client.force_login(signup.volunteer)
    assert client.get("/checkin/shifts/").status_code == 403
    signup.refresh_from_db()
    assert signup.checked_in_at is None


def test_site_lead_pages_need_a_login(client, shift):
    for url in (f"/checkin/shifts/{shift.pk}/qr/", f"/checkin/shifts/{shift.pk}/roster/", "/checkin/shifts/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/account/login/")


def test_roster_buttons_only_post(client, shift, signup):
    client.force_login(site_lead_of(shift))
    assert client.get(f"/checkin/sign-ups/{signup.pk}/check-in/").status_code == 405


def test_the_site_leads_list_shows_their_departments_shifts_on_now_or_soon(client, shift):
    lead = site_lead_of(shift)
    later = add_shift(shift.call, starts_in=datetime.timedelta(days=3))
    long_ago = add_shift(shift.call, starts_in=datetime.timedelta(days=-3))
    other_department_shift = add_shift(publish_call(service_slug=_other_slug(shift)))
    client.force_login(lead)

    page = soup_of(client.get("/checkin/shifts/"))

    links = {link["href"] for link in page.select(".checkin-shift a")}
    assert f"/checkin/shifts/{shift.pk}/qr/" in links
    assert f"/checkin/shifts/{later.pk}/roster/" in links
    assert not any(f"/{s.pk}/" in link for s in (long_ago, other_department_shift) for link in links)


def _other_slug(shift) -> str:
    return Service.objects.exclude(department=shift.call.service.department).values_list("slug", flat=True)[0]


def test_the_staff_area_links_to_the_rosters_of_a_calls_shifts_on_now(rf, shift):
    from campaigns.checkin import wagtail_hooks as staff_area

    lead = site_lead_of(shift)
    add_shift(shift.call, starts_in=datetime.timedelta(days=3))  # not yet: no button

    buttons = list(staff_area.checkin_roster_buttons(shift.call, lead))

    assert [button.url for button in buttons] == [f"/checkin/shifts/{shift.pk}/roster/"]
    assert list(staff_area.checkin_roster_buttons(shift.call, other_department_staff(shift))) == []
    request = rf.get("/admin/")
    request.user = lead
    assert staff_area.register_checkin_menu_item().is_shown(request)
    request.user = PersonFactory()
    assert not staff_area.register_checkin_menu_item().is_shown(request)
