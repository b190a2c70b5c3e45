"""Citizen voice as people use it. On a phone, in Persian or English, a citizen without an account proves
their mobile, reports a problem with a pin and a photo, gets a tracking code by SMS, follows it, is
answered and rates the answer. At the desk, a 137 operator enters a caller's complaint; staff see an
overdue item escalated, transfer it, and the other department answers it."""

import datetime

import pytest
from django.core.cache import cache, caches
from playwright.sync_api import expect

from city.models import Department
from tests.browser.journeys import (
    expect_accessible,
    expect_reads_in,
    log_in,
    site_url,
    small_jpeg,
    watch_server_errors,
)
from verification.tests.factories import staff_of
from voice import services
from voice.models import Category, Item
from volunteers.sms import OutboxSmsBackend

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CITIZEN_MOBILE = "09351234567"


@pytest.fixture(autouse=True)
def fresh():
    cache.clear()
    caches["limits"].clear()
    OutboxSmsBackend.outbox.clear()


@pytest.mark.parametrize("language", ["fa", "en"])
def test_a_citizen_reports_a_problem_follows_it_and_rates_the_answer(
    live_server, phone, desk, tmp_path, language
):
    errors = watch_server_errors(phone)
    staff = staff_of("urban_services")
    subject = Category.objects.get(name_fa="معابر و پیاده‌روها")

    # The public page of citizen voice, and the way in to report a problem.
    phone.goto(site_url(live_server, "/voice/", language))
    expect_reads_in(phone, language)
    expect_accessible(phone)
    phone.locator("a[href$='/voice/new/?kind=problem']").click()

    # No account: the mobile number is proved by a code first.
    phone.locator("input[name=phone]").fill(CITIZEN_MOBILE)
    phone.locator("form.form button[type=submit]").click()
    phone.locator("input[name=code]").fill(OutboxSmsBackend.last_code(CITIZEN_MOBILE))
    phone.locator("form.form button[type=submit]").click()

    # The form: the kind is chosen already; a subject, words, a pin on the map and a photo.
    expect(phone.locator("input[name=kind][value=problem]")).to_be_checked()
    expect_reads_in(phone, language)
    expect_accessible(phone)
    phone.locator("select[name=category]").select_option(str(subject.pk))
    phone.locator("input[name=title]").fill(
        "چالهٔ عمیق جلوی مدرسه" if language == "fa" else "A deep pothole by the school"
    )
    phone.locator("textarea[name=body]").fill(
        "بچه‌ها هر روز از کنارش رد می‌شوند." if language == "fa" else "Children walk past it every day."
    )
    canvas = phone.locator(".voice-pin__canvas")
    expect(canvas).to_be_visible()
    canvas.click(position={"x": 120, "y": 90})
    expect(phone.locator("input[name=latitude]")).not_to_have_value("")
    phone.locator("input[name=photos]").set_input_files(str(small_jpeg(tmp_path)))
    phone.locator("form.form button[type=submit]").click()

    # Received: the author's page with the tracking code, which also came by SMS.
    item = Item.objects.get()
    phone.wait_for_url(lambda url: f"/voice/i/{item.tracking_code}/" in url)
    expect(phone.locator(".voice-code")).to_be_visible()
    assert item.tracking_code in OutboxSmsBackend.outbox[-1]["text"]
    assert item.has_place and item.photos.count() == 1 and item.language == language
    expect_reads_in(phone, language)
    expect_accessible(phone)
    author_page = phone.url

    # Anyone with the code sees where it stands, not its words.
    phone.goto(site_url(live_server, "/voice/", language))
    phone.locator("input[name=code]").fill(item.tracking_code)
    phone.locator("form.voice-track button[type=submit]").click()
    expect(phone.locator(".voice-status")).to_be_visible()
    expect(phone.locator("main")).not_to_contain_text("مدرسه" if language == "fa" else "school")
    expect_accessible(phone)

    # Staff answer it from their inbox.
    log_in(desk, live_server, staff.username)
    desk.goto(f"{live_server.url}/admin/voice/")
    desk.locator(f"a[href$='/admin/voice/items/{item.pk}/']").click()
    desk.locator("textarea[name=text]").fill("اکیپ فردا اعزام می‌شود و چاله پر می‌شود.")
    desk.locator("form[action$='/answer/'] button[type=submit]").click()
    expect(desk.locator(".messages")).to_be_visible()

    # The citizen reads the answer (told by SMS) and rates it.
    assert OutboxSmsBackend.outbox[-1]["phone"] == CITIZEN_MOBILE
    phone.goto(author_page)
    expect(phone.locator("main")).to_contain_text("اکیپ فردا اعزام می‌شود")
    phone.locator("form.voice-rate input[name=rating][value='4']").check()
    phone.locator("form.voice-rate button[type=submit]").click()
    expect(phone.locator("form.voice-rate")).to_have_count(0)
    expect(phone.locator("details.voice-reopen")).to_be_visible()
    expect_reads_in(phone, language)
    expect_accessible(phone)
    item.refresh_from_db()
    assert (item.rating, item.status) == (4, Item.Status.CLOSED)
    assert errors == []


