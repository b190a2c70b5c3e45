"""The proxy's admission of sign-ups (docker/nginx/admission-*): production's nginx configuration, run by
a real nginx on loopback in front of a small upstream that stands in for gunicorn and writes down what
reaches it.

At most IN_FLIGHT sign-ups are with the upstream at once; the others are answered at once by nginx — 429,
Retry-After, nothing passed on — in the API's error format or as a page, in the reader's language; every
other request, and gunicorn's own 429s, pass as before.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.servers import NGINX_CONFIG, ProductionNginx, render_nginx_admission

pytestmark = pytest.mark.integration

IN_FLIGHT = 3  # sign-ups with the upstream at once
UPSTREAM_SECONDS = 0.2  # how long the stand-in for gunicorn takes per answer


class _Upstream(BaseHTTPRequestHandler):
    """Answers every request 202 after a moment (the sign-up queue's answer), and /own-429 with a 429 of
    its own; writes down the path of each request that reached it, and the most it had at once."""

    reached: list[str] = []
    in_flight = most_in_flight = 0
    lock = threading.Lock()

    def _answer(self) -> None:
        cls = type(self)
        with cls.lock:
            cls.reached.append(self.path)
            cls.in_flight += 1
            cls.most_in_flight = max(cls.most_in_flight, cls.in_flight)
        try:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            time.sleep(UPSTREAM_SECONDS)
            own = self.path == "/own-429"
            status, body = (429, b'{"from": "gunicorn"}') if own else (202, b'{"ok": true}')
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        finally:
            with cls.lock:
                cls.in_flight -= 1

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
        signups_in_flight=IN_FLIGHT,
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
    """`count` requests sent at once."""
    barrier = threading.Barrier(count)

    def one(_index):
        barrier.wait()
        return _send(port, method, path, headers)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(one, range(count)))


@contextlib.contextmanager
def _sign_ups_held(port: int, count: int = IN_FLIGHT):
    """`count` sign-ups that stay in flight: their bodies are announced and never sent, so nginx keeps
    reading them (and counting them) until the block ends and they are dropped."""
    held = []
    for _ in range(count):
        held.append(socket.create_connection(("127.0.0.1", port)))
        held[-1].sendall(
            b"POST /api/v1/shifts/1/signups HTTP/1.1\r\nHost: hamyar.test\r\nContent-Length: 10\r\n\r\n"
        )
    time.sleep(0.2)  # nginx has read their headers
    try:
        yield
    finally:
        for connection in held:
            connection.close()
        time.sleep(0.2)  # and noticed they are gone


def _reached(path: str) -> int:
    with _Upstream.lock:
        return _Upstream.reached.count(path)


def test_no_more_sign_ups_than_the_bound_are_with_the_upstream_at_once_and_the_rest_are_told_at_once(proxy):
    path = "/api/v1/shifts/7/signups"
    _Upstream.most_in_flight = 0
    started = time.monotonic()
    answers = _burst(proxy, "POST", path, 40)

    busy = [answer for answer in answers if answer[0] == 429]
    passed = [answer for answer in answers if answer[0] == 202]
    assert len(busy) + len(passed) == 40
    assert _Upstream.most_in_flight == IN_FLIGHT
    assert IN_FLIGHT <= len(passed) < 40 and _reached(path) == len(passed)
    assert time.monotonic() - started < 40 * UPSTREAM_SECONDS / IN_FLIGHT  # nobody waited for the rest
    status, headers, body = busy[0]
    assert headers["retry-after"] == "1"
    assert headers["content-type"] == "application/json"
    assert headers["cache-control"] == "no-store"
    error = json.loads(body)["error"]
    assert error["code"] == "signups_busy"
    assert error["details"] == {"retry_after": 1}
    assert "ثبت نشد" in error["message"]  # Persian unless the reader asks otherwise


def test_while_the_bound_is_taken_every_sign_up_is_told_and_none_passes_then_they_pass_again(proxy):
    path = "/api/v1/shifts/8/signups"
    with _sign_ups_held(proxy):
        assert [_send(proxy, "POST", path)[0] for _ in range(5)] == [429] * 5
        assert _reached(path) == 0
    assert _send(proxy, "POST", path)[0] == 202
    assert _reached(path) == 1


@pytest.mark.parametrize(
    ("headers", "language"),
    [
        ({"Accept-Language": "en-US,en;q=0.9"}, "en"),
        ({"Accept-Language": "de, en;q=0.5"}, "en"),
        ({"Accept-Language": "fa-IR, en;q=0.5"}, "fa"),
        ({}, "fa"),
        ({"Accept-Language": "en", "Cookie": "hamyar_language=fa"}, "fa"),
        ({"Accept-Language": "fa", "Cookie": "sessionid=x; hamyar_language=en"}, "en"),
    ],
)
def test_the_api_answer_is_in_the_language_django_would_choose(proxy, headers, language):
    with _sign_ups_held(proxy):
        status, _headers, body = _send(proxy, "POST", "/api/v1/shifts/8/signups", headers)
    assert status == 429
    message = json.loads(body)["error"]["message"]
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
def test_a_sign_up_from_the_page_gets_a_page_in_its_language(proxy, path, language, says):
    with _sign_ups_held(proxy):
        status, headers, body = _send(
            proxy, "POST", path, {"Accept-Language": "fa" if language == "en" else "en"}
        )
    assert status == 429
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert headers["retry-after"] == "1"
    page = body.decode()
    assert f'<html lang="{language}"' in page
    assert says in page


def test_other_requests_are_never_held_back(proxy):
    # While the bound is taken: reading a shift's sign-ups, posting elsewhere, a page with "sign-up" in it.
    with _sign_ups_held(proxy):
        for method, path in [
            ("GET", "/api/v1/shifts/7/signups"),
            ("POST", "/api/v1/signups/3/completion"),
            ("GET", "/my/shifts/9/sign-up/"),
        ]:
            before = _reached(path)
            answers = _burst(proxy, method, path, 10)
            assert [status for status, _headers, _body in answers] == [202] * 10
            assert _reached(path) == before + 10


def test_gunicorns_own_429_passes_through_untouched(proxy):
    status, headers, body = _send(proxy, "GET", "/own-429")
    assert status == 429
    assert json.loads(body) == {"from": "gunicorn"}
    assert "retry-after" not in headers


def test_the_bound_must_be_a_whole_number_above_zero(tmp_path):
    for wrong in ["0", "abc", "1.5", "-3", " ", "07"]:
        refused = render_nginx_admission(NGINX_CONFIG, tmp_path / "admission", wrong)
        assert refused.returncode != 0
        assert "whole number above 0" in refused.stderr
    assert render_nginx_admission(NGINX_CONFIG, tmp_path / "admission", "250").returncode == 0
    assert "limit_conn hamyar_signups 250;" in (tmp_path / "admission" / "location.conf").read_text()
