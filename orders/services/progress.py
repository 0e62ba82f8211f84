"""What fulfillment reports back: units allocated, taken back, shipped, delivered.

Fulfillment owns the plan and its reservations; these functions keep the order lines'
quantities and the order status in step, each with a timeline event and an outbox row.
"""

from collections import defaultdict
from dataclasses import dataclass, replace

from django.utils import timezone

from oms.core.actor import Actor
from oms.core.bulk import rows_update
from oms.core.transactions import transactional

from ..errors import OrderConflict, OrderErrorCode
from ..models import Order, OrderLine
from .holds import open_holds, release_holds
from .locks import lock_order, lock_orders
from .timeline import PAYLOAD_FIELDS, timeline_event, timeline_write, timeline_write_many

Status = Order.Status
#: The order columns recording an allocation reads and writes (with its timeline payload).
ALLOCATION_FIELDS = (*PAYLOAD_FIELDS, "held_from", "updated_at")
#: The line columns recording an allocation reads and saves.
ALLOCATION_LINE_FIELDS = (
    "order",
    "line_number",
    "sku",
    "quantity",
    "is_bundle",
    "fulfilled_by_channel",
    "quantity_allocated",
    "quantity_shipped",
    "quantity_cancelled",
    "quantity_returned",
)


def _lines(order: Order, line_ids) -> dict[int, OrderLine]:
    lines = {line.pk: line for line in OrderLine.objects.filter(order=order).order_by("pk")}
    _require_lines(lines, line_ids)
    return lines


def _require_lines(lines: dict[int, OrderLine], line_ids) -> None:
    unknown = set(line_ids) - set(lines)
    if unknown:
        raise OrderConflict(
            OrderErrorCode.LINE_NOT_FOUND,
            "Those lines are not on this order.",
            details={"line_ids": sorted(unknown)},
        )


def _set_progress(order: Order, target: str) -> tuple[str, str] | None:
    """Move the fulfillment status to `target`; on hold, change what the hold returns to."""
    if order.status == Status.ON_HOLD:
        if order.held_from == target:
            return None
        previous, order.held_from = order.held_from, target
        return previous, Status.ON_HOLD
    if order.status == target:
        return None
    previous = order.status
    {
        Status.ALLOCATED: order.allocate,
        Status.BACKORDERED: order.backorder,
        Status.PARTIALLY_SHIPPED: order.ship_partially,
        Status.SHIPPED: order.ship,
        Status.COMPLETED: order.complete,
    }[target]()
    return previous, order.status


def _progress_after_allocation(lines) -> str:
    """Backordered while a line the OMS fulfils has open units not allocated (the channel's own
    lines wait for the channel, not for stock)."""
    if any(
        line.quantity_unallocated > 0
        for line in lines
        if (line.sku_id or line.quantity_open) and not line.fulfilled_by_channel
    ):
        return Status.BACKORDERED
    return Status.ALLOCATED


def _progress_after_shipment(lines) -> str:
    if all(line.quantity_open == 0 for line in lines):
        return Status.SHIPPED
    return Status.PARTIALLY_SHIPPED


def _status_event(order: Order, change, actor: Actor):
    if change is None:
        return []
    from_status, to_status = change
    return [timeline_event(order, "status_changed", actor, from_status=from_status, to_status=to_status)]


def _save(order: Order, lines) -> None:
    _save_many([(order, lines)])


def _save_many(entries) -> None:
    """[(order, its lines)]: the lines' quantities and the orders' status, two statements."""
    now = timezone.now()
    for order, _lines in entries:
        order.updated_at = now
    rows_update(
        [line for _order, lines in entries for line in lines],
        ["quantity_allocated", "quantity_shipped", "quantity_cancelled", "quantity_returned"],
    )
    rows_update([order for order, _lines in entries], ["status", "held_from", "updated_at"])


def _require_units(line: OrderLine, units: int, limit: int, refusal: str) -> None:
    """0 < units <= limit, or a conflict naming the line: `refusal` completes "Line n: ..."."""
    if units <= 0 or units > limit:
        raise OrderConflict(OrderErrorCode.QUANTITY_TOO_HIGH, f"Line {line.line_number}: {refusal}.")


