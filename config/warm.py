"""What each gunicorn worker would otherwise do on its first requests, done once in the master before the
workers are forked (gunicorn.conf.py: `preload_app`, `when_ready`).

With `preload_app` the master has imported Django and Wagtail, but not the URLconf — every view module, the
API with its pydantic schemas — nor read a language's catalogues or compiled a template: each worker did
that on its first requests (0.3 s of CPU for a first "my shifts" page, the URLconf 0.4 s more), and again
every time `max_requests` recycles it, while requests waited for it. Done here, a recycled worker is forked
with all of it ready.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

TEMPLATE_SUFFIXES = (".html", ".txt", ".xml", ".svg")


def warm_before_fork() -> dict[str, int]:
    """Imports the URLconf and builds its reverse lookups, reads each language's catalogues and formats,
    imports the auth backends and context processors, and compiles the project's own templates (not those
    of installed packages, which are many and mostly for the admin); then closes every database and cache
    connection, so that no socket is shared across the fork. Returns what it did, for the log."""
    from django.contrib.auth import get_backends
    from django.core.cache import caches
    from django.db import connections
    from django.template import TemplateSyntaxError, engines
    from django.template.backends.django import DjangoTemplates
    from django.urls import get_resolver
    from django.utils import formats, translation

    resolver = get_resolver()
    routes = 0
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            # Every URL module imported, and the reverse lookup built: once per language (i18n_patterns).
            routes = max(routes, len(resolver.reverse_dict))
            translation.gettext("Sign up")  # the language's catalogues, read from every app's .mo files
            formats.get_format("DATE_FORMAT")  # its locale's formats module
    get_backends()
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
    return {"url_names": routes, "templates": compiled}
