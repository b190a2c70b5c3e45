"""Pluggable SMS sending. The backend is chosen by the SMS_BACKEND setting (a dotted class path)."""

import json
import re
import sys
from functools import cache
from urllib.error import HTTPError, URLError
from urllib.parse import quote, urlencode
from urllib.request import Request, urlopen

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from core.localization import ascii_digits

ONE_TIME_CODE_PATTERN = re.compile(r"(?<!\d)\d{6}(?!\d)")


class SmsSendError(Exception):
    """The provider did not take the message."""


class BaseSmsBackend:
    def send(self, *, phone: str, text: str) -> None:
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    """Prints each message, like Django's console e-mail backend, for development and demos."""

    def send(self, *, phone: str, text: str) -> None:
        sys.stdout.write(f"[SMS to {phone}] {text}\n")
        sys.stdout.flush()


class DummySmsBackend(BaseSmsBackend):
    """Sends nothing, like Django's dummy e-mail backend: for loading demo data without a flood of notices."""

    def send(self, *, phone: str, text: str) -> None:
        pass


class OutboxSmsBackend(BaseSmsBackend):
    """Keeps messages in `outbox`, for tests (like Django's locmem e-mail backend)."""

    outbox: list[dict] = []

    def send(self, *, phone: str, text: str) -> None:
        self.outbox.append({"phone": phone, "text": text})

    @classmethod
    def last_code(cls, phone: str) -> str | None:
        """The one-time code in the newest message to `phone`, or None: what a person would type in."""
        for message in reversed(cls.outbox):
            if message["phone"] == phone:
                found = ONE_TIME_CODE_PATTERN.search(ascii_digits(message["text"]))
                return found.group(0) if found else None
        return None


class KavenegarSmsBackend(BaseSmsBackend):
    """Sends through Kavenegar (kavenegar.com), a common Iranian SMS provider, with its HTTP API.

    Settings: SMS_API_KEY (required), SMS_SENDER (the sender line; the account's default when empty) and
    SMS_API_URL (for a proxy or a test server). A refusal or an unreachable provider raises SmsSendError.
    """

    timeout_seconds = 10

    def send(self, *, phone: str, text: str) -> None:
        if not settings.SMS_API_KEY:
            raise ImproperlyConfigured("SMS_API_KEY is needed for the Kavenegar SMS backend.")
        url = f"{settings.SMS_API_URL.rstrip('/')}/{quote(settings.SMS_API_KEY, safe='')}/sms/send.json"
        fields = {"receptor": phone, "message": text}
        if settings.SMS_SENDER:
            fields["sender"] = settings.SMS_SENDER
        request = Request(url, data=urlencode(fields).encode(), method="POST")  # noqa: S310 (URL from settings)
        try:
            with urlopen(request, timeout=self.timeout_seconds) as response:  # noqa: S310
                body = json.loads(response.read().decode() or "{}")
        except HTTPError as error:
            raise SmsSendError(f"Kavenegar answered HTTP {error.code}") from error
        except (URLError, TimeoutError, ValueError) as error:
            raise SmsSendError(f"Kavenegar could not be reached: {error}") from error
        status = body.get("return", {}).get("status")
        if status != 200:
            raise SmsSendError(f"Kavenegar refused the message: {status}")


@cache
def _backend_class(path: str) -> type[BaseSmsBackend]:
    return import_string(path)


def send_sms(*, phone: str, text: str) -> None:
    _backend_class(settings.SMS_BACKEND)().send(phone=phone, text=text)
