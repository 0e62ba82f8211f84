"""On PostgreSQL the database itself refuses to update or delete ledger rows.

(On SQLite the model and its manager refuse; a trigger there would also block the
test runner's table flush, which deletes rows one statement at a time.)
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION inventory_stockmovement_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'inventory_stockmovement is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER inventory_stockmovement_append_only
    BEFORE UPDATE OR DELETE ON inventory_stockmovement
    FOR EACH ROW EXECUTE FUNCTION inventory_stockmovement_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS inventory_stockmovement_append_only ON inventory_stockmovement;
DROP FUNCTION IF EXISTS inventory_stockmovement_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("inventory", "0002_roles")]

    operations = [migrations.RunPython(forwards, backwards)]
