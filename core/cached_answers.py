"""Answers that are the same for every reader, kept in the cache: the API's (`cached_answer`) and whole web
pages kept as readers without a session get them, with each signed-in reader's own header put in
(`page_kept_for_readers`).

`decorate_view(cached_answer(key_for, seconds))` on a ninja operation answers from the cache when `key_for`
gives a key that holds one, and keeps a successful answer under it otherwise. The key carries the version
numbers that the owning app replaces whenever what the answer shows changes, so nothing stale is served
past a change; `seconds` bounds what time alone changes. A key of None (a reader whose answer is their own,
a transaction in progress, the cache down) answers as usual and keeps nothing.
"""

import copy
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage import default_storage
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.template.response import SimpleTemplateResponse
from django.utils.cache import patch_vary_headers

from core import access, db_routing


@dataclass(frozen=True)
class Freshness:
    """Finer versions a kept page depends on than those its key carries (one per call it lists, say), so
    that a change of something it does not show leaves it kept.

    `before()` is read just before the page (or answer) is rendered for keeping; `stamp(before, text)` just
    after, from what it shows: the versions to check it against later, or None when something changed while
    it was rendered (then it is not kept); `still_fresh(stamp)` is asked before a kept one is given.
    """

    before: Callable[[], object]
    stamp: Callable[[object, str], object | None]
    still_fresh: Callable[[object], bool]


