"""A request that only reads reads each shared version once (core.cache.shared_versions)."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from core import cache as shared
from core.cache import (
    VersionsReadOnceMiddleware,
    forget_versions_read,
    shared_version_expire,
    shared_versions,
    versions_read_once,
)


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def reads(monkeypatch) -> list[list[str]]:
    """The keys of every read of the cache, in order."""
    seen: list[list[str]] = []
    get_many = cache.get_many

    def counted(keys, *args, **kwargs):
        seen.append(list(keys))
        return get_many(keys, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", counted)
    return seen


@pytest.fixture
def together(monkeypatch) -> list[str]:
    registered: list[str] = []
    monkeypatch.setattr(shared, "_read_together", registered)
    return registered


def test_within_a_request_each_version_is_read_once_and_the_registered_ones_come_along(reads, together):
    shared.read_together("test:calls", "test:places")

    with versions_read_once():
        first = shared_versions("test:site")
        again = shared_versions("test:site", "test:calls")
        places = shared_versions("test:places")

    assert reads == [["test:site", "test:calls", "test:places"]]
    assert first == again[:1] and None not in again + places
    assert len({*again, *places}) == 3  # each its own version, made on first use


def test_outside_a_request_every_read_goes_to_the_cache(reads, together):
    shared.read_together("test:calls")

    shared_versions("test:site")
    shared_versions("test:site")

    assert reads == [["test:site"], ["test:site"]]


def test_a_fresh_read_sees_a_change_made_elsewhere_while_the_request_keeps_what_it_read(reads, together):
    with versions_read_once():
        (before,) = shared_versions("test:places")
        cache.set("test:places", "changed elsewhere", timeout=None)
        (kept,) = shared_versions("test:places")
        (fresh,) = shared_versions("test:places", fresh=True)
        (after_fresh,) = shared_versions("test:places")

    assert kept == after_fresh == before != fresh == "changed elsewhere"


def test_a_change_the_request_commits_itself_is_read_after_it(together):
    with versions_read_once():
        (before,) = shared_versions("test:site")
        shared_version_expire("test:site")
        (after,) = shared_versions("test:site")
        cache.set("test:calls", "one", timeout=None)
        shared_versions("test:calls")
        cache.set("test:calls", "two", timeout=None)
        forget_versions_read()
        (calls,) = shared_versions("test:calls")

    assert before is not None and after is not None and before != after
    assert calls == "two"


def test_with_the_cache_down_nothing_is_remembered(monkeypatch, together):
    monkeypatch.setattr(cache, "get_many", lambda keys, *args, **kwargs: {})
    monkeypatch.setattr(cache, "add", lambda *args, **kwargs: False)
    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: None)

    with versions_read_once():
        assert shared_versions("test:site") == [None]
        assert shared._versions_read.get() == {}


@pytest.mark.parametrize(("method", "expected_reads"), [("get", 1), ("head", 1), ("post", 2)])
def test_only_requests_that_read_read_once(reads, together, method, expected_reads):
    def view(request):
        shared_versions("test:site")
        shared_versions("test:site")
        return None

    VersionsReadOnceMiddleware(view)(getattr(RequestFactory(), method)("/"))

    assert len(reads) == expected_reads
    assert shared._versions_read.get() is None  # nothing outlives the request
