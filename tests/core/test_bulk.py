"""rows_update saves the named fields of many rows in one statement, NULLs and foreign keys too;
rows_insert writes new rows as bulk_create does; rows_where reads what filter().only() reads."""

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from inventory.models import Sku
from oms.core.bulk import rows_insert, rows_update, rows_where
from orders.models import Order, OrderLine
from tests.fulfillment.factories import SkuFactory, make_order

pytestmark = pytest.mark.django_db


def test_each_row_gets_its_own_values_and_the_others_keep_theirs(django_assert_num_queries):
    first, second = SkuFactory(), SkuFactory()
    order = make_order([(first, 3), (second, 4), (first, 5)])
    untouched_order = make_order([(first, 1)])
    one, two, three = OrderLine.objects.filter(order=order).order_by("line_number")
    one.sku, one.quantity_allocated = None, 2  # a NULL in the first row of the VALUES list
    two.sku, two.quantity_allocated = first, 4
    order.updated_at = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    with django_assert_num_queries(2):
        rows_update([one, two], ["sku", "quantity_allocated"])
        rows_update([order], ["updated_at"])
    saved = {line.line_number: (line.sku_id, line.quantity_allocated) for line in order.lines.all()}
    assert saved == {1: (None, 2), 2: (first.pk, 4), 3: (first.pk, three.quantity_allocated)}
    assert Order.objects.get(pk=order.pk).updated_at == datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    assert Order.objects.get(pk=untouched_order.pk).updated_at != order.updated_at
    with django_assert_num_queries(0):
        rows_update([], ["quantity_allocated"])


def _copies(obj, count: int, **fields) -> list:
    """Unsaved copies of a saved row, as a service would build them."""
    made = []
    for number in range(count):
        copy = type(obj).objects.get(pk=obj.pk)
        copy.pk, copy._state.adding = None, True
        for name, value in fields.items():
            setattr(copy, name, f"{value}-{number}")
        made.append(copy)
    return made


def _row(obj, skip=("id", "number", "external_id", "order_id", "updated_at")) -> dict:
    return {
        key: value
        for key, value in type(obj).objects.filter(pk=obj.pk).values()[0].items()
        if key not in skip
    }


def test_rows_insert_writes_what_bulk_create_writes():
    """Decimals, datetimes, JSON, NULLs, defaults and auto_now alike; the pk set, the row saved."""
    sku = SkuFactory()
    order = make_order([(sku, 3)], attributes=[{"name": "gift", "value": "yes"}], billing_address={"a": 1})
    django_order, ours = _copies(order, 2, number="N", external_id="E")
    Order.objects.bulk_create([django_order])
    before = timezone.now()
    assert rows_insert([ours]) == [ours]
    assert ours.pk and not ours._state.adding and ours._state.db == "default"
    assert _row(ours) == _row(django_order)
    assert Order.objects.get(pk=ours.pk).updated_at >= before  # auto_now ran

    line = order.lines.get()
    django_lines, our_lines = _copies(line, 2), _copies(line, 2)
    for lines, owner in ((django_lines, django_order), (our_lines, ours)):
        parent, child = lines
        parent.order = child.order = owner
        child.bundle_parent, child.line_number = parent, 2  # unsaved when assigned: its pk is taken
    OrderLine.objects.bulk_create(django_lines[:1])
    OrderLine.objects.bulk_create(django_lines[1:])
    rows_insert(our_lines[:1])
    rows_insert(our_lines[1:])
    assert our_lines[1].bundle_parent_id == our_lines[0].pk
    for django_line, our_line in zip(django_lines, our_lines, strict=True):
        assert _row(our_line, skip=("id", "order_id", "bundle_parent_id")) == _row(
            django_line, skip=("id", "order_id", "bundle_parent_id")
        )


def test_rows_insert_of_nothing_and_of_an_unsaved_relation(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert rows_insert([]) == []
    sku = SkuFactory()
    order = make_order([(sku, 1)])
    (line,) = _copies(order.lines.get(), 1)
    line.bundle_parent = _copies(order.lines.get(), 1)[0]
    with pytest.raises(ValueError, match="unsaved related object"):
        rows_insert([line])


def test_rows_where_reads_what_filter_only_reads(django_assert_num_queries):
    """Equality and membership together; values converted as a queryset converts them (a boolean
    on SQLite, a datetime); the fields not read are deferred, not blank."""
    active, inactive, other = SkuFactory(), SkuFactory(active=False), SkuFactory()
    order = make_order([(active, 1)])
    with django_assert_num_queries(2):
        skus = rows_where(Sku, ("id", "code", "active"), code=[active.code, inactive.code])
        orders = rows_where(
            Order, ("id", "placed_at"), channel=order.channel_id, external_id=order.external_id
        )
    assert sorted((sku.pk, sku.code, sku.active) for sku in skus) == [
        (active.pk, active.code, True),
        (inactive.pk, inactive.code, False),
    ]
    assert all(type(sku.active) is bool for sku in skus)
    assert other.pk not in {sku.pk for sku in skus}
    assert [(found.pk, found.placed_at) for found in orders] == [(order.pk, order.placed_at)]
    assert orders[0].get_deferred_fields() >= {"number", "external_id"}
    assert orders[0].number == order.number  # a deferred field loads when read
    with django_assert_num_queries(0):
        assert rows_where(Sku, ("id",), code=set()) == []
    assert rows_where(Order, ("id",), channel=order.channel_id, external_id="no such order") == []


@pytest.mark.postgres
def test_psycopg_keeps_the_split_of_an_order_insert():
    """An order's insert has more parameters than psycopg caches by default: the second one is
    a hit in its statement cache (oms.core.apps.cache_wide_statements)."""
    from psycopg import _queries

    sku = SkuFactory()
    order = make_order([(sku, 1)])
    first, second = _copies(order, 2, number="N", external_id="E")
    rows_insert([first])
    hits = _queries._query2pg_client.cache_info().hits
    rows_insert([second])
    assert _queries._query2pg_client.cache_info().hits == hits + 1
