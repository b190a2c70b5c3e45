"""gunicorn's master does once what every worker would do on its first requests (config/warm.py), and
leaves nothing open that the forked workers would share."""

import runpy
import sys
from pathlib import Path
from types import SimpleNamespace

from django.db import connections
from django.template import engines
from django.urls import clear_url_caches
from django.utils.translation import trans_real

from config import warm

PROJECT_DIR = Path(__file__).resolve().parent.parent


def test_the_master_imports_the_urlconf_and_compiles_the_projects_templates_without_a_connection():
    # No database access is allowed in this test: warming must not open a connection (pytest-django
    # would refuse it).
    clear_url_caches()
    sys.modules.pop("voice.urls", None)
    loader = engines["django"].engine.template_loaders[0]
    loader.reset()
    trans_real._translations.clear()

    warmed = warm.warm_before_fork()

    assert "voice.urls" in sys.modules  # a view module the URLconf imports
    assert warmed["url_names"] > 50
    compiled = set(loader.get_template_cache)
    assert {
        "base.html",
        "campaigns/volunteer/my_shifts.html",
        "verification/includes/signup_completion.html",
    } <= compiled
    assert not any(name.startswith("wagtailadmin/") for name in compiled)  # only the project's own
    assert warmed["templates"] == len(compiled) > 100
    assert all(connection.connection is None for connection in connections.all())
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
