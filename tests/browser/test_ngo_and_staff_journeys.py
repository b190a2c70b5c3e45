"""Two whole journeys in a real browser, asserting what people see at each step.

An NGO manager on a phone, in Persian, registers an NGO, invites members who join from their own phones,
reserves places for the team on a shift, assigns the members, downloads the roster and reports their work.
A member of municipal staff at a desk writes an open call with two shifts in the Wagtail admin and submits
it; the department's approver publishes it; later the staff member decides on three completion reports and
accepts a voucher at the counter.

Expected texts are the Persian translations of the site's own messages (`fa(...)`), so that the tests
follow the translations when they change.
"""

import csv
import datetime
import re
from decimal import Decimal

import jdatetime
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect
from wagtail.models import ModelLogEntry

from campaigns.models import OpenCallPage, Shift, SignUp
from campaigns.services import department_section_ensure
from campaigns.tests.factories import PersonFactory, add_shift, publish_call
from city.models import Department, District
from core.localization import persian_digits
from core.outbox import relay_due
from rewards.models import Voucher
from rewards.services import reward_redeem
from rewards.tests.factories import reward_create
from tests.browser.conftest import DESK, PHONE
from verification.models import Completion
from verification.services import completion_report
from verification.tests.factories import confirmed_signup, staff_of
from volunteers.models import Organisation, OrganisationMembership
from volunteers.ngos.services import organisation_verify

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "a-long-secret-9"  # PersonFactory's
URBAN_SERVICE = "street-sweeping-and-cleaning"


def fa(message: str, **values) -> str:
    """The site's message as a Persian reader sees it."""
    with translation.override("fa"):
        text = gettext(message)
    return text % values if values else text


def fa_number(value) -> str:
    return persian_digits(str(value))


@pytest.fixture
def open_page(browser):
    """Opens more browsers (another phone, another desk) for other people in the same journey."""
    from tests.browser.conftest import DESK, PHONE, new_page

    pages = []

    def opener(*, desk: bool = False):
        page = new_page(browser, viewport=DESK if desk else PHONE, locale="fa-IR")
        pages.append(page)
        return page

    yield opener
    for page in pages:
        page.context.close()


def log_in(page, base_url: str, identifier: str, *, next_path: str = "") -> None:
    """Logs in on the site's own form (a mobile number in Persian digits works too)."""
    page.goto(f"{base_url}/account/login/" + (f"?next={next_path}" if next_path else ""))
    log_in_here(page, identifier)


def log_in_here(page, identifier: str) -> None:
    page.locator("input[name=username]").fill(identifier)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    expect(page.locator("input[name=password]")).to_have_count(0)


def messages_of(page):
    return page.locator("ul.messages")


# --- The NGO manager ----------------------------------------------------------------------------------


