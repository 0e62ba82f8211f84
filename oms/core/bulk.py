"""Saving fields of many loaded rows in one statement, for the services' batch writes.

`rows_update(objects, fields)` does what `QuerySet.bulk_update` does, with a fraction of its
CPU: Django builds a `CASE WHEN pk = ... THEN ...` expression per field and row and resolves
each one; here the rows' values travel in one VALUES list joined on the primary key
(`WITH v(pk, f...) AS (VALUES ...) UPDATE t SET f = v.f FROM v WHERE t.pk = v.pk`, which
PostgreSQL and SQLite 3.33+ both run). Like bulk_update it sends no signals, runs no
`auto_now` (the caller sets `updated_at`) and takes the values as they are on the objects.

`rows_insert(objects)` does what `QuerySet.bulk_create` does for new rows of one model, without
the per-call SQL compilation: the column list and each column's converter are worked out once
per model, and the rows go in one `INSERT ... VALUES ... RETURNING pk` (PostgreSQL; SQLite
3.35+). Like bulk_create it sends no signals, runs `pre_save` (`auto_now`, `auto_now_add`),
takes a related object saved since it was assigned, and marks the objects saved.

`rows_where(model, fields, **conditions)` is `filter(**conditions).only(*fields)` for the hot
reads beside them: equality or membership on columns, the statement text worked out once per
shape, the rows made as a queryset would make them (converters, deferred fields).
"""

from functools import cache
from typing import NamedTuple

from django.db import connections, models, router
from django.db.models import Field, Model

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


class _InsertPlan(NamedTuple):
    head: str  # INSERT INTO t (columns) VALUES
    row: str  # one row's placeholders
    columns: list[tuple[Field, bool, tuple[type, ...]]]  # (field, own pre_save?, values passed as is)
    relations: list[Field]
    auto_pk: Field | None  # left to the database, and returned
    returning: str


@cache
def _insert_plan(model, alias: str) -> _InsertPlan:
    meta = model._meta
    quote = connections[alias].ops.quote_name
    auto_pk = meta.pk if meta.pk.db_returning else None
    fields = [f for f in meta.concrete_fields if f is not auto_pk and not f.generated]
    names = ", ".join(quote(field.column) for field in fields)
    return _InsertPlan(
        head=f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ",  # noqa: S608 - the model's names
        row="(" + ", ".join(["%s"] * len(fields)) + ")",
        columns=[(f, type(f).pre_save is not Field.pre_save, _passed_as_is(f)) for f in fields],
        relations=[field for field in fields if field.is_relation],
        auto_pk=auto_pk,
        returning=f" RETURNING {quote(auto_pk.column)}" if auto_pk is not None else "",
    )


_PLAIN_TYPES = {
    **dict.fromkeys((models.CharField, models.TextField, models.EmailField, models.SlugField), (str,)),
    **dict.fromkeys(
        (
            models.IntegerField,
            models.BigIntegerField,
            models.SmallIntegerField,
            models.PositiveIntegerField,
            models.PositiveSmallIntegerField,
            models.PositiveBigIntegerField,
            models.AutoField,
            models.BigAutoField,
        ),
        (int,),
    ),
    models.BooleanField: (bool,),
}


def _passed_as_is(field) -> tuple[type, ...]:
    """The value types Django's `get_db_prep_save` hands on unchanged for this exact field class
    (a str to a CharField, an int to an IntegerField or a foreign key to one): the insert skips
    the call for them, a fifth of its work. Subclasses are never assumed to behave alike."""
    if isinstance(field, models.ForeignKey):
        field = field.target_field
    return _PLAIN_TYPES.get(type(field), ())


def _take_related(obj, relations) -> None:
    """A related object assigned before it was saved: its pk, now that it has one."""
    for field in relations:
        if getattr(obj, field.attname) is None and field.is_cached(obj):
            related = field.get_cached_value(obj)
            if related is not None:
                if related.pk is None:
                    raise ValueError(f"rows_insert: unsaved related object {field.name!r} on {obj!r}")
                setattr(obj, field.attname, related.pk)


