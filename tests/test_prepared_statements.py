"""PostgreSQL gets statements with their values apart and prepares those a connection runs again
(config/settings/base.py): planned once rather than on every run."""

import pytest
from django.conf import settings
from django.db import connection

from city.models import Department
from tests.pytest_servers import require_postgresql

pytestmark = pytest.mark.django_db


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_a_statement_run_again_with_other_values_is_prepared_once(request):
    require_postgresql(request, "Prepared statements are PostgreSQL's.")
    Department.objects.create(name_fa="فضای سبز", name_en="Green spaces", slug="green")

    runs = range(settings.PREPARE_THRESHOLD + 2)
    asked = ["green" if number % 2 else f"missing-{number}" for number in runs]
    found = [list(Department.objects.filter(slug=slug).values_list("slug", flat=True)) for slug in asked]

    # the values still reach the statement once it is prepared
    assert found == [["green"] if slug == "green" else [] for slug in asked]
    department_statements = [s for s in prepared_statements() if '"city_department"."slug" = $1' in s]
    assert len(department_statements) == 1, prepared_statements()


def test_the_settings_can_turn_prepared_statements_off_for_a_pooler(monkeypatch):
    import config.settings.base as base

    monkeypatch.setattr(base, "DATABASE_PREPARED_STATEMENTS", False)
    assert base.postgresql_statement_options() == {}
    monkeypatch.setattr(base, "DATABASE_PREPARED_STATEMENTS", True)
    assert base.postgresql_statement_options() == {
        "server_side_binding": True,
        "prepare_threshold": settings.PREPARE_THRESHOLD,
    }
