"""Numbers in Persian messages are written in Persian digits (the one-time code itself stays in ASCII, so
phones offer to fill it in)."""

import pytest
from django.core.cache import cache, caches
from django.utils import translation

from volunteers.errors import TooManyAttempts
from volunteers.services import one_time_code_send
from volunteers.sms import OutboxSmsBackend

pytestmark = pytest.mark.django_db


def test_the_code_sms_gives_its_minutes_in_persian_digits_and_the_code_in_ascii():
    cache.clear()
    caches["limits"].clear()
    OutboxSmsBackend.outbox.clear()

    one_time_code_send(phone="09121239876", purpose="signup", client_ip="10.0.0.9", language="fa")

    text = OutboxSmsBackend.outbox[-1]["text"]
    assert "۵" in text and " 5 " not in text
    assert OutboxSmsBackend.last_code("09121239876").isascii()


def test_a_wait_is_said_in_the_readers_digits():
    # Raised while answering a request, so in the reader's language.
    with translation.override("fa"):
        assert "۵" in str(TooManyAttempts(retry_after=300).message)
    with translation.override("en"):
        assert "5 minutes" in str(TooManyAttempts(retry_after=300).message)
