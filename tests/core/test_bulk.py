"""rows_update saves the named fields of many rows in one statement, NULLs and foreign keys too."""

from datetime import UTC, datetime

import pytest

from oms.core.bulk import rows_update
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