def cached_answer(
    key_for: Callable[[HttpRequest], str | None], seconds: int, freshness: Freshness | None = None
):
    """With `freshness` (see Freshness), a kept answer is given only while what it shows is unchanged in its
    finer versions too; its stamp is made from the answer's text."""

    def decorator(run):
        @functools.wraps(run)
        def cached_run(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            key = key_for(request)
            cached = _kept_answer(key, freshness) if key else None
            if cached is not None:
                content, content_type = cached
                return HttpResponse(content, content_type=content_type)
            if key is None:
                return run(request, *args, **kwargs)
            before = freshness.before() if freshness else None
            with db_routing.reads_for_keeping():  # what is kept must not be a replica's lagging read
                response = run(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming:
                kept = (response.content, response["Content-Type"])
                if freshness is None:
                    cache.set(key, kept, seconds)
                elif (stamp := freshness.stamp(before, response.content.decode())) is not None:
                    cache.set(key, (*kept, stamp), seconds)
            return response

        return cached_run

    return decorator


def page_kept_for_readers(
    request: HttpRequest,
    *,
    key_for: Callable[[HttpRequest], str | None],
    seconds: int,
    render: Callable[[HttpRequest], HttpResponse],
    reader_parts: Callable[[HttpRequest], str] | None = None,
    freshness: Freshness | None = None,
    current_parts: Callable[[HttpRequest], str] | None = None,
) -> HttpResponse:
    """The page `render(request)` gives, kept under `key_for(request)` as a reader without a session gets it,
    and given to signed-in readers too with their own part of the header put in.

    A page with more of its own for each reader marks each such part in its template, as
    `<!--reader:NAME-->…<!--/reader:NAME-->`, and `reader_parts(request)` renders the reader's version of
    every part, marked alike: a signed-in reader gets the kept page with each marked part replaced by
    theirs (and the page rendered for them when a part is missing). With `freshness` (see Freshness) a kept
    page is given only while what it shows is unchanged in its finer versions too. A part that changes far
    more often than the rest of the page (a figure of the whole city's free places) is marked as
    `<!--current:NAME-->…<!--/current:NAME-->` and left out of what the key carries: `current_parts(request)`
    renders it, marked alike, for every reader a kept page is given to.

    Kept pages are those of readers without a session cookie (so anonymous, with no messages waiting) and
    without a messages cookie, outside a preview, asking with GET. A signed-in reader with no messages
    waiting who is not staff (Wagtail's userbar is theirs alone) gets the kept page with the header's
    reader part (`includes/reader_menu.html`, between its markers) rendered for them; when none is kept yet,
    the page is rendered once as a reader without a session would get it, and kept. Anyone else gets
    `render(request)`, as does everyone when the key is None.

    A page is kept only if rendering it asked for no CSRF token, set no cookie and wrote nothing to the
    session: such a page belongs to its reader. The key must carry the versions of everything the page
    shows (and `request.build_absolute_uri()` and the language); `seconds` bounds what time alone changes.
    """
    if getattr(request, "is_preview", False) or request.method != "GET":
        return render(request)
    if _reader_without_session(request):
        key = key_for(request)
        if key is None:
            return render(request)
        html = _kept_html(key, freshness)
        if html is not None and current_parts is not None:
            html = with_reader_parts(html, current_parts(request), marked=CURRENT_PART)
        if html is not None:
            response = HttpResponse(html)
            patch_vary_headers(response, ["Cookie"])
            return response
        before = freshness.before() if freshness else None
        response = _rendered_for_keeping(render, request)
        _keep(key, request, response, seconds, freshness=freshness, before=before)
        return response
    if not _reader_gets_kept_page(request):
        return render(request)
    key = key_for(request)
    html = _kept_html(key, freshness) if key else None
    if html is not None and current_parts is not None:
        html = with_reader_parts(html, current_parts(request), marked=CURRENT_PART)
    if html is None and key:
        anonymous = _as_reader_without_session(request)
        before = freshness.before() if freshness else None
        rendered = _rendered_for_keeping(render, anonymous)
        html = _keep(key, anonymous, rendered, seconds, freshness=freshness, before=before)
    if html is None or READER_MENU_START not in html:
        return render(request)
    start = html.index(READER_MENU_START) + len(READER_MENU_START)
    end = html.index(READER_MENU_END, start)
    reader_menu = render_to_string("includes/reader_menu.html", request=request)
    html = html[:start] + reader_menu + html[end:]
    if reader_parts is not None:
        html = with_reader_parts(html, reader_parts(request))
        if html is None:
            return render(request)
    response = HttpResponse(html)
    patch_vary_headers(response, ["Cookie"])
    return response


# Around the reader's own part of the header (templates/includes/header.html).
READER_MENU_START = "<!--reader-menu-->"
READER_MENU_END = "<!--/reader-menu-->"
# Around any other part of a kept page that is each reader's own (`page_kept_for_readers`' reader_parts).
READER_PART = re.compile(r"<!--reader:([\w-]+)-->.*?<!--/reader:\1-->", re.DOTALL)
# Around a part rendered afresh for every reader of a kept page (`page_kept_for_readers`' current_parts).
CURRENT_PART = re.compile(r"<!--current:([\w-]+)-->.*?<!--/current:\1-->", re.DOTALL)


def with_reader_parts(html: str, parts_html: str, *, marked: re.Pattern = READER_PART) -> str | None:
    """`html` with each part `marked` replaced by the part of the same name in `parts_html`; None when
    `parts_html` lacks one."""
    parts = {match.group(1): match.group(0) for match in marked.finditer(parts_html)}
    missing = []

    def reader_part(match: re.Match) -> str:
        if match.group(1) not in parts:
            missing.append(match.group(1))
            return match.group(0)
        return parts[match.group(1)]

    html = marked.sub(reader_part, html)
    return None if missing else html


def _rendered_for_keeping(
    render: Callable[[HttpRequest], HttpResponse], request: HttpRequest
) -> HttpResponse:
    """The page as `render` gives it, rendered now: it will be kept, so its reads go to a replica only if it
    is caught up (core.db_routing.reads_for_keeping)."""
    with db_routing.reads_for_keeping():
        response = render(request)
        if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
            response.render()
    return response


def _kept_answer(key: str, freshness: Freshness | None) -> tuple | None:
    """The kept (content, content type), or None."""
    kept = cache.get(key)
    return kept if kept is None or freshness is None else _still_fresh(kept, freshness, size=2)


def _kept_html(key: str, freshness: Freshness | None) -> str | None:
    kept = cache.get(key)
    if kept is None or freshness is None:
        return kept
    fresh = _still_fresh(kept, freshness, size=1)
    return None if fresh is None else fresh[0]


def _still_fresh(kept, freshness: Freshness, *, size: int) -> tuple | None:
    """The `size` values kept before their stamp while the stamp is fresh; None once it is not, or for a
    value kept without one (an older release's, under a key it shared): not to be trusted."""
    if not (isinstance(kept, tuple) and len(kept) == size + 1):
        return None
    *values, stamp = kept
    return tuple(values) if freshness.still_fresh(stamp) else None


def _keep(
    key: str,
    request: HttpRequest,
    rendered: HttpResponse,
    seconds: int,
    *,
    freshness: Freshness | None = None,
    before: object = None,
) -> str | None:
    """The rendered page's HTML (None when it belongs to its reader), kept unless what it shows changed
    while it was rendered."""
    session = getattr(request, "session", None)
    if (
        rendered.status_code != 200
        or rendered.streaming
        or rendered.cookies
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or (session is not None and session.modified)
    ):
        return None
    html = rendered.content.decode(rendered.charset)
    patch_vary_headers(rendered, ["Cookie"])
    if freshness is None:
        cache.set(key, html, seconds)
    elif (stamp := freshness.stamp(before, html)) is not None:
        cache.set(key, (html, stamp), seconds)
    return html


def _reader_gets_kept_page(request: HttpRequest) -> bool:
    """Signed in, not staff, with no messages waiting: the kept page with their header is all theirs."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or access.may_use_staff_area(user):
        return False
    return not len(messages.get_messages(request))


def _as_reader_without_session(request: HttpRequest) -> HttpRequest:
    """A copy of the request as someone without a session would send it, for rendering the kept page."""
    anonymous = copy.copy(request)
    anonymous.META = {
        name: value for name, value in request.META.items() if name not in ("HTTP_COOKIE", "CSRF_COOKIE")
    }
    anonymous.COOKIES = {
        name: value
        for name, value in request.COOKIES.items()
        if name not in (settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name, settings.CSRF_COOKIE_NAME)
    }
    anonymous.user = AnonymousUser()
    anonymous.session = import_module(settings.SESSION_ENGINE).SessionStore()
    anonymous._messages = default_storage(anonymous)
    return anonymous


def _reader_without_session(request: HttpRequest) -> bool:
    return (
        settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )
