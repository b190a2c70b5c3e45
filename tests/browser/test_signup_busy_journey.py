"""More people pressing "Sign up" than the web nodes can answer, as a citizen meets it on a phone (in Persian
or English) through production's nginx: their sign-up is answered at once by the proxy — a page in their
language saying nothing was recorded and to press again in a few seconds — and a moment later "Back" and
"Sign up" sign them up."""

import contextlib
import datetime
import socket
import time
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
    """Production's nginx in front of the live server, letting one sign-up at a time through."""
    port = int(live_server.url.rsplit(":", 1)[1])
    nginx = ProductionNginx(directory=tmp_path / "nginx", upstream_port=port, signups_in_flight=1)
    nginx.start()
    yield nginx
    nginx.stop()


@contextlib.contextmanager
def someone_else_signing_up(proxy):
    """Another sign-up in flight for as long as the block runs: its body is announced and not yet sent."""
    other = socket.create_connection(("127.0.0.1", proxy.port))
    other.sendall(b"POST /my/shifts/1/sign-up/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\n")
    time.sleep(0.2)
    try:
        yield
    finally:
        other.close()
        time.sleep(0.2)


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

    with someone_else_signing_up(proxy):
        with phone.expect_response(lambda answer: "/sign-up/" in answer.url) as answered:
            button.click()
        assert answered.value.status == 429
        assert answered.value.headers["retry-after"] == "1"
        expect(phone.locator("h1")).to_have_text(BUSY[language])
        expect_reads_in(phone, language)
        expect_accessible(phone)
    assert not SignUp.objects.filter(volunteer=citizen).exists()  # nothing recorded, as the page says

    phone.get_by_role("button", name=BACK[language]).click()
    button.click()
    expect(phone.locator(".message--success")).to_be_visible()
    assert SignUp.objects.get(volunteer=citizen).shift_id == shift.pk
    expect_reads_in(phone, language)
    assert errors == []