def test_an_ngo_manager_registers_invites_reserves_assigns_exports_and_reports(live_server, phone, open_page):
    base = live_server.url
    call = publish_call(
        title="پاک‌سازی پارک ناژوان",
        service_slug=URBAN_SERVICE,
        district=District.objects.get(number=1),
        points_per_hour=10,
    )
    shift = add_shift(call, capacity=10, team_places=4, starts_in=datetime.timedelta(days=3), hours=3)
    manager = PersonFactory(first_name="رضا", last_name="کریمی")
    first = PersonFactory(first_name="مریم", last_name="رضایی")
    second = PersonFactory(first_name="علی", last_name="محمدی")
    verifier = staff_of("urban_services")

    # The manager registers the NGO from their account; a missing contact keeps what was typed.
    log_in(phone, base, persian_digits(manager.phone))
    phone.goto(base + "/account/")
    phone.locator("a[href='/account/ngo/']").click()
    phone.locator("a[href='/account/ngo/register/']").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(fa("Register an NGO"))
    phone.locator("#id_name_fa").fill("انجمن سبز ناژوان")
    phone.locator("#id_registration_number").fill("1403-778")
    phone.locator("#id_field_of_work").fill("محیط زیست")
    phone.locator("form.form button[type=submit]").click()
    expect(phone.locator(".form__errors")).to_contain_text(
        fa("Give a phone number or an e-mail address to contact the NGO.")
    )
    expect(phone.locator("#id_name_fa")).to_have_value("انجمن سبز ناژوان")
    phone.locator("#id_contact_phone").fill("03132220000")
    phone.locator("form.form button[type=submit]").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("انجمن سبز ناژوان")
    expect(messages_of(phone).first).to_contain_text("انجمن سبز ناژوان")
    expect(phone.locator(".ngo-notice")).to_be_visible()  # not verified yet
    organisation = Organisation.objects.get(registration_number="1403-778")
    assert organisation.memberships.get().user == manager

    # Municipal staff verify it (their side of this is tested in volunteers' tests).
    organisation_verify(organisation=organisation, actor=verifier)
    phone.reload()
    expect(phone.locator(".ngo-notice")).to_have_count(0)

    # A team, and an invitation to it for two people.
    phone.locator("#id_team_name").fill("تیم پاکبانان")
    phone.locator("#id_team_name").press("Enter")
    expect(phone.get_by_role("heading", level=1)).to_have_text("تیم پاکبانان")
    expect(messages_of(phone).first).to_contain_text(fa("Team “%(team)s” is created.", team="تیم پاکبانان"))
    phone.locator("a[href*='/invitations/new/?team=']").click()
    expect(phone.locator("#id_team option:checked")).to_have_text("تیم پاکبانان")
    phone.locator("#id_max_uses").fill("2")
    phone.locator("form.form button[type=submit]").click()
    expect(messages_of(phone).first).to_contain_text(fa("The invitation is ready: share its link or code."))
    link = phone.locator("input.ngo-link").input_value()
    code = phone.locator(".ngo-code--big").inner_text().strip()
    assert link.startswith(base + "/account/ngo/join/")

    # The first member opens the link on their phone, logs in and joins.
    member_phone = open_page()
    member_phone.goto(link)
    expect(member_phone.get_by_role("heading", level=1)).to_contain_text("انجمن سبز ناژوان")
    member_phone.locator("main a[href^='/account/login/?next=']").click()
    log_in_here(member_phone, first.phone)
    member_phone.locator("main form button[type=submit]").click()
    expect(messages_of(member_phone).first).to_contain_text(
        fa("Welcome to “%(ngo)s” and its team “%(team)s”.", ngo="انجمن سبز ناژوان", team="تیم پاکبانان")
    )
    expect(member_phone.locator(".ngo-team__name")).to_have_text("تیم پاکبانان")

    # The second types the code they were given.
    other_phone = open_page()
    log_in(other_phone, base, second.phone, next_path="/account/ngo/join/")
    other_phone.locator("#id_code").fill(code.lower())
    other_phone.locator("main form button[type=submit]").click()
    other_phone.locator("main form button[type=submit]").click()
    expect(messages_of(other_phone).first).to_contain_text("تیم پاکبانان")
    assert set(organisation.teams.get().members.all()) == {first, second}

    # The manager reserves two places on the call's shift, typed in Persian digits.
    phone.goto(base + call.url)
    expect(phone.locator("#team-places-heading")).to_be_visible()
    phone.locator("#id_places").fill("۲")
    phone.locator(".team-reserve-form button[type=submit]").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("تیم پاکبانان")
    expect(messages_of(phone).first).to_contain_text(fa_number(2))

    # …and gives them to the two members at once.
    assign = phone.locator("form[action$='/assign/']")
    for person in (first, second):
        assign.get_by_label(person.get_full_name()).check()
    assign.locator("button[type=submit]").click()
    for person in (first, second):
        expect(phone.locator(".messages")).to_contain_text(
            fa("%(name)s has a place on this shift.", name=person.display_name)
        )
    expect(phone.locator("#assigned-heading")).to_contain_text(fa_number(2))

    # The roster downloads as CSV with both members.
    with phone.expect_download() as download_info:
        phone.locator(f"a[href$='/team-places/shifts/{shift.pk}/roster.csv']").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8-sig") as roster_file:
        rows = list(csv.reader(roster_file))
    assert len(rows) == 3
    assert {row[0] for row in rows[1:]} == {first.get_full_name(), second.get_full_name()}
    assert {row[1] for row in rows[1:]} == {first.phone, second.phone}
    assert {row[2] for row in rows[1:]} == {"تیم پاکبانان"}

    # The shift takes place; afterwards the manager reports the team's work from the team's places.
    Shift.objects.filter(pk=shift.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=4),
        ends_at=timezone.now() - datetime.timedelta(hours=1),
    )
    phone.reload()
    phone.locator("a[href='/completions/']").click()
    expect(phone.locator(".completion-team-table tbody tr")).to_have_count(2)

    # Too many hours: the error says so and the note is kept.
    phone.locator(".completion-team-table tr", has_text=first.get_full_name()).locator("a").click()
    expect(phone.locator(".lead")).to_contain_text(first.display_name)
    phone.locator("#id_hours").fill("۵")
    phone.locator("#id_note").fill("جمع‌آوری زباله‌های مسیر پیاده‌روی")
    phone.locator("form.form button[type=submit]").click()
    expect(phone.locator("main")).to_contain_text(fa_number(3))
    expect(phone.locator("#id_note")).to_have_value("جمع‌آوری زباله‌های مسیر پیاده‌روی")
    phone.locator("#id_hours").fill("۲٫۵")
    phone.locator("form.form button[type=submit]").click()
    expect(messages_of(phone).first).to_contain_text(
        fa("Thank you! Your report was sent to the municipality's staff.")
    )
    expect(phone.locator("main")).to_contain_text(fa("Waiting for verification"))

    phone.goto(base + "/completions/")
    phone.locator(".completion-team-table tr", has_text=second.get_full_name()).locator("a").click()
    phone.locator("#id_hours").fill("3")
    phone.locator("form.form button[type=submit]").click()
    expect(messages_of(phone).first).to_contain_text(
        fa("Thank you! Your report was sent to the municipality's staff.")
    )

    phone.goto(base + "/completions/")
    expect(phone.locator(".completion-team-table .signup-badge")).to_have_count(2)
    reports = Completion.objects.filter(signup__shift=shift).order_by("hours")
    assert [(report.signup.volunteer, report.hours, report.reported_by) for report in reports] == [
        (first, Decimal("2.50"), manager),
        (second, Decimal("3.00"), manager),
    ]
    assert OrganisationMembership.objects.filter(organisation=organisation).count() == 3

    # The NGO's page, members and places included, fits the phone: its tables become cards, nothing scrolls
    # sideways.
    phone.goto(base + f"/account/ngo/{organisation.pk}/")
    expect(phone.locator(".ngo-members tbody tr")).to_have_count(3)
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


