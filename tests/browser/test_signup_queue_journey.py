"""A popular call opening, as a citizen meets it on a phone (in Persian or English): so many sign up for
the shift at once that its sign-up queue is open, so "Sign up" leads to a page with their number in the
queue; the page looks again by itself and, once their sign-up is decided, tells them where they stand."""

import datetime

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from campaigns import signup_line
from campaigns.models import SignUp, SignUpRequest
from campaigns.services import signup_create
from campaigns.tests.factories import PersonFactory, add_shift, publish_call
from tests.browser.journeys import expect_accessible, expect_reads_in, log_in, site_url, watch_server_errors

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def popular_shift(monkeypatch):
    cache.clear()
    # The worker comes when the test says: the page must first be seen waiting.
    monkeypatch.setattr(signup_line, "_line_worker_send", lambda shift_id: None)
    call = publish_call(title="پاک‌سازی ساحل زاینده‌رود", title_en="Clearing the Zayandeh Rud's banks")
    shift = add_shift(call, starts_in=datetime.timedelta(days=3), hours=2, capacity=1)
    signup_create(shift=shift, volunteer=PersonFactory())  # the one place is already taken
    cache.set(signup_line._open_key(shift.pk), 1, timeout=600)  # many are signing up right now
    yield shift
    cache.clear()


@pytest.mark.parametrize("language", ["fa", "en"])
def test_in_a_rush_the_citizen_waits_with_their_number_then_hears_where_they_stand(
    live_server, phone, popular_shift, language
):
    shift = popular_shift
    citizen = PersonFactory(preferred_language=language)
    ahead = PersonFactory()
    signup_line.signup_request_create(
        shift_id=shift.pk, person=ahead, accept_waiver_version=None, channel="api"
    )  # someone was quicker
    errors = watch_server_errors(phone)
    call_url = site_url(
        live_server, shift.call.url.removeprefix("/en") if language == "en" else shift.call.url, language
    )

    log_in(phone, live_server, citizen.username, language=language)
    phone.goto(call_url)
    phone.locator(f"tr[data-shift-id='{shift.pk}'] .shift-signup__button").click()
    phone.wait_for_url(lambda url: "/sign-up-requests/" in url)

    # Their number in the queue, in their language's digits, said politely to screen readers.
    number = phone.locator("[data-place]")
    expect(number).to_have_text("۲" if language == "fa" else "2")
    expect(phone.locator("[role=status]")).to_contain_text(number.inner_text())
    expect_reads_in(phone, language)
    expect_accessible(phone)
    assert SignUpRequest.objects.get(person=citizen).state == "waiting"

    # "My shifts" shows it too, and leads back to the page that follows it.
    phone.goto(site_url(live_server, "/my/shifts/", language))
    queued = phone.locator("section[aria-labelledby=queued-heading]")
    expect(queued).to_contain_text("۲" if language == "fa" else "2")
    expect_accessible(phone)
    queued.locator("a.button").click()
    phone.wait_for_url(lambda url: "/sign-up-requests/" in url)

    # The queue is decided: the page notices by itself and says where they stand, on the call's page.
    signup_line.signup_line_decide(shift_id=shift.pk)
    phone.wait_for_url(lambda url: "/sign-up-requests/" not in url, timeout=15_000)
    said = phone.locator(".message--success")
    expect(said).to_contain_text("۲" if language == "fa" else "2")
    signup = SignUp.objects.get(shift=shift, volunteer=citizen)
    assert (signup.status, signup.waitlist_position) == ("waitlisted", 2)
    expect_reads_in(phone, language)
    expect_accessible(phone)
    assert errors == []
