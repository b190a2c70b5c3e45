"""More people pressing "Sign up" than the web nodes can answer, as a citizen meets it on a phone (in Persian
or English) through production's nginx: their sign-up is answered at once by the proxy — a page in their
language saying nothing was recorded and to press again in a few seconds — and a moment later "Back" and
"Sign up" sign them up."""

import datetime
import threading
import time
import urllib.error
import urllib.request
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from campaigns.models import SignUp
from campaigns.tests.factories import PersonFactory, add_shift, publish_call
from tests.browser.journeys import expect_accessible, expect_reads_in, log_in, site_url, watch_server_errors
from tests.servers import ProductionNginx

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BUSY = {"fa": "هم‌اکنون بسیاری در حال ثبت‌نام هستند", "en": "Many people are signing up right now"}
BACK = {"fa": "برگشت به صفحهٔ قبل", "en": "Back to the previous page"}


@pytest.fixture
def proxy(live_server, tmp_path):
    """Production's nginx in front of the live server, admitting one sign-up a second."""
    port = int(live_server.url.rsplit(":", 1)[1])
    nginx = ProductionNginx(directory=tmp_path / "nginx", upstream_port=port, signups_per_second=1)
    nginx.start()
    yield nginx
    nginx.stop()


class _Rush:
    """Others pressing "Sign up" without pause (their requests are refused by Django, but nginx counts each
    one), so that what may wait in the proxy is always taken."""

    def __init__(self, url: str):
        self.url, self.stopped, self.threads = url, threading.Event(), []

    def _press(self) -> None:
        while not self.stopped.is_set():
            try:
                urllib.request.urlopen(urllib.request.Request(self.url, data=b"", method="POST"), timeout=5)
            except (urllib.error.HTTPError, OSError):
                pass

    def __enter__(self):
        self.threads = [threading.Thread(target=self._press, daemon=True) for _ in range(3)]
        for thread in self.threads:
            thread.start()
        time.sleep(0.3)
        return self

    def __exit__(self, *exc) -> None:
        self.stopped.set()
        for thread in self.threads:
            thread.join(timeout=10)


@pytest.mark.parametrize("language", ["fa", "en"])
def test_in_a_rush_the_proxy_says_at_once_to_press_again_and_pressing_again_signs_up(
    live_server, proxy, phone, language
):
    cache.clear()
    call = publish_call(title="پاک‌سازی ساحل زاینده‌رود", title_en="Clearing the Zayandeh Rud's banks")
    shift = add_shift(call, starts_in=datetime.timedelta(days=3), hours=2, capacity=5)
    citizen = PersonFactory(preferred_language=language)
    site = SimpleNamespace(url=proxy.url)  # every page through nginx
    errors = watch_server_errors(phone)
    log_in(phone, site, citizen.username, language=language)
    phone.goto(site_url(site, call.url.removeprefix("/en") if language == "en" else call.url, language))
    button = phone.locator(f"tr[data-shift-id='{shift.pk}'] .shift-signup__button")

    with _Rush(f"{proxy.url}/my/shifts/{shift.pk}/sign-up/"):
        with phone.expect_response(lambda answer: "/sign-up/" in answer.url) as answered:
            button.click()
        assert answered.value.status == 429
        assert answered.value.headers["retry-after"] == "1"
        expect(phone.locator("h1")).to_have_text(BUSY[language])
        expect_reads_in(phone, language)
        expect_accessible(phone)
    assert not SignUp.objects.filter(volunteer=citizen).exists()  # nothing recorded, as the page says

    time.sleep(2.5)  # the rush is over; what waited in nginx has passed
    phone.get_by_role("button", name=BACK[language]).click()
    button.click()
    expect(phone.locator(".message--success")).to_be_visible()
    assert SignUp.objects.get(volunteer=citizen).shift_id == shift.pk
    expect_reads_in(phone, language)
    assert errors == []