# --- Municipal staff ----------------------------------------------------------------------------------


def _local(moment: datetime.datetime) -> str:
    """A time as typed into the admin's date-and-time fields."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _save_shift(desk, *, starts_at: datetime.datetime, capacity: int, team_places: int) -> None:
    desk.locator("a[href*='/campaigns_shift/new/?call=']").click()
    desk.locator("#id_starts_at").fill(_local(starts_at))
    desk.locator("#id_ends_at").fill(_local(starts_at + datetime.timedelta(hours=3)))
    desk.locator("#id_capacity").fill(str(capacity))
    desk.locator("#id_team_places").fill(str(team_places))
    desk.keyboard.press("Escape")  # closes the date picker
    desk.locator("footer button[type=submit].button-longrunning").first.click()


def _admin_messages(page):
    return page.locator(".messages")


def _open_actions(page):
    """Unfolds the editor's footer menu of actions, where submitting and approving live."""
    page.locator("footer .w-dropdown-button button[aria-expanded]").first.click()


def test_municipal_staff_publish_a_call_verify_work_and_accept_a_voucher(live_server, desk, open_page):
    base = live_server.url
    department = Department.objects.get(slug="urban_services")
    section = department_section_ensure(department=department)
    staff = staff_of("urban_services", first_name="حسین", last_name="نوری")
    approver = staff_of("urban_services", approver=True, first_name="فاطمه", last_name="موسوی")
    tomorrow = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0) + datetime.timedelta(
        days=2
    )

    # Staff write a call in their department's section and save a draft.
    log_in(desk, base, staff.username, next_path="/admin/")
    # The dashboard and the account page run their scripts without an error: no call out to the internet
    # (Wagtail's update check), no time zone the browser rejects in the account page's list.
    script_errors = []
    desk.on("console", lambda note: script_errors.append(note.text) if note.type == "error" else None)
    desk.on("pageerror", lambda error: script_errors.append(str(error)))
    for path in ("/admin/", "/admin/account/"):
        desk.goto(base + path)
        desk.wait_for_load_state("networkidle")
    assert script_errors == []
    desk.goto(f"{base}/admin/pages/{section.pk}/add_subpage/")
    desk.locator("#id_title").fill("پاک‌سازی حاشیهٔ زاینده‌رود")
    desk.locator("#id_title_en").fill("Cleaning the Zayandeh Rud banks")
    # The service comes from the catalogue's chooser, which offers the department's services.
    service = department.services.get(slug=URBAN_SERVICE)
    desk.locator("[data-chooser-action-choose]").first.click()
    desk.locator(".modal").get_by_role("link", name=service.short_name_fa, exact=True).click()
    expect(desk.locator("#id_service")).to_have_value(str(service.pk))
    desk.locator("#id_summary_fa").fill("جمع‌آوری زباله از کنارهٔ رود، با دستکش و کیسه")
    desk.locator("[role=tab]").nth(1).click()
    district = District.objects.get(number=6)
    desk.locator("[role=tabpanel]:visible [data-chooser-action-choose]").first.click()
    desk.locator(".modal").get_by_role("link", name=str(district), exact=True).click()
    expect(desk.locator("#id_district")).to_have_value(str(district.pk))
    desk.locator("#id_address_fa").fill("پل خواجو، ضلع شمالی")
    desk.locator("[role=tab]").nth(3).click()
    desk.locator("#id_slug").fill("zayandeh-rud-banks")
    desk.locator("button.action-save:visible").first.click()
    expect(_admin_messages(desk)).to_contain_text("پاک‌سازی حاشیهٔ زاینده‌رود")
    call = OpenCallPage.objects.get(slug="zayandeh-rud-banks")
    assert not call.live

    # Two shifts, from the call's own page in the editor.
    desk.locator("[role=tab]").nth(2).click()
    _save_shift(desk, starts_at=tomorrow, capacity=8, team_places=2)
    expect(desk).to_have_url(re.compile(rf"/admin/pages/{call.pk}/edit/"))
    desk.locator("[role=tab]").nth(2).click()
    _save_shift(desk, starts_at=tomorrow + datetime.timedelta(days=1), capacity=6, team_places=0)
    desk.locator("[role=tab]").nth(2).click()
    expect(desk.locator("table.listing tbody tr")).to_have_count(2)
    assert [shift.capacity for shift in call.shifts.order_by("starts_at")] == [8, 6]

    # A weekly series on two days of the week for two weeks, typed in Jalali dates and Persian digits, shown
    # first and made only when confirmed.
    desk.locator("[role=tab]").nth(2).click()
    desk.locator("a[href*='shift-series/?call=']").click()
    first_day = tomorrow.date() + datetime.timedelta(days=7)
    for day in (first_day, first_day + datetime.timedelta(days=1)):
        desk.locator(f"input[name=weekdays][value='{day.weekday()}']").check()
    for name, day in (("first_date", first_day), ("last_date", first_day + datetime.timedelta(days=13))):
        desk.locator(f"#id_{name}").fill(persian_digits(jdatetime.date.fromgregorian(date=day).strftime("%Y/%m/%d")))
        desk.keyboard.press("Escape")
    desk.locator("#id_starts_at").fill("۰۸:۰۰")
    desk.locator("#id_ends_at").fill("۱۰:۰۰")
    desk.locator("#id_capacity").fill("۵")
    desk.locator("form button.button-secondary[type=submit]").click()
    expect(desk.locator(".shift-batch-preview tbody tr")).to_have_count(4)
    assert call.shifts.count() == 2  # nothing made yet
    desk.locator(".shift-batch-preview button[name=confirm]").click()
    expect(desk).to_have_url(re.compile(rf"/admin/pages/{call.pk}/edit/"))
    expect(_admin_messages(desk)).to_contain_text(fa_number(4))
    series = call.shifts.order_by("starts_at")[2:]
    assert [(timezone.localtime(shift.starts_at).hour, shift.capacity) for shift in series] == [(8, 5)] * 4

    # …and submits it for moderation.
    _open_actions(desk)
    desk.locator("button[name=action-submit]").click()
    expect(_admin_messages(desk)).to_contain_text("پاک‌سازی حاشیهٔ زاینده‌رود")
    call.refresh_from_db()
    assert not call.live and call.current_workflow_state is not None

    # The department's approver, at another desk, approves it: it is published.
    approver_desk = open_page(desk=True)
    log_in(approver_desk, base, approver.username, next_path=f"/admin/pages/{call.pk}/edit/")
    _open_actions(approver_desk)
    approver_desk.locator(
        "button[data-workflow-action-name=approve]:not([data-workflow-action-modal-url])"
    ).click()
    expect(_admin_messages(approver_desk)).to_contain_text("پاک‌سازی حاشیهٔ زاینده‌رود")
    call.refresh_from_db()
    assert call.live
    approver_desk.goto(base + call.url)
    expect(approver_desk.get_by_role("heading", level=1)).to_have_text("پاک‌سازی حاشیهٔ زاینده‌رود")
    expect(approver_desk.locator(".shifts-table tbody tr")).to_have_count(6)

    # Later: the first shift took place and three volunteers reported their work.
    shift = call.shifts.order_by("starts_at").first()
    Shift.objects.filter(pk=shift.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=5),
        ends_at=timezone.now() - datetime.timedelta(hours=2),
    )
    shift.refresh_from_db()
    volunteers = [
        PersonFactory(first_name="سارا", last_name="احمدی"),
        PersonFactory(first_name="نیما", last_name="شریفی"),
        PersonFactory(first_name="الهام", last_name="نادری"),
    ]
    approved, corrected, rejected = (
        completion_report(
            signup=confirmed_signup(shift, person), actor=person, hours=Decimal("3"), note="انجام شد"
        )
        for person in volunteers
    )

    # Before verifying, staff message the shift's people from its roster, in Persian and in English.
    desk.goto(base + reverse("campaigns_shift:roster", args=[shift.pk]))
    expect(desk.locator("main")).to_contain_text(volunteers[0].display_name)
    desk.locator("#message-text").fill("لطفاً گزارش کارتان را با عکس بفرستید")
    desk.locator("#message-text-en").fill("Please send your report with a photo")
    desk.locator("form[action$='/message/'] button[type=submit]").click()
    on_its_way = fa("Your message is on its way, by e-mail and SMS, to each person once.")
    expect(_admin_messages(desk)).to_contain_text(on_its_way)
    relay_due()
    told = {message.to[0] for message in mail.outbox if "لطفاً گزارش کارتان را با عکس بفرستید" in message.body}
    assert told == {person.email for person in volunteers}

    desk.goto(base + "/admin/")
    desk.locator("a[href='/admin/verification/']").first.click()
    expect(desk.locator("table.listing tbody tr")).to_have_count(3)

    # On a phone each report is a card that shows the evidence before the buttons that judge it.
    desk.set_viewport_size(PHONE)
    card = desk.locator(f"#completion-{approved.pk}")
    hours_box = card.locator("td[data-label]").first.bounding_box()
    decision_box = card.locator(".verification-queue__decision").bounding_box()
    assert hours_box["y"] + hours_box["height"] <= decision_box["y"]
    assert desk.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    desk.set_viewport_size(DESK)

    row = desk.locator(f"#completion-{approved.pk}")
    row.locator("button[name=action][value=approve]").click()
    expect(_admin_messages(desk)).to_contain_text(volunteers[0].display_name)
    expect(desk.locator(f"#completion-{approved.pk}")).to_have_count(0)

    row = desk.locator(f"#completion-{corrected.pk}")
    row.locator("input[name=hours]").fill("۲")
    row.locator("button[name=action][value=approve]").click()
    expect(_admin_messages(desk)).to_contain_text(volunteers[1].display_name)

    # Rejecting without a reason is refused and said so; with one it goes through.
    row = desk.locator(f"#completion-{rejected.pk}")
    row.locator("button[name=action][value=reject]").click()
    expect(_admin_messages(desk)).to_be_visible()
    expect(desk.locator(f"#completion-{rejected.pk}")).to_be_visible()
    row = desk.locator(f"#completion-{rejected.pk}")
    row.locator("input[name=reason]").fill("عکسی از کار فرستاده نشده است")
    row.locator("button[name=action][value=reject]").click()
    expect(_admin_messages(desk)).to_contain_text(volunteers[2].display_name)
    expect(desk.locator("main")).to_contain_text(fa("Nothing is waiting for verification."))

    for completion in (approved, corrected, rejected):
        completion.refresh_from_db()
    assert (approved.status, approved.approved_hours) == (Completion.Status.APPROVED, Decimal("3.00"))
    assert (corrected.status, corrected.approved_hours) == (Completion.Status.APPROVED, Decimal("2.00"))
    assert rejected.status == Completion.Status.REJECTED
    assert rejected.verifications.get().reason == "عکسی از کار فرستاده نشده است"

    # The approved hours bought a voucher, which the holder brings to the counter.
    reward = reward_create(
        department_slug="urban_services", name_fa="بلیت رایگان باغ پرندگان", points_price=20
    )
    voucher = reward_redeem(reward_id=reward.pk, user=volunteers[0])
    desk.goto(base + "/admin/")
    desk.locator("a[href='/rewards/counter/']").first.click()
    expect(desk.get_by_role("heading", level=1)).to_have_text(fa("Voucher counter"))
    desk.locator("#id_code").fill(voucher.code.lower())
    desk.locator("form.counter-form button[type=submit]").click()
    expect(desk.locator(".counter-result--ok")).to_contain_text(fa("Accepted"))
    expect(desk.locator(".counter-result--ok")).to_contain_text("بلیت رایگان باغ پرندگان")
    expect(desk.locator(".counter-result--ok")).to_contain_text(volunteers[0].display_name)
    voucher.refresh_from_db()
    assert voucher.status == Voucher.Status.REDEEMED and voucher.redeemed_by == staff

    # The same code a second time is turned away, with why.
    desk.locator("#id_code").fill(voucher.code)
    desk.locator("form.counter-form button[type=submit]").click()
    expect(desk.locator(".counter-result--refused")).to_contain_text(fa("Not accepted"))
    assert SignUp.objects.filter(shift=shift).count() == 3

    # A volunteer calls the desk about their shifts: staff find them by mobile number, say why they open
    # the record, and see their shifts, hours and points; the opening is in the audit log.
    desk.goto(base + "/admin/")
    desk.locator("a[href='/admin/people/']").first.click()
    desk.locator("#people-q").fill(persian_digits(volunteers[0].phone))
    desk.locator("#people-q").press("Enter")
    desk.locator(f"a[href='/admin/people/{volunteers[0].pk}/']").click()
    desk.locator("input[name=reason][value=asked]").check()
    desk.locator("input[name=note]").fill("تماس با ۱۳۷")
    desk.locator("form button[type=submit].button").first.click()
    expect(desk.locator("main")).to_contain_text(volunteers[0].display_name)
    expect(desk.locator("main table.listing")).to_contain_text(call.title)
    assert ModelLogEntry.objects.filter(
        object_id=str(volunteers[0].pk), action="cms.person_record_opened", user=staff
    ).exists()
