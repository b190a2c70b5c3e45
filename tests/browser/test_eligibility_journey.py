"""Eligibility up front, as a teenager meets it on a phone (in Persian or English): a call that needs a
verified first-aid certificate, a guardian's consent and its waiver says so on the sign-up path; the
guardian confirms by a code sent to their mobile, staff verify the certificate at their desk, and the
teenager accepts the waiver and is signed up."""

import datetime

import pytest
from django.core.cache import cache, caches
from django.utils import timezone
from playwright.sync_api import expect

from campaigns.models import SignUp
from campaigns.tests.factories import PersonFactory, add_shift, publish_call
from tests.browser.journeys import expect_accessible, expect_reads_in, log_in, site_url, watch_server_errors
from verification.tests.factories import staff_of
from volunteers.models import Qualification, QualificationKind
from volunteers.sms import OutboxSmsBackend

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

GUARDIAN_MOBILE = "09127654321"


@pytest.fixture
def call_with_requirements():
    cache.clear()
    caches["limits"].clear()
    OutboxSmsBackend.outbox.clear()
    first_aid = QualificationKind.objects.create(
        slug="first-aid", name_fa="کمک‌های اولیه", name_en="First aid"
    )
    call = publish_call(
        title="کمک در اردوی تابستانی",
        title_en="Helping at the summer camp",
        min_age=12,
        waiver_fa="می‌پذیرم که دستور سرپرست محل را دنبال کنم.",
        waiver_en="I agree to follow the site lead's instructions.",
        waiver_version="1",
    )
    call.required_qualifications.set([first_aid])
    call.save_revision().publish()
    shift = add_shift(call, starts_in=datetime.timedelta(days=4), hours=2, capacity=5)
    teenager = PersonFactory(date_of_birth=timezone.localdate() - datetime.timedelta(days=365 * 15 + 30))
    return {"call": call, "shift": shift, "teenager": teenager, "first_aid": first_aid}


@pytest.mark.parametrize("language", ["fa", "en"])
def test_a_teenager_meets_every_requirement_on_the_way_to_a_place(
    live_server, phone, desk, call_with_requirements, language
):
    world = call_with_requirements
    call, shift, teenager = world["call"], world["shift"], world["teenager"]
    teenager.preferred_language = language
    teenager.save()
    errors = watch_server_errors(phone)
    call_url = site_url(live_server, call.url.removeprefix("/en") if language == "en" else call.url, language)

    # On the call, "Sign up" leads to what it needs: a verified qualification, a guardian, the waiver.
    log_in(phone, live_server, teenager.username, language=language)
    phone.goto(call_url)
    phone.locator(f"tr[data-shift-id='{shift.pk}'] .shift-signup__button").click()
    phone.wait_for_url(lambda url: "/sign-up/requirements/" in url)
    requirements_url = phone.url
    expect(phone.locator("#qualifications-heading")).to_be_visible()
    expect(phone.locator("#guardian-heading")).to_be_visible()
    waiver = call.waiver_en if language == "en" else call.waiver_fa
    expect(phone.locator(".signup-requirements__waiver")).to_contain_text(waiver)
    expect_reads_in(phone, language)
    expect_accessible(phone)

    # The guardian's consent: their name and mobile, then the code they received by SMS.
    phone.locator("#guardian-heading ~ p a.button").click()
    phone.locator("input[name=guardian_name]").fill("مریم رحیمی")
    phone.locator("input[name=guardian_phone]").fill(GUARDIAN_MOBILE)
    phone.locator("form.form button[type=submit]").click()
    code = OutboxSmsBackend.last_code(GUARDIAN_MOBILE)
    assert code is not None
    phone.locator("input[name=code]").fill(code)
    phone.locator("form.form button[type=submit]").click()
    phone.wait_for_url(lambda url: "/sign-up/requirements/" in url)
    expect(phone.locator("#guardian-heading")).to_have_count(0)

    # The first-aid certificate, sent for verification.
    phone.locator("#qualifications-heading ~ ul a").first.click()
    phone.locator("input[name=certificate_number]").fill("FA-2026-118")
    phone.locator("input[name=issued_on]").fill("۱۴۰۵/۰۱/۱۵" if language == "fa" else "2026-04-04")
    phone.locator("form.form button[type=submit]").click()
    qualification = Qualification.objects.get(person=teenager)
    assert qualification.status == Qualification.Status.PENDING
    phone.goto(requirements_url)
    expect(phone.locator("#qualifications-heading ~ ul")).not_to_contain_text("FA-2026-118")

    # Staff verify it at their desk.
    staff = staff_of("urban_services", is_superuser=True)
    log_in(desk, live_server, staff.username)
    desk.goto(f"{live_server.url}/admin/qualifications/")
    desk.locator(f"form[action$='/{qualification.pk}/verify/'] button[type=submit]").click()
    qualification.refresh_from_db()
    assert qualification.status == Qualification.Status.VERIFIED

    # Back on the phone: only the waiver is left; accepting it signs the teenager up.
    phone.goto(requirements_url)
    expect(phone.locator("#qualifications-heading")).to_have_count(0)
    phone.locator("input[type=checkbox]").check()
    phone.locator("form.form button[type=submit]").click()
    phone.wait_for_url(lambda url: "/sign-up/requirements/" not in url)
    signup = SignUp.objects.get(shift=shift, volunteer=teenager)
    assert signup.status == SignUp.Status.CONFIRMED
    expect_reads_in(phone, language)
    assert errors == []