def test_an_operator_enters_a_call_and_an_overdue_item_is_transferred_and_answered(live_server, desk):
    errors = watch_server_errors(desk)
    operator = staff_of("urban_services")
    approver = staff_of("urban_services", approver=True)
    traffic_staff = staff_of("traffic")

    # A 137 operator enters what a caller says; the caller gets the tracking code by SMS.
    log_in(desk, live_server, operator.username)
    desk.goto(f"{live_server.url}/admin/voice/enter/")
    desk.locator("select[name=channel]").select_option("phone")
    desk.locator("input[name=mobile]").fill("۰۹۱۲۷۷۷۶۶۵۵")
    desk.locator("input[name=name]").fill("آقای رضایی")
    desk.locator("input[name=kind][value=problem]").check()
    desk.locator("select[name=category]").select_option(
        str(Category.objects.get(name_fa="معابر و پیاده‌روها").pk)
    )
    desk.locator("input[name=title]").fill("چراغ راهنمایی چهارراه خاموش است")
    desk.locator("textarea[name=body]").fill("از دیشب چراغ چهارراه خاموش است.")
    desk.locator("input[name=address]").fill("چهارراه نظر")
    desk.locator("form button[type=submit]").last.click()
    expect(desk.locator(".messages")).to_be_visible()
    item = Item.objects.get()
    assert (item.channel, item.mobile, item.entered_by) == ("phone", "09127776655", operator)
    assert OutboxSmsBackend.outbox[-1]["phone"] == "09127776655"

    # Nobody answered in time: the clock escalates it to the approvers, and the inbox shows it overdue.
    Item.objects.filter(pk=item.pk).update(due_at=item.received_at - datetime.timedelta(minutes=1))
    assert services.items_escalate_overdue() == 1
    assert any(sms["phone"] == approver.phone for sms in OutboxSmsBackend.outbox)
    desk.goto(f"{live_server.url}/admin/voice/?show=overdue")
    expect(desk.locator("table.listing")).to_contain_text("چراغ راهنمایی چهارراه خاموش است")
    desk.locator(f"a[href$='/admin/voice/items/{item.pk}/']").click()
    expect(desk.locator("main")).to_contain_text("دیرکرد")

    # It is a traffic matter: transferred with a reason, it leaves this inbox.
    desk.locator("select[name=to_department]").select_option(str(Department.objects.get(slug="traffic").pk))
    desk.locator("input[name=reason]").fill("چراغ راهنمایی با معاونت ترافیک است")
    desk.locator("form[action$='/transfer/'] button[type=submit]").click()
    expect(desk.locator("table.listing")).not_to_contain_text("چراغ راهنمایی چهارراه خاموش است")

    # The traffic department answers it.
    desk.context.clear_cookies()
    log_in(desk, live_server, traffic_staff.username)
    desk.goto(f"{live_server.url}/admin/voice/items/{item.pk}/")
    desk.locator("textarea[name=text]").fill("چراغ تعمیر شد.")
    desk.locator("form[action$='/answer/'] button[type=submit]").click()
    expect(desk.locator(".messages")).to_be_visible()
    item.refresh_from_db()
    assert item.status == Item.Status.ANSWERED and item.department.slug == "traffic"
    assert list(item.steps.values_list("action", flat=True)) == [
        "received",
        "escalated",
        "transferred",
        "answered",
    ]
    assert errors == []
