"""Saving fields of many loaded rows in one statement, for the services' batch writes.

`rows_update(objects, fields)` does what `QuerySet.bulk_update` does, with a fraction of its
CPU: Django builds a `CASE WHEN pk = ... THEN ...` expression per field and row and resolves
each one; here the rows' values travel in one VALUES list joined on the primary key
(`WITH v(pk, f...) AS (VALUES ...) UPDATE t SET f = v.f FROM v WHERE t.pk = v.pk`, which
PostgreSQL and SQLite 3.33+ both run). Like bulk_update it sends no signals, runs no
`auto_now` (the caller sets `updated_at`) and takes the values as they are on the objects.
"""

from django.db import connections, router

BATCH = 500


def _placeholder(field, connection) -> str:
    # PostgreSQL types a VALUES column by its first row: name each column's type.
    if connection.vendor == "postgresql":
        return f"CAST(%s AS {field.cast_db_type(connection)})"
    return "%s"


def rows_update(objects, fields: list[str]) -> None:
    """Save `fields` (names, foreign keys by field name) of saved model instances of one model."""
    objects = list(objects)
    if not objects:
        return
    model = type(objects[0])
    meta = model._meta
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    pk = meta.pk
    columns = [meta.get_field(name) for name in fields]
    names = ", ".join(quote(field.column) for field in [pk, *columns])
    assignments = ", ".join(f"{quote(field.column)} = v.{quote(field.column)}" for field in columns)
    table = quote(meta.db_table)
    key = quote(pk.column)
    row = "(" + ", ".join(_placeholder(field, connection) for field in [pk, *columns]) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(objects), BATCH):
            batch = objects[start : start + BATCH]
            params = [
                field.get_db_prep_save(getattr(obj, field.attname), connection)
                for obj in batch
                for field in [pk, *columns]
            ]
            values = ", ".join([row] * len(batch))
            # names and types are the model's; the values are parameters
            sql = f"WITH v ({names}) AS (VALUES {values}) UPDATE {table} SET {assignments} FROM v "  # noqa: S608
            cursor.execute(f"{sql}WHERE {table}.{key} = v.{key}", params)
