"""The table of the `limits` cache's database fallback (core/cache.py), as `manage.py createcachetable`
makes it: Django's DatabaseCache reads and writes it with its own SQL."""

from django.db import migrations

TABLE = "core_cache_fallback"


def create_table(apps, schema_editor):
    from django.core.management.commands.createcachetable import Command

    command = Command()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_outbox")]

    operations = [migrations.RunPython(create_table, drop_table)]
