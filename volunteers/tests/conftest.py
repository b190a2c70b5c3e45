import pytest
from django.core.cache import caches

from volunteers.sms import OutboxSmsBackend


@pytest.fixture(autouse=True)
def no_attempts_counted_yet():
    """Counts of failed attempts and of codes asked for live in the caches, which outlive a test."""
    for name in ("default", "limits"):
        caches[name].clear()
    yield
    for name in ("default", "limits"):
        caches[name].clear()


@pytest.fixture
def sms_outbox(monkeypatch) -> list[dict]:
    """A fresh list of sent SMS for the test (the outbox backend keeps them on the class)."""
    outbox: list[dict] = []
    monkeypatch.setattr(OutboxSmsBackend, "outbox", outbox)
    return outbox
