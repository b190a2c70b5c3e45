"""Settings are safe by default: only dev.py and test.py are insecure on purpose, and whatever serves
requests without naming its settings gets production's, which refuses to start unconfigured."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent

PRINT_DEBUG_AND_SIGN = """
import django, json
django.setup()
from django.conf import settings
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
try:
    signing.dumps("x")
    signed = True
except ImproperlyConfigured:
    signed = False
print(json.dumps({"debug": settings.DEBUG, "signed": signed}))
"""


def _run(code_or_arguments: list[str], **environment_overrides) -> subprocess.CompletedProcess:
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_"))
    }
    environment.update(environment_overrides)
    return subprocess.run(
        [sys.executable, *code_or_arguments],
        cwd=PROJECT_DIR, env=environment, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_base_has_debug_off_and_no_key_to_sign_with(tmp_path):
    result = _run(
        ["-c", PRINT_DEBUG_AND_SIGN],
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == '{"debug": false, "signed": false}'


def test_base_signs_with_the_key_it_is_given(tmp_path):
    result = _run(
        ["-c", PRINT_DEBUG_AND_SIGN],
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DJANGO_SECRET_KEY="a-key-from-the-environment",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )

    assert result.stdout.strip().splitlines()[-1] == '{"debug": false, "signed": true}'


def test_a_bare_manage_py_is_the_developers_machine(tmp_path):
    # given no DJANGO_SETTINGS_MODULE at all
    result = _run(
        ["manage.py", "shell", "-c", PRINT_DEBUG_AND_SIGN],
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == '{"debug": true, "signed": true}'


def test_the_wsgi_application_without_settings_is_production_and_refuses_to_start_unconfigured(tmp_path):
    result = _run(["-c", "import config.wsgi"], DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_the_celery_app_without_settings_is_production(tmp_path):
    result = _run(
        ["-c", "from config.celery import app; app.loader.import_default_modules()"],
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
