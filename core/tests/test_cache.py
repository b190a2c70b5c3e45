"""core.cache.FailoverCache: limits keep counting in the database while Redis is down."""

import pytest
from django.core.cache.backends.locmem import LocMemCache

from core.cache import FailoverCache

pytestmark = pytest.mark.django_db


class SwitchableCache(LocMemCache):
    """A primary that can be "stopped", as Redis can."""

    down = False

    def _check(self):
        if SwitchableCache.down:
            raise ConnectionError("Connection refused")

    def add(self, *args, **kwargs):
        self._check()
        return super().add(*args, **kwargs)

    def get(self, *args, **kwargs):
        self._check()
        return super().get(*args, **kwargs)

    def incr(self, *args, **kwargs):
        self._check()
        return super().incr(*args, **kwargs)


@pytest.fixture
def failover(monkeypatch):
    monkeypatch.setattr("core.cache.PRIMARY_PAUSE_SECONDS", 0)
    SwitchableCache.down = False
    yield FailoverCache(
        "primary",
        {"OPTIONS": {"PRIMARY_BACKEND": "core.tests.test_cache.SwitchableCache"}, "KEY_PREFIX": "t"},
    )
    SwitchableCache.down = False


def test_it_uses_the_primary_while_it_answers(failover):
    failover.add("count", 1, 60)
    assert failover.incr("count") == 2
    assert failover.primary.get("count") == 2
    assert failover.fallback.get("count") is None


def test_while_the_primary_is_down_the_database_counts(failover):
    SwitchableCache.down = True

    assert failover.add("count", 1, 60) is True
    assert failover.incr("count") == 2
    assert failover.get("count") == 2
    assert failover.fallback.get("count") == 2  # in the database table, shared by every process


def test_a_missing_key_is_an_answer_not_a_failure(failover):
    with pytest.raises(ValueError):
        failover.incr("never-set")
    assert failover.fallback.get("never-set") is None
