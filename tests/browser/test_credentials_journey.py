"""What a volunteer takes away, on a phone in Persian or English: a certificate of their verified hours as a
PDF whose QR code leads to its public check page, the archive of their data, and, in the end, deleting their
account with a code sent to their mobile."""

import datetime
import io
import zipfile
from decimal import Decimal

import pypdfium2
import pytest
import zxingcpp
from django.core.cache import cache, caches
from playwright.sync_api import expect

from achievements.models import Badge, BadgeAward
from campaigns.tests.factories import PersonFactory, add_shift, publish_call
from core.outbox import relay_due
from credentials import openbadges
from tests.browser.journeys import expect_accessible, expect_reads_in, log_in, site_url, watch_server_errors
from verification import services as verification
from verification.tests.factories import confirmed_signup, staff_of
from volunteers.models import User
from volunteers.sms import OutboxSmsBackend

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MOBILE = "09125556677"


@pytest.fixture
def volunteer(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    cache.clear()
    caches["limits"].clear()
    OutboxSmsBackend.outbox.clear()
    person = PersonFactory(first_name="نرگس", last_name="امینی", phone=MOBILE)
    call = publish_call(service_slug="libraries-and-reading-halls", points_per_hour=10)
    shift = add_shift(call, starts_in=-datetime.timedelta(days=3), hours=3)
    completion = verification.completion_report(
        signup=confirmed_signup(shift, person), actor=person, hours=Decimal("2.5"), note="کتاب‌خوانی"
    )
    verification.completion_approve(completion=completion, actor=staff_of("cultural"))
    badge, _ = Badge.objects.get_or_create(
        slug="book-friend",
        defaults={"name_fa": "دوست کتاب", "name_en": "Friend of books", "rule": "verified_shifts"},
    )
    BadgeAward.objects.get_or_create(user=person, badge=badge)
    return person


@pytest.mark.parametrize("language", ["fa", "en"])
def test_a_volunteer_takes_a_certificate_and_their_data_and_then_deletes_the_account(
    live_server, phone, volunteer, language
):
    errors = watch_server_errors(phone)
    log_in(phone, live_server, volunteer.username, language=language)

    # A certificate of this year's work, in the reader's language.
    phone.goto(site_url(live_server, "/account/", language))
    phone.locator("a[href$='/account/certificates/']").click()
    expect_reads_in(phone, language)
    expect_accessible(phone)
    phone.locator("input[name=period_start]").fill("۱۴۰۵/۰۱/۰۱" if language == "fa" else "2026-03-21")
    phone.locator("input[name=period_end]").fill("۱۴۰۵/۱۲/۲۹" if language == "fa" else "2027-03-20")
    phone.locator("form.form button[type=submit]").click()
    card = phone.locator(".certificate-card").first
    expect(card).to_contain_text("۲٫۵" if language == "fa" else "2.5")
    with phone.expect_download() as download_info:
        card.locator("a[href$='.pdf']").click()
    pdf = pypdfium2.PdfDocument(download_info.value.path())
    text = pdf[0].get_textpage().get_text_range()
    assert "نرگس امینی" in text
    assert ("گواهی داوطلبی" if language == "fa" else "Certificate of volunteering") in text

    # Its QR code, read off the rendered page as a phone's camera would, opens the check page, which
    # confirms it; the same address is printed under the code.
    codes = zxingcpp.read_barcodes(pdf[0].render(scale=3).to_pil(), formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(codes) == 1, codes
    check_url = codes[0].text
    assert "/c/HMY-" in check_url and check_url in text.split()
    phone.goto(live_server.url + check_url[check_url.index("/", len("http://")) :])
    expect(phone.locator(".certificate-status--valid")).to_be_visible()
    expect_reads_in(phone, language)
    expect_accessible(phone)

    # Their verified hours as an Open Badges 3.0 credential, which checks out against the city's key.
    phone.goto(site_url(live_server, "/account/", language))
    phone.locator("a[href$='/account/open-badges/']").click()
    expect_reads_in(phone, language)
    expect_accessible(phone)
    phone.locator("form:has(input[name=kind][value=hours]) button[type=submit]").click()
    with phone.expect_download() as download_info:
        phone.locator("a[href$='.jwt']").first.click()
    token = open(download_info.value.path()).read()
    assert openbadges.read_credential(token)["credentialSubject"]["creditsEarned"] == 2.5
    expect_accessible(phone)

    # And a badge they earned, as its own credential naming the badge in the reader's language.
    badge_name = "دوست کتاب" if language == "fa" else "Friend of books"
    phone.locator(".card", has_text=badge_name).locator("button[type=submit]").click()
    issued = phone.locator(".card[id^=credential-]", has_text=badge_name)
    with phone.expect_download() as download_info:
        issued.locator("a[href$='.jwt']").click()
    claims = openbadges.read_credential(open(download_info.value.path()).read())
    achievement = claims["credentialSubject"]["achievement"]
    assert achievement["id"].endswith("/achievements/badge-book-friend") and achievement["name"] == badge_name
    assert "OpenBadgeCredential" in claims["type"]
    expect_reads_in(phone, language)

    # Their data, as one archive.
    phone.goto(site_url(live_server, "/account/my-data/", language))
    phone.locator("main form button[type=submit]").click()
    relay_due()
    phone.reload()
    with phone.expect_download() as download_info:
        phone.locator("a[href$='/hamyar-data.zip']").first.click()
    with zipfile.ZipFile(io.BytesIO(open(download_info.value.path(), "rb").read())) as archive:
        assert "reports.json" in archive.namelist() and "profile.csv" in archive.namelist()

    # And deleting the account, confirmed by the code sent to their mobile.
    phone.goto(site_url(live_server, "/account/", language))
    phone.locator("a[href$='/account/delete/']").click()
    expect_accessible(phone)
    phone.locator("main form button[type=submit]").click()
    phone.locator("input[name=code]").fill(OutboxSmsBackend.last_code(MOBILE))
    phone.locator("main form button[type=submit].button--danger").click()
    phone.wait_for_url(lambda url: "/account/delete/" not in url)
    volunteer.refresh_from_db()
    assert not volunteer.is_active and volunteer.phone is None
    assert not User.objects.filter(first_name="نرگس").exists()
    # The certificate they gave someone still checks out as issued.
    phone.goto(live_server.url + check_url[check_url.index("/", len("http://")) :])
    expect(phone.locator(".certificate-facts")).to_contain_text("نرگس امینی")
    assert errors == []
