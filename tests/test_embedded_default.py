"""A newcomer with no configuration gets SQLite in WAL mode and eager Celery, and a working demo site."""

import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent

PRINT_SETTINGS = """
import django, json
django.setup()
from django.conf import settings
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    journal_mode = cursor.fetchone()[0]
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "journal_mode": journal_mode,
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "time_zone": settings.TIME_ZONE,
    "language": settings.LANGUAGE_CODE,
    "debug": settings.DEBUG,
}))
"""


def clean_environment(tmp_path) -> dict:
    """The environment of someone who configured nothing, with the database file in a temp folder."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_"))
    }
    environment["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    return environment


def run(arguments, environment):
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=240,
    )


def test_no_configuration_means_sqlite_wal_eager_tasks_and_persian(tmp_path):
    environment = clean_environment(tmp_path)
    environment["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"

    printed = json.loads(run(["-c", PRINT_SETTINGS], environment).stdout.strip().splitlines()[-1])

    assert printed == {
        "engine": "django.db.backends.sqlite3",
        "journal_mode": "wal",
        "eager": True,
        "time_zone": "Asia/Tehran",
        "language": "fa",
        "debug": True,
    }


def test_migrate_and_demo_load_on_a_fresh_database_and_again(tmp_path):
    environment = clean_environment(tmp_path)

    run(["manage.py", "migrate", "--no-input", "-v0"], environment)
    first = run(["manage.py", "load_demo"], environment).stdout
    second = run(["manage.py", "load_demo"], environment).stdout

    assert "citizen" in first and "09120000001" in first
    assert "Demo open calls: 23 created, 0 already there." in first
    assert "Demo open calls: 0 created, 23 already there." in second
    assert "Demo rewards: 3 created; reports waiting for verification: 4 created" in first
    assert "Demo rewards: 0 created; reports waiting for verification: 0 created" in second
    assert "leaderboards: 0 pieces added; a Delphi study already there; citizens' items: 0 created;" in second
    assert "the open city's neighbours: 0 pieces of work added." in second
    assert "citizens' items: 32 created;" in first and "neighbours: 36 pieces of work added." in first
    # Everything after the counts (the accounts to log in with) is the same both times.
    assert first.split("Demo data is loaded.")[1] == second.split("Demo data is loaded.")[1]
    counts = run(
        [
            "manage.py",
            "shell",
            "-c",
            "from campaigns.models import Service; from volunteers.models import User;"
            "print(Service.objects.count(), User.objects.filter(password__startswith='!').count(),"
            " User.objects.exclude(password__startswith='!').count())",
        ],
        environment,
    ).stdout.split()
    # 21 services; the leaderboards' 6 demo volunteers and the open city's 36 neighbours without a password;
    # 12 accounts to log in with
    assert counts[-3:] == ["21", "42", "12"]
