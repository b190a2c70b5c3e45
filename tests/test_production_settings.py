"""Production settings: secure, with nothing insecure to fall back on."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def production_environment(tmp_path, **overrides) -> dict:
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_"))
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="a-production-secret-that-is-long-and-random-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="hamyar.example.ir",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **overrides,
    )
    return environment


def manage(arguments, environment):
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_checklist_without_a_warning(tmp_path):
    result = manage(["check", "--deploy", "--fail-level", "WARNING"], production_environment(tmp_path))

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    environment = production_environment(tmp_path)
    del environment["DJANGO_SECRET_KEY"]

    result = manage(["check"], environment)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
