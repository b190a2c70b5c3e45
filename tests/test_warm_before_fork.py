"""gunicorn's master does once what every worker would do on its first requests (config/warm.py), and
leaves nothing open that the forked workers would share."""

import runpy
from pathlib import Path
from types import SimpleNamespace

from django.db import connections
from django.template import engines
from django.urls import clear_url_caches, get_resolver
from django.utils.translation import trans_real

from config import warm

PROJECT_DIR = Path(__file__).resolve().parent.parent


def test_the_master_imports_the_urlconf_and_compiles_the_projects_templates_without_a_connection():
    # No database access is allowed in this test: warming must not open a connection (pytest-django
    # would refuse it).
    clear_url_caches()
    assert not get_resolver()._reverse_dict  # a new resolver: nothing looked up yet
    loader = engines["django"].engine.template_loaders[0]
    loader.reset()
    trans_real._translations.clear()

    unopened = [connection for connection in connections.all() if connection.connection is None]

    warmed = warm.warm_before_fork()

    # The reverse lookups built in both languages (i18n_patterns keeps one per language).
    assert {"fa", "en"} <= set(get_resolver()._reverse_dict)
    assert warmed["url_names"] > 50
    compiled = set(loader.get_template_cache)
    assert {
        "base.html",
        "campaigns/volunteer/my_shifts.html",
        "verification/includes/signup_completion.html",
    } <= compiled
    assert not any(name.startswith("wagtailadmin/") for name in compiled)  # only the project's own
    assert warmed["templates"] == len(compiled) > 100
    assert all(connection.connection is None for connection in unopened)  # warming opened none
    # Both languages' catalogues read (Django keeps them per process, by language).
    assert {"fa", "en"} <= set(trans_real._translations)


def test_gunicorn_warms_in_the_master_only_when_the_app_is_preloaded(monkeypatch):
    calls = []
    monkeypatch.setattr(warm, "warm_before_fork", lambda: calls.append(1) or {"url_names": 1, "templates": 1})
    logged = []
    server = SimpleNamespace(log=SimpleNamespace(info=lambda *args: logged.append(args)))

    settings = runpy.run_path(str(PROJECT_DIR / "gunicorn.conf.py"))
    settings["when_ready"](server)
    assert calls == [1] and logged

    monkeypatch.setenv("GUNICORN_PRELOAD", "0")
    settings = runpy.run_path(str(PROJECT_DIR / "gunicorn.conf.py"))
    settings["when_ready"](server)
    assert calls == [1]  # each worker imports for itself then
