"""The proxy's admission of sign-ups (docker/nginx/admission-*): production's nginx configuration, run by
a real nginx on loopback in front of a small upstream that stands in for gunicorn and writes down what
reaches it.

A burst of sign-ups beyond the admitted rate and the half second's worth that may wait is answered at once by
nginx — 429, Retry-After, nothing passed on — in the API's error format or as a page, in the reader's
language; every other request, and gunicorn's own 429s, pass as before.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.servers import NGINX_CONFIG, ProductionNginx, render_nginx_admission

pytestmark = pytest.mark.integration

PER_SECOND = 6  # admitted a second
WAITING = 3  # half a second's worth may wait in nginx
UPSTREAM_SECONDS = 0.05  # how long the stand-in for gunicorn takes per answer


class _Upstream(BaseHTTPRequestHandler):
    """Answers every request 202 after a moment (the sign-up queue's answer), and /own-429 with a 429 of
    its own; writes down the method and path of each request that reached it."""

    reached: list[tuple[str, str]] = []
    lock = threading.Lock()

    def _answer(self) -> None:
        with self.lock:
            self.reached.append((self.command, self.path))
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        time.sleep(UPSTREAM_SECONDS)
        status, body = (429, b'{"from": "gunicorn"}') if self.path == "/own-429" else (202, b'{"ok": true}')
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def upstream():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Upstream)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def proxy(tmp_path_factory, upstream):
    nginx = ProductionNginx(
        directory=tmp_path_factory.mktemp("nginx"),
        upstream_port=upstream.server_address[1],
        signups_per_second=PER_SECOND,
    )
    nginx.start()
    yield nginx.port
    nginx.stop()


def _send(port: int, method: str, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    body = b"" if method == "POST" else None
    connection.request(method, path, body=body, headers={"Host": "hamyar.test", **(headers or {})})
    answer = connection.getresponse()
    return answer.status, {name.lower(): value for name, value in answer.getheaders()}, answer.read()


def _burst(port: int, method: str, path: str, count: int, headers: dict | None = None) -> list:
    """`count` requests sent at once, after the previous burst's budget has come back."""
    time.sleep(1.5)  # the zone forgets an earlier burst
    barrier = threading.Barrier(count)

    def one(_index):
        barrier.wait()
        return _send(port, method, path, headers)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(one, range(count)))


def _reached(upstream_path: str) -> int:
    with _Upstream.lock:
        return sum(1 for _method, path in _Upstream.reached if path == upstream_path)


def test_a_burst_of_api_sign_ups_beyond_what_may_wait_is_answered_at_once_and_nothing_passes_on(proxy):
    path = "/api/v1/shifts/7/signups"
    answers = _burst(proxy, "POST", path, 40)

    busy = [answer for answer in answers if answer[0] == 429]
    passed = [answer for answer in answers if answer[0] == 202]
    assert len(busy) + len(passed) == 40
    # One at once and WAITING waiting, a few more as the budget refills while the burst arrives.
    assert WAITING + 1 <= len(passed) <= WAITING + 4
    assert _reached(path) == len(passed)
    status, headers, body = busy[0]
    assert headers["retry-after"] == "1"
    assert headers["content-type"] == "application/json"
    assert headers["cache-control"] == "no-store"
    error = json.loads(body)["error"]
    assert error["code"] == "signups_busy"
    assert error["details"] == {"retry_after": 1}
    assert "ثبت نشد" in error["message"]  # Persian unless the reader asks otherwise


@pytest.mark.parametrize(
    ("headers", "language"),
    [
        ({"Accept-Language": "en-US,en;q=0.9"}, "en"),
        ({"Accept-Language": "de, en;q=0.5"}, "en"),
        ({"Accept-Language": "fa-IR, en;q=0.5"}, "fa"),
        ({"Accept-Language": "en", "Cookie": "hamyar_language=fa"}, "fa"),
        ({"Accept-Language": "fa", "Cookie": "sessionid=x; hamyar_language=en"}, "en"),
    ],
)
def test_the_api_answer_is_in_the_language_django_would_choose(proxy, headers, language):
    answers = _burst(proxy, "POST", "/api/v1/shifts/8/signups", 20, headers)
    message = next(json.loads(body)["error"]["message"] for status, _h, body in answers if status == 429)
    assert ("Nothing was recorded" in message) is (language == "en")
    assert ("ثبت نشد" in message) is (language == "fa")


@pytest.mark.parametrize(
    ("path", "language", "says"),
    [
        ("/my/shifts/9/sign-up/", "fa", "ثبت‌نام شما هنوز ثبت نشده است"),
        ("/en/my/shifts/9/sign-up/", "en", "Your sign-up has not been recorded yet"),
    ],
    ids=["fa", "en"],
)
def test_a_burst_of_sign_ups_from_the_page_gets_a_page_in_its_language(proxy, path, language, says):
    answers = _burst(proxy, "POST", path, 20, {"Accept-Language": "fa" if language == "en" else "en"})

    busy = [(headers, body.decode()) for status, headers, body in answers if status == 429]
    assert len(busy) >= 20 - (WAITING + 4)
    headers, page = busy[0]
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert headers["retry-after"] == "1"
    assert f'<html lang="{language}"' in page
    assert says in page


def test_other_requests_are_never_held_back(proxy):
    # Reading a shift's sign-ups, and posting elsewhere, in bursts as large: none counted, all passed on.
    for method, path in [("GET", "/api/v1/shifts/7/signups"), ("POST", "/api/v1/signups/3/completion")]:
        before = _reached(path)
        answers = _burst(proxy, method, path, 30)
        assert [status for status, _headers, _body in answers] == [202] * 30
        assert _reached(path) == before + 30


def test_gunicorns_own_429_passes_through_untouched(proxy):
    status, headers, body = _send(proxy, "GET", "/own-429")
    assert status == 429
    assert json.loads(body) == {"from": "gunicorn"}
    assert "retry-after" not in headers


def test_the_admitted_rate_must_be_a_whole_number_above_zero(tmp_path):
    for wrong in ["0", "abc", "1.5", "-3", ""]:
        refused = render_nginx_admission(NGINX_CONFIG, tmp_path / "admission", wrong or " ")
        assert refused.returncode != 0
        assert "whole number above 0" in refused.stderr
    assert render_nginx_admission(NGINX_CONFIG, tmp_path / "admission", "250").returncode == 0
    assert "burst=125;" in (tmp_path / "admission" / "location.conf").read_text()
    assert "rate=250r/s;" in (tmp_path / "admission" / "zone.conf").read_text()