def _record(
    order: Order,
    lines,
    change,
    kind: str,
    actor: Actor,
    *,
    quantities: dict[int, int],
    key: str = "quantities",
    message: str = "",
    payload: dict | None = None,
) -> Order:
    """Save the lines and the order, then the event (with the per-line units) and any status change."""
    _save(order, lines)
    units = {key: {str(line_id): n for line_id, n in quantities.items()}, **(payload or {})}
    event = timeline_event(order, kind, actor, message=message, payload=units)
    timeline_write(order, [event, *_status_event(order, change, actor)])
    return order


@dataclass(frozen=True)
class Allocation:
    """What one sourcing run assigned on one order: {order_line_id: units} (empty: nothing
    could be allocated, the order waits on backorder), with the engine's explanation."""

    order: Order
    allocated: dict[int, int]
    explanation: str = ""
    payload: dict | None = None


@transactional
def order_record_allocation(
    *,
    order: Order,
    allocated: dict[int, int],
    actor: Actor,
    explanation: str = "",
    payload: dict | None = None,
) -> Order:
    """Units were assigned to locations: {order_line_id: units}."""
    (order,) = order_record_allocations(
        allocations=[Allocation(order, allocated, explanation, payload)], actor=actor
    )
    return order


@transactional
def order_record_allocations(*, allocations: list[Allocation], actor: Actor) -> list[Order]:
    """The allocations of a batch of orders (a sourcing run takes many at once): the orders are
    locked in one statement and their lines read, saved and written on the timeline together."""
    orders = lock_orders(allocation.order.pk for allocation in allocations)
    lines = defaultdict(list)
    for line in OrderLine.objects.filter(order_id__in=list(orders)).order_by("pk"):
        lines[line.order_id].append(line)
    locked = [replace(allocation, order=orders[allocation.order.pk]) for allocation in allocations]
    return order_record_allocations_locked(allocations=locked, lines=lines, actor=actor)


@transactional
def order_record_allocations_locked(
    *, allocations: list[Allocation], lines: dict[int, list[OrderLine]], actor: Actor
) -> list[Order]:
    """`order_record_allocations` for a caller that locked the orders and read every line of
    them (`lines`, by order id) in this transaction already (a sourcing run): each allocation's
    order is the locked instance, changed and saved here."""
    entries = [
        _allocate(a.order, {line.pk: line for line in lines.get(a.order.pk, [])}, a, actor)
        for a in allocations
    ]
    _save_many([(order, lines.get(order.pk, [])) for order, _events in entries])
    timeline_write_many(entries)
    return [order for order, _events in entries]


def _allocate(order: Order, lines: dict[int, OrderLine], allocation: Allocation, actor: Actor):
    """On a locked order: raise its lines' allocated units; returns (order, timeline events)."""
    if order.status in (Status.CANCELLED, Status.SHIPPED, Status.COMPLETED):
        raise OrderConflict(OrderErrorCode.ORDER_CLOSED, f"Order {order.number} is {order.status}.")
    _require_lines(lines, allocation.allocated)
    for line_id, units in allocation.allocated.items():
        line = lines[line_id]
        _require_units(
            line, units, line.quantity_unallocated, f"cannot allocate {units} of {line.quantity_unallocated}"
        )
        line.quantity_allocated += units
    target = _progress_after_allocation(lines.values())
    if order.progress_status == Status.PARTIALLY_SHIPPED:
        target = Status.PARTIALLY_SHIPPED
    change = _set_progress(order, target)
    units = {"allocated": {str(line_id): n for line_id, n in allocation.allocated.items()}}
    event = timeline_event(
        order,
        "allocated",
        actor,
        message=allocation.explanation,
        payload={**units, **(allocation.payload or {})},
    )
    return order, [event, *_status_event(order, change, actor)]


@transactional
def order_record_deallocation(
    *, order: Order, quantities: dict[int, int], actor: Actor, reason: str, payload: dict | None = None
) -> Order:
    """Units were taken back from locations (short pick, reject, re-route, cancel, edit)."""
    order = lock_order(order)
    lines = _lines(order, quantities)
    for line_id, units in quantities.items():
        line = lines[line_id]
        _require_units(
            line, units, line.quantity_allocated, f"cannot take back {units} of {line.quantity_allocated}"
        )
        line.quantity_allocated -= units
    all_lines = list(lines.values())
    change = None
    if order.progress_status in (Status.NEW, Status.ALLOCATED, Status.BACKORDERED):
        change = _set_progress(order, _progress_after_allocation(all_lines))
    return _record(
        order, all_lines, change, "deallocated", actor, quantities=quantities, message=reason, payload=payload
    )


