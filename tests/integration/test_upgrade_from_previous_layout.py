"""A database made before the layers restructuring upgrades with `migrate` alone and keeps every row.

The fixtures in tests/data are the demo site (`manage.py migrate && manage.py load_demo`) as the previous
layout left it, at commit 4e50495 (before `city` existed): `previous_layout_postgresql.sql.gz` is its
`pg_dump --no-owner --no-privileges` from PostgreSQL 15, and `previous_layout.sqlite3.gz` its embedded
SQLite file. Each test restores one, runs `manage.py migrate` in a process of its own as an operator
would, and compares every table's rows before and after; the tables whose models moved app are compared
row for row under their new names.
"""

import gzip
import hashlib
import importlib
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.servers import postgres_bin_dir

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
FIXTURES = PROJECT_DIR / "tests" / "data"

# Tables renamed by the restructuring: old name -> new name.
RENAMED_TABLES = {
    "campaigns_department": "city_department",
    "campaigns_service": "city_service",
    "campaigns_delphiround": "city_delphiround",
    "campaigns_district": "city_district",
}
MOVED_MODELS = ("department", "service", "delphiround", "district")
# Names a later migration corrects to the study's own (city 0003): undone before the rows are compared, so
# that the comparison still proves the restructuring kept every row as it was.
NAME_CORRECTIONS = importlib.import_module("city.migrations.0003_study_names_as_published").CORRECTIONS


# Columns added since the fixtures were made to tables they had: left out of the comparison of rows.
ADDED_COLUMNS = {
    "city_service": ("contractor_hour_cost",),
    "city_district": ("population",),
    "rewards_earningrule": ("districts_follow_equity",),
    "verification_completion": ("photos_public", "photos_withheld_at"),
}


def _name_corrections_undone(execute) -> None:
    """Puts the corrected service names back as they were shipped, and drops the columns added since, through
    `execute(sql, params)` (on a connection or copy that is thrown away)."""
    # Columns first: PostgreSQL alters no table with updates still to check in the transaction.
    for table, columns in ADDED_COLUMNS.items():
        for column in columns:
            execute(f'ALTER TABLE "{table}" DROP COLUMN "{column}"', [])
    for slug, fields in NAME_CORRECTIONS.items():
        for field, (before, published) in fields.items():
            sql = f'UPDATE city_service SET "{field}" = %s WHERE slug = %s AND "{field}" = %s'  # noqa: S608
            execute(sql, [before, slug, published])


# Models added since the fixtures were made: the upgrade adds their content type and their four default
# permissions (add, change, delete, view), and nothing else.
ADDED_MODELS = {
    ("core", "outboxmessage"),
    ("campaigns", "shiftmessage"),
    ("campaigns", "shiftmessagedelivery"),
    ("campaigns", "covernotice"),
    ("campaigns", "savedsearch"),
    ("campaigns", "savedsearchnotice"),
    ("campaigns", "signuprequest"),
    ("credentials", "certificate"),
    ("credentials", "dataexport"),
    ("credentials", "accountdeletion"),
    ("credentials", "badgecredential"),
    ("verification", "impactmeasure"),
    ("verification", "impactfigure"),
    ("opencity", "figuressnapshot"),
    ("campaigns", "waiveracceptance"),
    ("volunteers", "qualificationkind"),
    ("volunteers", "qualification"),
    ("volunteers", "guardianconsent"),
    ("city", "holiday"),
    *(
        ("voice", model)
        for model in ("category", "answertarget", "item", "step", "photo", "support", "open311key")
    ),
    *(
        ("delphi", model)
        for model in (
            "study", "panel", "candidate", "panellist", "round", "submission", "answer", "panelresult",
            "candidateresult", "panellistnotice",
        )
    ),
}  # fmt: skip


def _migrate(database_url: str) -> subprocess.CompletedProcess:
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith(("DJANGO_", "DATABASE_"))
    }
    environment.update(DJANGO_SETTINGS_MODULE="config.settings.test", DATABASE_URL=database_url)
    return subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input"],
        cwd=PROJECT_DIR, env=environment, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def _assert_every_row_kept(before: dict, after: dict) -> None:
    for table, (rows, digest) in before.items():
        if table == "django_migrations":
            continue  # the upgrade adds its own
        new_table = RENAMED_TABLES.get(table, table)
        assert new_table in after, f"table {table} is gone"
        if table == "django_content_type":
            rows += len(ADDED_MODELS)
        elif table == "auth_permission":
            rows += 4 * len(ADDED_MODELS)
        assert after[new_table][0] == rows, f"{table}: {rows} rows before, {after[new_table][0]} after"
        if table in RENAMED_TABLES:
            assert after[new_table][1] == digest, f"{table}: its rows changed on the way to {new_table}"
    for old_table in RENAMED_TABLES:
        assert old_table not in after


