"""The Kavenegar SMS backend against a local HTTP server that answers as Kavenegar does."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from volunteers.sms import KavenegarSmsBackend, SmsSendError


@pytest.fixture
def provider():
    """A stand-in for api.kavenegar.com: records requests and answers with `answer["status"]`."""
    received: list[dict] = []
    answer = {"http": 200, "status": 200}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers["Content-Length"])
            received.append({"path": self.path, "form": parse_qs(self.rfile.read(length).decode())})
            body = json.dumps({"return": {"status": answer["status"], "message": "ok"}, "entries": []})
            self.send_response(answer["http"])
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/v1", received, answer
    server.shutdown()
    server.server_close()


def test_a_message_is_posted_with_the_key_in_the_path(provider):
    url, received, _ = provider
    with override_settings(SMS_API_URL=url, SMS_API_KEY="secret-key", SMS_SENDER="10004346"):
        KavenegarSmsBackend().send(phone="09121234567", text="کد همیار: 123456")

    assert received == [
        {
            "path": "/v1/secret-key/sms/send.json",
            "form": {"receptor": ["09121234567"], "message": ["کد همیار: 123456"], "sender": ["10004346"]},
        }
    ]


@pytest.mark.parametrize(("http", "status"), [(200, 418), (403, 403)])
def test_a_refusal_raises(provider, http, status):
    url, _, answer = provider
    answer.update(http=http, status=status)

    with override_settings(SMS_API_URL=url, SMS_API_KEY="k"), pytest.raises(SmsSendError):
        KavenegarSmsBackend().send(phone="09121234567", text="x")


def test_an_unreachable_provider_raises():
    with override_settings(SMS_API_URL="http://127.0.0.1:9/v1", SMS_API_KEY="k"), pytest.raises(SmsSendError):
        KavenegarSmsBackend().send(phone="09121234567", text="x")


def test_without_a_key_the_backend_says_what_is_missing():
    with override_settings(SMS_API_KEY=""), pytest.raises(ImproperlyConfigured):
        KavenegarSmsBackend().send(phone="09121234567", text="x")
