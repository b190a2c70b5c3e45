"""Answers that are the same for every reader, kept in the cache: the API's (`cached_answer`) and whole web
pages for readers without a session (`page_kept_for_readers_without_session`).

`decorate_view(cached_answer(key_for, seconds))` on a ninja operation answers from the cache when `key_for`
gives a key that holds one, and keeps a successful answer under it otherwise. The key carries the version
numbers that the owning app replaces whenever what the answer shows changes, so nothing stale is served
past a change; `seconds` bounds what time alone changes. A key of None (a reader whose answer is their own,
a transaction in progress, the cache down) answers as usual and keeps nothing.
"""

import functools
from collections.abc import Callable

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.response import SimpleTemplateResponse
from django.utils.cache import patch_vary_headers


def cached_answer(key_for: Callable[[HttpRequest], str | None], seconds: int):
    def decorator(run):
        @functools.wraps(run)
        def cached_run(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            key = key_for(request)
            cached = cache.get(key) if key else None
            if cached is not None:
                content, content_type = cached
                return HttpResponse(content, content_type=content_type)
            response = run(request, *args, **kwargs)
            if key and response.status_code == 200 and not response.streaming:
                cache.set(key, (response.content, response["Content-Type"]), seconds)
            return response

        return cached_run

    return decorator


def page_kept_for_readers_without_session(
    request: HttpRequest,
    *,
    key_for: Callable[[HttpRequest], str | None],
    seconds: int,
    render: Callable[[], HttpResponse],
) -> HttpResponse:
    """The page `render` gives, kept under `key_for(request)` for readers who would all get the same one.

    Those are readers without a session cookie (so anonymous, with no messages waiting in a session) and
    without a messages cookie, outside a preview, asking with GET. Anyone else gets `render()`, as does
    everyone when the key is None. A page is kept only if rendering it asked for no CSRF token, set no cookie
    and wrote nothing to the session: such a page belongs to its reader. The key must carry the versions of
    everything the page shows (and `request.build_absolute_uri()` and the language); `seconds` bounds what
    time alone changes.
    """
    key = key_for(request) if _reader_without_session(request) else None
    if key is None:
        return render()
    html = cache.get(key)
    if html is not None:
        response = HttpResponse(html)
        patch_vary_headers(response, ["Cookie"])
        return response

    def keep(rendered: HttpResponse) -> None:
        session = getattr(request, "session", None)
        if (
            rendered.status_code != 200
            or rendered.streaming
            or rendered.cookies
            or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            or (session is not None and session.modified)
        ):
            return
        cache.set(key, rendered.content.decode(rendered.charset), seconds)
        patch_vary_headers(rendered, ["Cookie"])

    response = render()
    if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
        response.add_post_render_callback(keep)
    else:
        keep(response)
    return response


def _reader_without_session(request: HttpRequest) -> bool:
    if getattr(request, "is_preview", False) or request.method != "GET":
        return False
    return (
        settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )
