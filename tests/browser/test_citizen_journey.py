"""A citizen's whole journey on a phone, once in Persian and once in English: find a call by district and
service, sign up with a mobile number and the SMS code, take a shift (giving the date of birth the call
asks for on the way), find it in a calendar file, check in with the site lead's QR
link, report the work with a photo, and, once staff have verified it, see the points, a badge and the
leaderboard, and spend the points on a discount voucher shown as a QR code.

Every page on the way reads in its language (direction, digits, Jalali or Gregorian dates) and axe-core
finds nothing serious or critical on the home, listing, call, my-shifts, leaderboard and voucher pages.
"""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache, caches
from django.utils import timezone
from playwright.sync_api import expect

from campaigns.checkin import services as checkin
from campaigns.models import Shift, SignUp
from campaigns.tests.factories import add_shift, publish_call
from city.models import Department, District
from core.outbox import relay_due
from rewards.models import Reward
from tests.browser.journeys import (
    day_as_written,
    expect_accessible,
    expect_reads_in,
    site_url,
    small_jpeg,
    to_persian_digits,
    watch_server_errors,
)
from verification import services as verification_services
from verification.models import Completion
from verification.tests.factories import staff_of
from volunteers.sms import OutboxSmsBackend

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MOBILE = "09123456789"
LIBRARY_SERVICE = "libraries-and-reading-halls"
TITLES = {
    "library": {"fa": "کتاب‌خوانی در کتابخانهٔ محله", "en": "Reading hour at the neighbourhood library"},
    "cleanup": {"fa": "پاک‌سازی بازار بزرگ", "en": "Cleaning the Grand Bazaar"},
    "reward": {"fa": "تخفیف بلیت استخر", "en": "Discount on pool tickets"},
}


@pytest.fixture
def city(settings, tmp_path):
    """Two calls in different districts and services (a Cultural one, whose first verified shift earns a
    badge), a member of the Cultural staff to verify the work, and a discount the points can buy."""
    settings.MEDIA_ROOT = tmp_path / "media"
    # Code requests are limited per address in the limits cache, which other tests of the run share.
    cache.clear()
    caches["limits"].clear()
    library = publish_call(
        title=TITLES["library"]["fa"],
        title_en=TITLES["library"]["en"],
        district=District.objects.get(number=5),
        service_slug=LIBRARY_SERVICE,
        points_per_hour=10,
        min_age=16,  # so signing up asks for the date of birth on the way
        max_guests=2,  # and a friend may come along
    )
    shift = add_shift(library, starts_in=datetime.timedelta(days=3), hours=2, capacity=6)
    cleanup = publish_call(
        title=TITLES["cleanup"]["fa"],
        title_en=TITLES["cleanup"]["en"],
        district=District.objects.get(number=3),
        service_slug="street-sweeping-and-cleaning",
    )
    add_shift(cleanup, capacity=12)
    reward = Reward.objects.create(
        department=Department.objects.get(slug="cultural"),
        name_fa=TITLES["reward"]["fa"],
        name_en=TITLES["reward"]["en"],
        terms_fa="یک بار، در استخرهای شهرداری",
        terms_en="Once, at the municipal pools",
        points_price=15,
        monthly_budget=100,
    )
    return {"library": library, "shift": shift, "reward": reward, "staff": staff_of("cultural")}


