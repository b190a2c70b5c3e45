"""The whole suite runs on PostgreSQL, as production does, whenever PostgreSQL is installed."""

import pytest
from django.db import connection

from city.models import Service

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("on_postgresql")]


def test_the_session_database_is_the_throw_away_postgresql_cluster():
    assert connection.vendor == "postgresql"
    assert connection.settings_dict["HOST"] == "127.0.0.1"
    assert connection.settings_dict["NAME"] == "test_hamyar"


@pytest.mark.django_db
def test_the_catalogue_migration_loaded_the_21_services_into_postgresql():
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        server_version = cursor.fetchone()[0]

    assert server_version.startswith("PostgreSQL")
    assert Service.objects.count() == 21
