"""What each gunicorn worker would otherwise do on its first requests, done once in the master before the
workers are forked (gunicorn.conf.py: `preload_app`, `when_ready`).

With `preload_app` the master has imported Django and Wagtail, but not the URLconf — every view module, the
API with its pydantic schemas — nor read a language's catalogues or compiled a template: each worker did
that on its first requests (0.3 s of CPU for a first "my shifts" page, the URLconf 0.4 s more), and again
every time `max_requests` recycles it, while requests waited for it. Done here, a recycled worker is forked
with all of it ready.

Two more things make a worker's life cheap at its two ends (`freeze_before_fork`, `exit_without_teardown`):
the objects the master made are set aside from the garbage collector before forking, and a worker leaves
without tearing down its interpreter. Both measured on the benchmark's stack: a forked worker's ordinary
exit cost ~1 s of CPU (the collector and the module teardown walking, and so copying, every page it
shares with the master), with the heap frozen ~0.1 s, with `os._exit` nothing; with workers recycled every
200 requests the bare view cost gunicorn 6.4–8.3 ms of CPU per request instead of 1.3–1.7 ms.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import sys
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

TEMPLATE_SUFFIXES = (".html", ".txt", ".xml", ".svg")


def warm_before_fork() -> dict[str, int]:
    """Imports the URLconf and builds its reverse lookups, reads each language's catalogues and formats,
    imports the auth backends and context processors, composes the statements kept per process
    (core.compiled_queries, a page type's among them), and compiles the project's own templates (not those
    of installed packages, which are many and mostly for the admin); then closes every database and cache
    connection, so that no socket is shared across the fork. Returns what it did, for the log."""
    from django.contrib.auth import get_backends
    from django.core.cache import caches
    from django.db import connections
    from django.template import TemplateSyntaxError, engines
    from django.template.backends.django import DjangoTemplates
    from django.urls import get_resolver
    from django.utils import formats, translation

    from core import compiled_queries, page_routes

    resolver = get_resolver()
    routes = 0
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            # Every URL module imported, and the reverse lookups built: once per language (i18n_patterns),
            # and for each namespace ("volunteer:my_shifts") apart.
            routes = max(routes, len(resolver.reverse_dict))
            _build_namespaced_lookups(resolver)
            translation.gettext("Sign up")  # the language's catalogues, read from every app's .mo files
            formats.get_format("DATE_FORMAT")  # its locale's formats module
    get_backends()
    page_routes.declare_page_queries()
    statements = max(compiled_queries.compose_every_query(alias) for alias in settings.DATABASES)
    compiled = 0
    project = Path(settings.BASE_DIR).resolve()
    for engine in engines.all():
        if not isinstance(engine, DjangoTemplates):
            continue
        engine.engine.template_context_processors  # noqa: B018 (imported on first use)
        for directory in engine.template_dirs:
            directory = Path(directory).resolve()
            if not directory.is_relative_to(project) or ".venv" in directory.parts:
                continue
            for path in sorted(directory.rglob("*")):
                if path.suffix not in TEMPLATE_SUFFIXES or not path.is_file():
                    continue
                try:
                    engine.get_template(path.relative_to(directory).as_posix())
                except TemplateSyntaxError:  # it would fail on its first render too; that is where it shows
                    logger.warning("Template %s did not compile", path, exc_info=True)
                    continue
                compiled += 1
    connections.close_all()
    caches.close_all()
    return {"url_names": routes, "statements": statements, "templates": compiled}


def _build_namespaced_lookups(resolver) -> None:
    for _prefix, namespaced in resolver.namespace_dict.values():
        namespaced.reverse_dict  # noqa: B018 (built on first use, for the active language)
        _build_namespaced_lookups(namespaced)


def freeze_before_fork() -> int:
    """Moves every object the master has made into the collector's permanent generation (gc.freeze, as the
    Python documentation advises for servers that fork): the workers' collections then never walk them, so
    their pages stay shared with the master instead of being copied into each worker, and a worker's exit
    does not walk them either. Returns how many objects were frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def exit_without_teardown() -> None:
    """Ends a gunicorn worker that is leaving (gunicorn.conf.py `worker_exit`: recycled by `max_requests`,
    or stopped) with its exit code, without the interpreter's teardown, which costs a second of CPU and
    does nothing a worker needs: its answers are sent, what must happen later is in the database (the
    outbox), and the kernel closes its sockets. Logs and the standard streams are flushed and the database
    told goodbye first. Called anywhere but while a SystemExit propagates, it returns and nothing changes."""
    leaving = sys.exc_info()[1]
    if not isinstance(leaving, SystemExit):
        return
    code = 0 if leaving.code is None else leaving.code
    if not isinstance(code, int):
        return
    from django.db import connections

    with contextlib.suppress(Exception):
        connections.close_all()
    logging.shutdown()
    with contextlib.suppress(Exception):
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code)