@pytest.mark.parametrize("language", ["fa", "en"])
def test_a_citizen_volunteers_earns_points_and_redeems_a_voucher(
    live_server, phone, city, tmp_path, language
):
    page = phone
    server_errors = watch_server_errors(page)
    shift = city["shift"]
    title = TITLES["library"][language]
    shift_day = day_as_written(shift.starts_at, language)

    # The home page, in the reader's language, leads to the open calls.
    page.goto(site_url(live_server, "/", language))
    expect_reads_in(page, language)
    expect(page.locator("main")).to_contain_text(day_as_written(timezone.now(), language))
    expect_accessible(page)
    page.locator("main a[href$='/calls/']").last.click()

    # The listing, filtered by district and service, keeps only the library's call.
    expect(page.get_by_role("link", name=title)).to_be_visible()
    expect(page.get_by_role("link", name=TITLES["cleanup"][language])).to_be_visible()
    expect_reads_in(page, language)
    expect_accessible(page)
    page.locator(".call-filters__more summary").click()
    page.locator("select[name=district]").select_option("5")
    page.locator("select[name=service]").select_option(LIBRARY_SERVICE)
    page.locator(".call-filters__actions button[type=submit]").click()
    page.wait_for_url(lambda url: f"service={LIBRARY_SERVICE}" in url and "district=5" in url)
    expect(page.locator("#calls-results-heading")).to_contain_text("۱" if language == "fa" else "1")
    expect(page.get_by_role("link", name=TITLES["cleanup"][language])).to_have_count(0)
    expect(page.locator(".call-card").first).to_contain_text(shift_day)
    expect_reads_in(page, language)
    page.get_by_role("link", name=title).click()

    # The call's page: its shift, dated in the reader's calendar, and a way to sign up.
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    row = page.locator(f"tr[data-shift-id='{shift.pk}']")
    expect(row).to_contain_text(shift_day)
    expect_reads_in(page, language)
    expect_accessible(page)
    row.locator(".shift-signup__button").click()

    # Not logged in: the log-in page offers to sign up, and signing up comes back to the call.
    page.wait_for_url(lambda url: "/account/login/" in url)
    page.locator("main a[href*='/account/signup/?next=']").click()
    typed_mobile = to_persian_digits(MOBILE) if language == "fa" else MOBILE
    page.locator("input[name=phone]").fill(typed_mobile)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(lambda url: "/account/signup/verify/" in url)
    code = OutboxSmsBackend.last_code(MOBILE)
    assert code is not None
    # A mistyped code is refused without losing the name already typed.
    wrong_code = f"{(int(code) + 1) % 1_000_000:06d}"
    page.locator("input[name=code]").fill(wrong_code)
    page.locator("input[name=first_name]").fill("Sara" if language == "en" else "سارا")
    page.locator("input[name=last_name]").fill("Rahimi" if language == "en" else "رحیمی")
    page.locator("form.form button[type=submit]").click()
    expect(page.locator(".field__errors, .form__errors")).to_be_visible()
    expect(page.locator("input[name=first_name]")).to_have_value("Sara" if language == "en" else "سارا")
    page.locator("input[name=code]").fill(code)
    page.locator("form.form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect_reads_in(page, language)

    # Back on the call, logged in, with a friend to bring: the call is for people aged 16 or more, so
    # "Sign up" first asks for the date of birth (typed in the reader's calendar), then takes both places
    # in the same step, the friend named on the way kept.
    guest = "Maryam" if language == "en" else "مریم"
    row.locator(".shift-signup__guests summary").click()
    row.locator("input[name=guest]").first.fill(guest)
    row.locator("button.shift-signup__button").click()
    page.wait_for_url(lambda url: "/sign-up/requirements/" in url)
    expect_reads_in(page, language)
    expect_accessible(page)
    page.locator("input[name=date_of_birth]").fill("۱۳۷۰/۰۶/۳۱" if language == "fa" else "1991-09-22")
    page.locator("form.form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(row.locator(".shift-signup--confirmed")).to_be_visible()
    signup = SignUp.objects.get(shift=shift, volunteer__phone=MOBILE)
    assert signup.status == SignUp.Status.CONFIRMED and signup.guest_names == [guest]
    # The confirmation follows by SMS within seconds (the outbox relay's round), in the reader's language.
    relay_due()
    confirmation = [sms["text"] for sms in OutboxSmsBackend.outbox if sms["phone"] == MOBILE][-1]
    assert title in confirmation and shift_day in confirmation

    # "My shifts" lists it, with its calendar file, and the address of a calendar of all their shifts.
    page.locator(f"header a[href$='{'/en' if language == 'en' else ''}/my/shifts/']").click()
    card = page.locator(".signup-card", has=page.get_by_role("link", name=title))
    expect(card).to_contain_text(shift_day)
    expect(card).to_contain_text(guest)
    expect(card.locator(f"a[href='/calendar/shifts/{shift.pk}.ics']")).to_be_visible()
    expect(page.locator(".my-shifts__feed-url")).to_have_value(re.compile(r"/calendar/[\w-]{32,}\.ics$"))
    expect_reads_in(page, language)
    expect_accessible(page)

    # On the day: the site lead's screen shows a QR code of a check-in link; the phone opens it.
    starts_at = timezone.now() + datetime.timedelta(minutes=10)
    Shift.objects.filter(pk=shift.pk).update(
        starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=2)
    )
    shift.refresh_from_db()
    issued = checkin.checkin_token_issue(shift=shift)
    checkin_link = checkin.checkin_url(token=issued.token)
    page.goto(live_server.url + urlsplit(checkin_link).path)
    # The link is the same for everyone; the page comes in the reader's own language.
    expect_reads_in(page, language)
    page.locator("[data-checkin-submit]").click()
    expect(page.locator(".checkin-done")).to_be_visible()
    expect_reads_in(page, language)
    signup.refresh_from_db()
    assert signup.checked_in_at is not None

    note = "Read to twelve children" if language == "en" else "برای دوازده کودک کتاب خواندیم"
    # Three hours later the shift is over and the work can be reported, with a photo.
    earlier = datetime.timedelta(hours=3)
    Shift.objects.filter(pk=shift.pk).update(starts_at=starts_at - earlier, ends_at=shift.ends_at - earlier)
    SignUp.objects.filter(pk=signup.pk).update(checked_in_at=signup.checked_in_at - earlier)
    page.locator("main a[href$='/my/shifts/']").click()
    page.locator(f"a[href$='/completions/signups/{signup.pk}/report/']").click()
    # More hours than the shift had are refused, and what was typed stays in the form.
    page.locator("input[name=hours]").fill("۹" if language == "fa" else "9")
    page.locator("textarea[name=note]").fill(note)
    page.locator("form.form button[type=submit]").click()
    expect(page.locator(".form__errors")).to_be_visible()
    expect(page.locator("textarea[name=note]")).to_have_value(note)
    expect_reads_in(page, language)
    page.locator("input[name=hours]").fill("۲" if language == "fa" else "2")
    # What the work achieved, by the library service's measure, in the reader's digits; and the photo may
    # be shown on the open city page.
    page.locator("input[name='measure_visitors-helped']").fill("۱۲" if language == "fa" else "12")
    page.locator("input[name=after_photos]").set_input_files(small_jpeg(tmp_path))
    page.locator("input[name=photos_public]").check()
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(lambda url: "/completions/" in url and "/report/" not in url)
    completion = Completion.objects.get(signup=signup)
    assert completion.status == Completion.Status.PENDING
    assert completion.photos.count() == 1 and completion.photos_public
    figures = [(figure.measure.key, int(figure.value)) for figure in completion.impact_figures.all()]
    assert figures == [("visitors-helped", 12)]
    expect(page.locator(".completion-figures")).to_contain_text("۱۲" if language == "fa" else "12")
    expect_reads_in(page, language)
    expect_accessible(page)

    # Staff of the Cultural Deputy verify it.
    verification_services.completion_approve(completion=completion, actor=city["staff"])

    # The citizen sees the points, the badge of a first cultural shift, and their place on the leaderboard.
    page.locator("header a[href*='/leaderboards/']").click()
    expect(page.locator(".board__row--me")).to_contain_text("۲۰" if language == "fa" else "20")
    expect_reads_in(page, language)
    expect_accessible(page)
    page.locator("main a[href$='/leaderboards/me/']").click()
    expect(page.locator(".badge-card--earned")).to_have_count(1)
    expect(page.locator(".badge-card--earned")).to_contain_text(
        "نخستین برنامهٔ فرهنگی" if language == "fa" else "First cultural event"
    )
    expect(page.locator(".badge-card--earned")).to_contain_text(day_as_written(timezone.now(), language))
    expect_reads_in(page, language)

    # They spend 15 of the 20 points on the discount, and get a voucher with its QR code.
    page.locator("header a[href$='/rewards/']").click()
    reward_card = page.locator(".reward-card", has_text=TITLES["reward"][language])
    reward_card.locator(f"a[href$='/rewards/{city['reward'].pk}/redeem/']").click()
    page.locator("form.reward-confirm__actions button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLES["reward"][language])
    expect(page.locator(".voucher-qr svg")).to_be_visible()
    voucher = city["reward"].vouchers.get()
    expect(page.locator(".voucher__code")).to_have_text(voucher.code)
    expect(page.locator(".reward-facts")).to_contain_text(day_as_written(voucher.expires_at, language))
    expect_reads_in(page, language)
    expect_accessible(page)

    assert server_errors == []
