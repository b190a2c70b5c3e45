"""Pluggable SMS sending. The backend is chosen by the SMS_BACKEND setting (a dotted class path)."""

import sys
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string


class BaseSmsBackend:
    def send(self, *, phone: str, text: str) -> None:
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    """Prints each message, like Django's console e-mail backend, for development and demos."""

    def send(self, *, phone: str, text: str) -> None:
        sys.stdout.write(f"[SMS to {phone}] {text}\n")
        sys.stdout.flush()


class OutboxSmsBackend(BaseSmsBackend):
    """Keeps messages in `outbox`, for tests (like Django's locmem e-mail backend)."""

    outbox: list[dict] = []

    def send(self, *, phone: str, text: str) -> None:
        self.outbox.append({"phone": phone, "text": text})


@cache
def _backend_class(path: str) -> type[BaseSmsBackend]:
    return import_string(path)


def send_sms(*, phone: str, text: str) -> None:
    _backend_class(settings.SMS_BACKEND)().send(phone=phone, text=text)