def _assert_content_types_moved(content_types: list[tuple[str, str]]) -> None:
    moved = {(app, model) for app, model in content_types if model in MOVED_MODELS}
    assert moved == {("city", model) for model in MOVED_MODELS}


# --- PostgreSQL, as production runs it ---------------------------------------------------------------


def _postgres_tables(cursor) -> dict[str, tuple[int, str | None]]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    tables = {}
    for (table,) in cursor.fetchall():
        cursor.execute(f'SELECT count(*), md5(string_agg(t::text, \',\' ORDER BY t::text)) FROM "{table}" t')  # noqa: S608
        tables[table] = cursor.fetchone()
    return tables


@pytest.mark.integration
@pytest.mark.usefixtures("on_postgresql")
@pytest.mark.django_db
def test_a_production_database_of_the_previous_layout_upgrades_with_migrate_alone():
    # given: the previous layout's demo site restored into a database of its own on the test cluster
    settings = connection.settings_dict
    database = f"previous_layout_{uuid.uuid4().hex[:8]}"
    server = {"host": settings["HOST"], "port": settings["PORT"], "user": settings["USER"]}
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    try:
        restored = subprocess.run(
            [str(postgres_bin_dir() / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", server["host"],
             "-p", str(server["port"]), "-U", server["user"], "-d", database],
            input=gzip.decompress((FIXTURES / "previous_layout_postgresql.sql.gz").read_bytes()),
            capture_output=True, timeout=120, check=False,
        )  # fmt: skip
        assert restored.returncode == 0, restored.stderr.decode()
        with psycopg.connect(dbname=database, **server) as upgraded, upgraded.cursor() as cursor:
            before = _postgres_tables(cursor)
        assert before["campaigns_service"][0] == 21 and before["campaigns_opencallpage"][0] > 0

        # when
        migrated = _migrate(f"postgres://{server['user']}@{server['host']}:{server['port']}/{database}")

        # then
        assert migrated.returncode == 0, migrated.stdout + migrated.stderr
        with psycopg.connect(dbname=database, **server) as upgraded, upgraded.cursor() as cursor:
            _name_corrections_undone(cursor.execute)
            after = _postgres_tables(cursor)
            upgraded.rollback()
            cursor.execute("SELECT app_label, model FROM django_content_type")
            content_types = cursor.fetchall()
            # The calls still point at their services and districts, through foreign keys on the new tables.
            cursor.execute(
                "SELECT count(*) FROM campaigns_opencallpage c JOIN city_service s ON s.id = c.service_id"
            )
            calls_with_service = cursor.fetchone()[0]
        _assert_every_row_kept(before, after)
        _assert_content_types_moved(content_types)
        assert calls_with_service == before["campaigns_opencallpage"][0]
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


# --- SQLite, as the embedded site (`./dev run`) keeps it --------------------------------------------


def _sqlite_tables(path: Path, *, name_corrections_undone: bool = False) -> dict[str, tuple[int, str]]:
    database = sqlite3.connect(path)
    try:
        if name_corrections_undone:  # in this connection only: it is closed without a commit
            _name_corrections_undone(lambda sql, params: database.execute(sql.replace("%s", "?"), params))
        names = [row[0] for row in database.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        tables = {}
        for table in names:
            if table.startswith("sqlite_"):
                continue
            rows = sorted(repr(row) for row in database.execute(f'SELECT * FROM "{table}"'))  # noqa: S608
            tables[table] = (len(rows), hashlib.md5("\n".join(rows).encode()).hexdigest())  # noqa: S324
        return tables
    finally:
        database.close()


def test_an_embedded_database_of_the_previous_layout_upgrades_with_migrate_alone(tmp_path):
    # given
    database_file = tmp_path / "previous_layout.sqlite3"
    with gzip.open(FIXTURES / "previous_layout.sqlite3.gz") as packed, database_file.open("wb") as unpacked:
        shutil.copyfileobj(packed, unpacked)
    before = _sqlite_tables(database_file)
    assert before["campaigns_service"][0] == 21 and before["campaigns_opencallpage"][0] > 0

    # when
    migrated = _migrate(f"sqlite:///{database_file}")

    # then
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    after = _sqlite_tables(database_file, name_corrections_undone=True)
    _assert_every_row_kept(before, after)
    database = sqlite3.connect(database_file)
    try:
        content_types = database.execute("SELECT app_label, model FROM django_content_type").fetchall()
        _assert_content_types_moved(content_types)
        assert database.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        database.close()
