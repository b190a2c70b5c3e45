"""Answers of the API that are the same for every reader, kept in the cache.

`decorate_view(cached_answer(key_for, seconds))` on a ninja operation answers from the cache when `key_for`
gives a key that holds one, and keeps a successful answer under it otherwise. The key carries the version
numbers that the owning app replaces whenever what the answer shows changes, so nothing stale is served
past a change; `seconds` bounds what time alone changes. A key of None (a reader whose answer is their own,
a transaction in progress, the cache down) answers as usual and keeps nothing.
"""

import functools
from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse


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
