"""A sent form shows that it is working and is not sent twice by a second tap (static/js/forms.js)."""

import pytest
from playwright.sync_api import expect

from tests.browser.journeys import site_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_sent_form_shows_progress_and_a_second_tap_sends_nothing_more(live_server, phone):
    sent = []

    def slow_network(route):
        # No page comes back (204), as while a slow answer is on its way: the page stays as it was sent.
        if route.request.method == "POST":
            sent.append(route.request.url)
            route.fulfill(status=204)
        else:
            route.continue_()

    phone.route("**/account/login/**", slow_network)
    phone.goto(site_url(live_server, "/account/login/"))
    form = phone.locator("form.form")
    form.locator("input[name=username]").fill("09120000001")
    form.locator("input[name=password]").fill("not-the-password")
    button = form.locator("button[type=submit]")

    button.click(no_wait_after=True)
    expect(form).to_have_attribute("aria-busy", "true")
    expect(button).to_have_attribute("aria-disabled", "true")
    button.click(no_wait_after=True, force=True)
    phone.wait_for_timeout(300)

    assert len(sent) == 1
    expect(form.locator("input[name=username]")).to_have_value("09120000001")
