"""gunicorn's master does once what every worker would do on its first requests (config/warm.py), and
leaves nothing open that the forked workers would share."""

import gc
import os
import runpy
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import connections
from django.template import engines
from django.urls import clear_url_caches, get_resolver
from django.utils.translation import trans_real

from campaigns import selectors as campaigns_selectors
from campaigns.models import OpenCallPage
from config import warm
from core import page_routes

PROJECT_DIR = Path(__file__).resolve().parent.parent


def test_the_master_imports_the_urlconf_and_compiles_the_projects_templates_without_a_connection():
    # No database access is allowed in this test: warming must not open a connection (pytest-django
    # would refuse it).
    clear_url_caches()
    assert not get_resolver()._reverse_dict  # a new resolver: nothing looked up yet
    loader = engines["django"].engine.template_loaders[0]
    loader.reset()
    trans_real._translations.clear()
    campaigns_selectors._SHIFT_FOR_SIGNUP.query._compiled.clear()  # as in a new process
    page_routes._live_page_queries.clear()

    unopened = [connection for connection in connections.all() if connection.connection is None]

    warmed = warm.warm_before_fork()

    # The reverse lookups built in both languages (i18n_patterns keeps one per language), a namespace's too.
    assert {"fa", "en"} <= set(get_resolver()._reverse_dict)
    assert {"fa", "en"} <= set(get_resolver().namespace_dict["volunteer"][1]._reverse_dict)
    # The statements kept per process composed: the sign-up's shift and a page type's among them.
    assert "default" in campaigns_selectors._SHIFT_FOR_SIGNUP.query._compiled
    assert "default" in page_routes._live_page(OpenCallPage).query._compiled
    assert warmed["statements"] >= 9
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
    monkeypatch.setattr(warm, "freeze_before_fork", lambda: calls.append("frozen") or 1)
    logged = []
    server = SimpleNamespace(log=SimpleNamespace(info=lambda *args: logged.append(args)))

    settings = runpy.run_path(str(PROJECT_DIR / "gunicorn.conf.py"))
    settings["when_ready"](server)
    assert calls == [1, "frozen"] and logged  # warmed, then frozen with what warming made

    monkeypatch.setenv("GUNICORN_PRELOAD", "0")
    settings = runpy.run_path(str(PROJECT_DIR / "gunicorn.conf.py"))
    settings["when_ready"](server)
    assert calls == [1, "frozen"]  # each worker imports for itself then


def test_freezing_sets_the_masters_objects_aside_from_the_collector():
    try:
        frozen = warm.freeze_before_fork()
        assert frozen == gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
    assert gc.get_freeze_count() == 0


LEAVING_WORKER = """
import atexit, logging, os, sys
import django
django.setup()
from campaigns import selectors as campaigns_selectors
from campaigns.models import OpenCallPage
from config import warm
from core import page_routes
atexit.register(lambda: open(os.environ["MARKER"], "w").close())
logging.basicConfig(stream=sys.stderr)
warm.exit_without_teardown()  # no SystemExit on its way: returns, nothing changes
logging.getLogger("worker").warning("last words")
try:
    sys.exit(int(os.environ["CODE"]))
finally:
    warm.exit_without_teardown()
"""


@pytest.mark.parametrize("code", [0, 3])
def test_a_leaving_worker_keeps_its_exit_code_and_logs_but_skips_the_teardown(tmp_path, code):
    marker = tmp_path / "torn-down"
    left = subprocess.run(
        [sys.executable, "-c", LEAVING_WORKER],
        cwd=PROJECT_DIR,
        env={
            **os.environ,
            "MARKER": str(marker),
            "CODE": str(code),
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert left.returncode == code
    assert "last words" in left.stderr
    assert not marker.exists()  # atexit handlers (the interpreter's teardown) never ran


def test_gunicorn_lets_only_a_worker_that_booted_leave_early(monkeypatch):
    settings = runpy.run_path(str(PROJECT_DIR / "gunicorn.conf.py"))
    calls = []
    monkeypatch.setattr(warm, "exit_without_teardown", lambda: calls.append(1))
    settings["worker_exit"](None, SimpleNamespace(booted=False))
    assert calls == []  # a boot failure exits with gunicorn's own code, which tells the master to stop
    settings["worker_exit"](None, SimpleNamespace(booted=True))
    assert calls == [1]
