"""Every row lock the orders app takes, in the one lock order of design section 2: stock
levels first (inventory.services.stock_lock), then the order row.

Fulfillment owns the stock of an order, but a cancel or an edit starts here and lets
fulfillment free stock inside the same transaction (order_lines_cancelled, order_edited):
such a step locks, before the order, every stock level of every SKU on the order, and hands
the locked levels to fulfillment with the signal.
"""

from inventory.services import LockedStock, stock_lock
from oms.core.transactions import RetryTransaction, for_update

from ..models import Order, OrderLine


def lock_order(order: Order) -> Order:
    """Lock the order row and return it fresh (its channel joined for reading, not locked):
    every order service starts here and works on the locked instance, never on the caller's
    possibly stale copy."""
    return for_update(Order.objects.select_related("channel")).get(pk=order.pk)


def lock_orders(order_ids, *, skip_locked: bool = False, fields=()) -> dict[int, Order]:
    """Lock many orders in one statement (primary-key order); with `skip_locked`, those another
    transaction holds are left out (that one is working on them: a backorder run, say).
    `fields` (names for `QuerySet.only`): read just these columns, for a caller that knows
    every one it will touch (any other is read again, one query per order)."""
    rows = for_update(Order.objects.select_related("channel"), skip_locked=skip_locked)
    if fields:
        rows = rows.only(*fields)
    return {order.pk: order for order in rows.filter(pk__in=sorted(set(order_ids))).order_by("pk")}


def lock_order_if_free(order_id: int) -> Order | None:
    return lock_orders([order_id], skip_locked=True).get(order_id)


def order_sku_ids(order_ids) -> set[int]:
    """The SKUs on these orders' lines (read without a lock, to know what to lock first)."""
    lines = OrderLine.objects.filter(order_id__in=list(order_ids), sku__isnull=False)
    return set(lines.values_list("sku_id", flat=True))


def lock_order_with_stock(
    order: Order, *, extra_sku_ids=()
) -> tuple[Order, dict[int, OrderLine], LockedStock]:
    """For steps that may free or move stock: the stock levels of the order's SKUs (and of
    `extra_sku_ids`, SKUs an edit brings in) at every location, then the order. Returns the
    locked order, its lines by id (read under the lock) and the locked stock."""
    sku_ids = order_sku_ids([order.pk]) | set(extra_sku_ids)
    locked = stock_lock(sku_ids=sku_ids)
    order = lock_order(order)
    lines = {line.pk: line for line in OrderLine.objects.filter(order=order).order_by("pk")}
    if not {line.sku_id for line in lines.values() if line.sku_id} <= sku_ids:
        raise RetryTransaction(f"the lines of order {order.number} changed while it was being locked")
    return order, lines, locked