def rows_insert(objects, *, ignore_conflicts: bool = False) -> list:
    """Insert new model instances of one model; returns them, primary keys set. An auto primary
    key is the database's (one set on an object is overwritten); values are plain values, not
    expressions. With `ignore_conflicts` a row that breaks a unique constraint is skipped, and
    as with bulk_create no primary key is set."""
    objects = list(objects)
    if not objects:
        return objects
    model = type(objects[0])
    alias = router.db_for_write(model)
    connection = connections[alias]
    plan = _insert_plan(model, alias)
    auto_pk, returning = (
        (None, " ON CONFLICT DO NOTHING") if ignore_conflicts else (plan.auto_pk, plan.returning)
    )
    fields = [field for field, _pre_save, _as_is in plan.columns]
    with connection.cursor() as cursor:
        size = min(connection.ops.bulk_batch_size(fields, objects) or BATCH, BATCH)
        for start in range(0, len(objects), size):
            batch = objects[start : start + size]
            params = []
            for obj in batch:
                _take_related(obj, plan.relations)
                for field, pre_save, as_is in plan.columns:
                    value = field.pre_save(obj, True) if pre_save else getattr(obj, field.attname)
                    if type(value) in as_is or (value is None and as_is):
                        params.append(value)
                    else:
                        params.append(field.get_db_prep_save(value, connection))
            cursor.execute(plan.head + ", ".join([plan.row] * len(batch)) + returning, params)
            if auto_pk is not None:
                for obj, (pk,) in zip(batch, cursor.fetchall(), strict=True):
                    setattr(obj, auto_pk.attname, pk)
    for obj in objects:
        obj._state.adding, obj._state.db = False, alias
    return objects


@cache
def _select_plan(model, alias: str, fields: tuple[str, ...], shape: tuple[tuple[str, int | None], ...]):
    """(attnames read, their (column, converters), SQL) for one shape of condition: a field's
    name with None for equality, or with how many values it is one of."""
    meta = model._meta
    connection = connections[alias]
    quote = connection.ops.quote_name
    read = [meta.get_field(name) for name in fields]
    converters = []
    for field in read:
        column = field.get_col(meta.db_table)
        converters.append(
            (column, connection.ops.get_db_converters(column) + column.get_db_converters(connection))
        )
    tests = []
    for name, count in shape:
        column = quote(meta.get_field(name).column)
        tests.append(f"{column} = %s" if count is None else f"{column} IN ({', '.join(['%s'] * count)})")
    columns = ", ".join(quote(field.column) for field in read)
    sql = f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {' AND '.join(tests)}"  # noqa: S608
    return [field.attname for field in read], converters, sql


def rows_where(model: type[Model], fields: tuple[str, ...], **conditions) -> list:
    """Instances of `model` with only `fields` loaded (the rest deferred), where each condition
    holds: `name=value` (equality) or `name=[values]` (a list, tuple or set: one of them; an
    empty one matches nothing)."""
    alias = router.db_for_read(model)
    connection = connections[alias]
    shape, params = [], []
    for name, value in conditions.items():
        field = model._meta.get_field(name)
        if isinstance(value, list | tuple | set | frozenset):
            if not value:
                return []
            shape.append((name, len(value)))
            params += [field.get_db_prep_value(one, connection) for one in value]
        else:
            shape.append((name, None))
            params.append(field.get_db_prep_value(value, connection))
    attnames, converters, sql = _select_plan(model, alias, tuple(fields), tuple(shape))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found = []
    for row in rows:
        converted = []
        for value, (column, functions) in zip(row, converters, strict=True):
            for convert in functions:
                value = convert(value, column, connection)
            converted.append(value)
        found.append(model.from_db(alias, attnames, converted))
    return found
