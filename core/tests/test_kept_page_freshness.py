"""core.cached_answers.page_kept_for_readers with `freshness`: a kept page is given only while its finer
versions are unchanged, is not kept when they changed while it was rendered, and a value kept without
them (by an older release, under a key it shared) is never given."""

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory

from core.cached_answers import Freshness, cached_answer, page_kept_for_readers

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

KEY = "test:kept-page"


def serve(versions: dict, rendered: list) -> str:
    """The page for a reader without a session; its finer version is `versions["now"]`."""

    def render(request):
        rendered.append(1)
        return HttpResponse(f"<p>{versions['now']}</p>")

    freshness = Freshness(
        before=lambda: versions["now"],
        stamp=lambda before, html: before if versions["now"] == before else None,
        still_fresh=lambda stamp: stamp == versions["now"],
    )
    request = RequestFactory().get("/page")
    response = page_kept_for_readers(
        request, key_for=lambda request: KEY, seconds=30, render=render, freshness=freshness
    )
    return response.content.decode()


def test_a_kept_page_is_given_while_its_finer_versions_are_unchanged():
    versions, rendered = {"now": "a"}, []
    assert serve(versions, rendered) == "<p>a</p>"
    assert serve(versions, rendered) == "<p>a</p>"
    assert len(rendered) == 1

    versions["now"] = "b"
    assert serve(versions, rendered) == "<p>b</p>"
    assert len(rendered) == 2


def test_a_page_whose_versions_changed_while_it_was_rendered_is_not_kept():
    versions, rendered = {"now": "a"}, []

    def render_while_it_changes(request):
        rendered.append(1)
        page = HttpResponse(f"<p>{versions['now']}</p>")
        versions["now"] = "b"
        return page

    freshness = Freshness(
        before=lambda: versions["now"],
        stamp=lambda before, html: before if versions["now"] == before else None,
        still_fresh=lambda stamp: stamp == versions["now"],
    )
    request = RequestFactory().get("/page")
    page_kept_for_readers(
        request, key_for=lambda r: KEY, seconds=30, render=render_while_it_changes, freshness=freshness
    )
    assert cache.get(KEY) is None


def test_a_value_kept_without_its_stamp_is_never_given():
    cache.set(KEY, "<p>kept by an older release</p>", 30)
    rendered = []
    assert serve({"now": "a"}, rendered) == "<p>a</p>"
    assert rendered == [1]


def test_an_answer_kept_without_its_stamp_is_never_given():
    cache.set(KEY, (b"kept by an older release", "text/plain"), 30)
    versions, computed = {"now": "a"}, []
    freshness = Freshness(
        before=lambda: versions["now"],
        stamp=lambda before, text: before,
        still_fresh=lambda stamp: stamp == versions["now"],
    )

    def compute(request):
        computed.append(1)
        return HttpResponse(f"computed {len(computed)}")

    answer = cached_answer(lambda request: KEY, 30, freshness)(compute)
    request = RequestFactory().get("/answer")

    assert answer(request).content == b"computed 1"
    assert answer(request).content == b"computed 1"  # kept now, with its stamp
    versions["now"] = "b"
    assert answer(request).content == b"computed 2"
