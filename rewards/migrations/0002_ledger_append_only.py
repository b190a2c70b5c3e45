"""On PostgreSQL the ledger refuses UPDATE and DELETE, whoever asks: entries are only ever added.

SQLite (the embedded site) has no such trigger; there the services are the only writers. TRUNCATE (which
the test suite uses to empty tables between tests) is not a row operation and is not refused.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION rewards_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'rewards ledger entries are append-only: % refused', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER rewards_ledger_append_only
BEFORE UPDATE OR DELETE ON rewards_ledgerentry
FOR EACH ROW EXECUTE FUNCTION rewards_ledger_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS rewards_ledger_append_only ON rewards_ledgerentry;
DROP FUNCTION IF EXISTS rewards_ledger_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("rewards", "0001_ledger_rewards_vouchers")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