@transactional
def order_record_shipment(
    *, order: Order, quantities: dict[int, int], actor: Actor, shipment: dict, message: str = ""
) -> Order:
    """Units left a location: allocated becomes shipped. `shipment` (carrier, tracking numbers,
    location, fulfillment order) goes on the timeline and to the outbox; `message` says it in words."""
    order = lock_order(order)
    if order.status == Status.ON_HOLD:
        raise OrderConflict(OrderErrorCode.ON_HOLD, f"Order {order.number} is on hold; release it first.")
    if order.status in (Status.CANCELLED, Status.SHIPPED, Status.COMPLETED):
        raise OrderConflict(OrderErrorCode.ORDER_CLOSED, f"Order {order.number} is {order.status}.")
    lines = _lines(order, quantities)
    for line_id, units in quantities.items():
        line = lines[line_id]
        _require_units(
            line, units, line.quantity_allocated, f"cannot ship {units}; {line.quantity_allocated} allocated"
        )
        line.quantity_allocated -= units
        line.quantity_shipped += units
    all_lines = list(lines.values())
    change = _set_progress(order, _progress_after_shipment(all_lines))
    return _record(
        order, all_lines, change, "shipped", actor, quantities=quantities, message=message, payload=shipment
    )


@transactional
def order_record_delivery(
    *, order: Order, actor: Actor, all_delivered: bool, payload: dict | None = None
) -> Order:
    """A shipment was delivered or a pickup collected. When everything is shipped and
    fulfillment says every piece of work is delivered, the order is completed."""
    order = lock_order(order)
    events = [timeline_event(order, "delivered", actor, payload=payload or {})]
    change = None
    if all_delivered and order.status == Status.SHIPPED:
        change = _set_progress(order, Status.COMPLETED)
        order.save(update_fields=["status", "held_from", "updated_at"])
    timeline_write(order, events + _status_event(order, change, actor))
    return order


@transactional
def order_record_return(
    *, order: Order, quantities: dict[int, int], actor: Actor, payload: dict | None = None
) -> Order:
    """Units came back from the customer: {order_line_id: units}, never more than shipped."""
    order = lock_order(order)
    lines = _lines(order, quantities)
    for line_id, units in quantities.items():
        line = lines[line_id]
        returnable = line.quantity_shipped - line.quantity_returned
        _require_units(
            line,
            units,
            returnable,
            f"cannot return {units}; {line.quantity_shipped} shipped, "
            f"{line.quantity_returned} already returned",
        )
        line.quantity_returned += units
    return _record(
        order, list(lines.values()), None, "returned", actor, quantities=quantities, payload=payload
    )


@transactional
def order_record_channel_shipment(
    *, order: Order, quantities: dict[int, int], actor: Actor, payload: dict | None = None
) -> Order:
    """Units of lines the channel fulfils itself (Amazon FBA) left the channel's warehouse:
    {order_line_id: units}. Nothing was allocated here, so they go from open to shipped; a hold
    cannot stop what the channel already shipped, so when nothing is left open it is released."""
    order = lock_order(order)
    if order.status in (Status.CANCELLED, Status.SHIPPED, Status.COMPLETED):
        raise OrderConflict(OrderErrorCode.ORDER_CLOSED, f"Order {order.number} is {order.status}.")
    lines = _lines(order, quantities)
    for line_id, units in quantities.items():
        line = lines[line_id]
        if not line.fulfilled_by_channel:
            raise OrderConflict(
                OrderErrorCode.INVALID_TRANSITION,
                f"Line {line.line_number} is fulfilled by the OMS; its shipments are recorded here.",
            )
        _require_units(line, units, line.quantity_open, f"cannot ship {units}; {line.quantity_open} open")
        line.quantity_shipped += units
    all_lines = list(lines.values())
    target = _progress_after_shipment(all_lines)
    events = []
    if target == Status.SHIPPED and order.status == Status.ON_HOLD:
        release_holds(order, open_holds(order), actor, "Shipped by the channel.", continue_order=False)
        events.append(
            timeline_event(
                order, "status_changed", actor, from_status=Status.ON_HOLD, to_status=order.held_from
            )
        )
        order.release()
    change = _set_progress(order, target)
    _save(order, all_lines)
    shipped = timeline_event(
        order,
        "shipped_by_channel",
        actor,
        payload={"quantities": {str(line_id): n for line_id, n in quantities.items()}, **(payload or {})},
    )
    timeline_write(order, [shipped, *events, *_status_event(order, change, actor)])
    return order
