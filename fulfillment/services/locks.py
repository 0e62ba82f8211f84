"""Every row lock fulfillment takes, in the one lock order of design section 2:

    stock levels (inventory.services.stock_lock, one statement)
    -> the order (orders.services.lock_order)
    -> its fulfillment orders -> their lines (one statement each, primary-key order)
    -> reservations (inventory's batch calls, under the levels locked first).

Which stock levels a step will touch is read before anything is locked, then checked again
under the order lock; if it changed meanwhile (a re-source added lines) the transaction
starts again (RetryTransaction), so no lock is ever taken out of order.
"""

from dataclasses import dataclass
from enum import Enum

from inventory.services import LockedStock, stock_lock
from oms.core.transactions import RetryTransaction, for_update
from orders import services as order_services
from orders.models import Order

from ..models import FulfillmentOrder, FulfillmentOrderLine, PickBatch, SourcingRequest


class Stock(Enum):
    """The stock levels a step on one fulfillment order may touch."""

    NONE = "none"  # a state change only: start picking, pack, ready for pickup, deliver
    OWN = "own"  # its own SKUs at its location: ship, collect
    ORDER = "order"  # every level of every SKU on the order: a short pick or reject re-sources


@dataclass
class Work:
    """One fulfillment order, locked with everything a step on it needs."""

    order: Order
    fo: FulfillmentOrder
    lines: list[FulfillmentOrderLine]
    locked: LockedStock


def lock_order_for_sourcing(order: Order, locked: LockedStock | None = None) -> tuple[Order, LockedStock]:
    """Every level of the order's SKUs, then the order. A caller that locked them already
    (a short pick, an edit) passes `locked`; the check under the order lock is the same."""
    if locked is None:
        locked = stock_lock(sku_ids=order_services.order_sku_ids([order.pk]))
    order = order_services.lock_order(order)
    return order, locked


#: The order columns sourcing plans with (destination_of, serves, _fo_kind), besides those
#: recording the allocations needs.
SOURCING_FIELDS = (
    *order_services.ALLOCATION_FIELDS,
    "delivery_method",
    "pickup_location",
    "ship_country_code",
    "ship_region",
    "ship_postal_code",
    "ship_latitude",
    "ship_longitude",
)


def lock_orders_for_sourcing(order_ids) -> dict[int, Order]:
    """The orders of a sourcing batch, locked, those another transaction holds left out; only
    the columns sourcing reads (an order row is wide: addresses, totals, channel documents)."""
    return order_services.lock_orders(order_ids, skip_locked=True, fields=SOURCING_FIELDS)


def require_sku_levels(locked: LockedStock, sku_ids) -> None:
    """Sourcing plans on every level of these SKUs: they must have been locked as a whole."""
    missing = set(sku_ids) - locked.sku_ids
    if missing:
        raise RetryTransaction(f"SKUs {sorted(missing)} were added while the order was being locked")


def lock_fo_lines(fo: FulfillmentOrder) -> list[FulfillmentOrderLine]:
    return list(
        for_update(FulfillmentOrderLine.objects.filter(fulfillment_order=fo))
        .select_related("order_line", "sku")
        .order_by("pk")
    )


def claim_sourcing_requests(limit: int, request_ids=None) -> list:
    """Take up to `limit` waiting sourcing requests that no other run holds (SKIP LOCKED, oldest
    first). Taken before the stock: a claim never waits, so it cannot close a wait cycle."""
    requests = SourcingRequest.objects.order_by("pk")
    if request_ids is not None:
        requests = requests.filter(pk__in=list(request_ids))
    return list(for_update(requests, skip_locked=True)[:limit])


def lock_fulfillment_orders(ids) -> dict[int, FulfillmentOrder]:
    rows = for_update(FulfillmentOrder.objects.filter(pk__in=sorted(set(ids)))).select_related("location")
    return {fo.pk: fo for fo in rows.order_by("pk")}


def _own_pairs(fo: FulfillmentOrder, extra_location_ids=()) -> set[tuple[int, int]]:
    sku_ids = FulfillmentOrderLine.objects.filter(fulfillment_order_id=fo.pk).values_list("sku_id", flat=True)
    location_ids = {fo.location_id, *extra_location_ids}
    return {(sku_id, location_id) for sku_id in set(sku_ids) for location_id in location_ids}


def lock_work(fo: FulfillmentOrder, stock: Stock = Stock.NONE, *, extra_location_ids=()) -> Work:
    """Lock one fulfillment order for a step: the stock it may touch, the order, the FO and
    its lines. `extra_location_ids`: more locations for its SKUs (a re-route's target)."""
    pairs, sku_ids = set(), set()
    if stock is Stock.OWN:
        pairs = _own_pairs(fo, extra_location_ids)
    elif stock is Stock.ORDER:
        sku_ids = order_services.order_sku_ids([fo.order_id])
    locked = stock_lock(pairs=pairs, sku_ids=sku_ids) if (pairs or sku_ids) else LockedStock()
    order = order_services.lock_order(Order(pk=fo.order_id))
    fo = lock_fulfillment_orders([fo.pk])[fo.pk]
    fo.order = order
    lines = lock_fo_lines(fo)
    if stock is not Stock.NONE:
        locked.require(
            {
                (line.sku_id, location_id)
                for line in lines
                for location_id in {fo.location_id, *extra_location_ids}
            }
        )
    return Work(order=order, fo=fo, lines=lines, locked=locked)


def lock_pick_batch(batch: PickBatch) -> PickBatch:
    """A pick batch row, after (never before) the fulfillment orders a step locked."""
    return for_update(PickBatch.objects.filter(pk=batch.pk)).get()
