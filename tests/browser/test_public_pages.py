"""The public pages in a real browser: a phone reader finds a call by district and service, in Persian
(right to left, Persian digits) and in English (left to right), with no serious accessibility faults."""

import re

import pytest
from playwright.sync_api import expect

from campaigns.tests.factories import add_shift, publish_call
from city.models import District
from tests.browser.conftest import blocking_accessibility_violations

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PERSIAN_DIGITS = re.compile("[۰-۹]")


@pytest.fixture
def calls():
    """Two calls in different districts and services, so that filtering has something to leave out."""
    cleanup = publish_call(
        title="پاک‌سازی بازار بزرگ",
        title_en="Cleaning the Grand Bazaar",
        district=District.objects.get(number=3),
        service_slug="street-sweeping-and-cleaning",
    )
    add_shift(cleanup, capacity=12)
    library = publish_call(
        title="کتاب‌خوانی در کتابخانهٔ محله",
        title_en="Reading hour at the neighbourhood library",
        district=District.objects.get(number=5),
        service_slug="libraries-and-reading-halls",
    )
    add_shift(library, capacity=8)
    return cleanup, library


def test_a_phone_reader_finds_a_call_by_district_and_service_in_persian(live_server, phone, calls):
    cleanup, _ = calls
    phone.goto(live_server.url + "/")
    expect(phone.locator("html")).to_have_attribute("dir", "rtl")
    expect(phone.locator("html")).to_have_attribute("lang", "fa")
    assert blocking_accessibility_violations(phone) == []

    phone.goto(live_server.url + "/calls/")
    expect(phone.get_by_role("heading", level=2)).to_contain_text("۲")
    assert blocking_accessibility_violations(phone) == []
    phone.get_by_text("پالایه‌های بیشتر").click()
    phone.get_by_label("منطقه").select_option(label=District.objects.get(number=3).name_fa)
    phone.get_by_label("خدمت").select_option(value="street-sweeping-and-cleaning")
    phone.get_by_role("button", name="نمایش فراخوان‌ها").click()

    expect(phone.get_by_role("heading", level=2)).to_contain_text("۱")
    expect(phone.get_by_role("link", name="پاک‌سازی بازار بزرگ")).to_be_visible()
    expect(phone.get_by_text("کتاب‌خوانی در کتابخانهٔ محله")).to_have_count(0)
    # The page does not scroll sideways on a phone.
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    phone.get_by_role("link", name="پاک‌سازی بازار بزرگ").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("پاک‌سازی بازار بزرگ")
    assert PERSIAN_DIGITS.search(phone.locator("main").inner_text())
    assert not re.search("[0-9]", phone.locator(".shifts-table").first.inner_text())
    assert blocking_accessibility_violations(phone) == []


def test_the_same_pages_read_left_to_right_in_english(live_server, phone, calls):
    phone.goto(live_server.url + "/en/calls/")
    expect(phone.locator("html")).to_have_attribute("dir", "ltr")
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    assert blocking_accessibility_violations(phone) == []

    phone.get_by_role("link", name="Reading hour at the neighbourhood library").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Reading hour at the neighbourhood library")
    assert not PERSIAN_DIGITS.search(phone.locator("main").inner_text())
    assert blocking_accessibility_violations(phone) == []

    phone.goto(live_server.url + "/en/")
    assert blocking_accessibility_violations(phone) == []


@pytest.mark.parametrize("language", ["fa", "en"])
def test_the_open_city_and_citizen_voices_figures_read_well_on_a_phone(
    live_server, phone, desk, language, settings, tmp_path
):
    """The public's figures, with something in every table: work of ten people (shown), districts with
    their residents (one under-served) and a citizen's item answered and rated, on a phone and a desk, in
    the reader's language and digits, axe clean."""
    from campaigns.tests.factories import PersonFactory
    from rewards.tests.factories import approval_create
    from tests.browser.journeys import expect_reads_in, site_url
    from verification import services as verification
    from verification.tests.factories import ended_signup, image_bytes, staff_of, upload
    from voice import services
    from voice.tests.factories import limits_cleared, received

    settings.MEDIA_ROOT = tmp_path
    limits_cleared()
    District.objects.filter(number=1).update(population=10_000)
    District.objects.filter(number=2).update(population=40_000)
    call = publish_call(service_slug="street-sweeping-and-cleaning")
    for _ in range(10):
        approval_create(volunteer=PersonFactory(), call=call, hours=1)
    item = received(public_allowed=True)
    staff = staff_of("urban_services")
    services.item_publish(item_id=item.pk, by=staff, public_title="", public_body="")
    services.item_answer(item_id=item.pk, by=staff, text="انجام شد")

    signup = ended_signup(call=call)
    photos = [("before", upload(image_bytes("PNG", size=(80, 60)), "b.png", "image/png")),
              ("after", upload(image_bytes(size=(80, 60))))]  # fmt: skip
    report = verification.completion_report(
        signup=signup, actor=signup.volunteer, hours="1", photos=photos, photos_public=True
    )
    verification.completion_approve(completion=report, actor=staff)

    for path in ("/open-city/", "/voice/monitoring/", "/voice/"):
        phone.goto(site_url(live_server, path, language))
        expect(phone.locator("h1")).to_be_visible()
        expect_reads_in(phone, language)
        assert blocking_accessibility_violations(phone) == [], path
        assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
    phone.goto(site_url(live_server, "/open-city/", language))
    expect(phone.locator(".opencity-table").first).to_contain_text("۱۱٫۰" if language == "fa" else "11.0")
    # District 1: 11 people per 10,000 residents; district 2, four times as big, nobody: under-served.
    tiles = phone.locator(".district-tile")
    expect(tiles.first).to_contain_text("۱٫۱" if language == "fa" else "1.1")
    expect(phone.locator(".district-tile--under-served")).to_have_count(1)
    expect(tiles.nth(1)).to_have_class(re.compile("district-tile--under-served"))
    # The before and after photos the volunteer allowed, loaded from their public address.
    pair = phone.locator(".opencity-photos__item img")
    expect(pair).to_have_count(2)
    pair.first.scroll_into_view_if_needed()
    loaded = "[...document.querySelectorAll('.opencity-photos img')].every(i => i.complete && i.naturalWidth)"
    phone.wait_for_function(loaded)
    desk.goto(site_url(live_server, "/open-city/", language))
    expect_reads_in(desk, language)
    assert blocking_accessibility_violations(desk) == []
    desk.locator("#months-heading").scroll_into_view_if_needed()
    desk.locator(".opencity-months summary").first.click()
    month_json = desk.locator(".opencity-months a[href$='.json']").first.get_attribute("href")
    assert desk.request.get(live_server.url + month_json).json()["rows"]
