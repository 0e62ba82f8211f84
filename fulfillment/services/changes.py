"""Work that moves or goes away: reject, re-route, cancelled and edited lines, backorders."""

import logging
from collections import defaultdict

from django.db.models import F, Q

from inventory.errors import InsufficientStock
from inventory.models import Location
from inventory.services import LockedStock, Take, stock_lock, stock_release
from oms.core.actor import Actor
from oms.core.transactions import transactional
from orders import services as order_services
from orders.models import Order, OrderLine

from ..errors import FulfillmentConflict, FulfillmentError, FulfillmentErrorCode
from ..models import FulfillmentOrder, FulfillmentOrderLine
from .after_packing import (
    PACKED_STATES,
    address_change,
    cancelled_change,
    delivery_change,
    is_packed,
    record_changes,
)
from .common import require_reason, save_lines, settle
from .locks import Stock, for_update, lock_work
from .sourcing import assign, fulfillment_source_order, take_back

logger = logging.getLogger(__name__)
State = FulfillmentOrder.State


@transactional
def fulfillment_reject(*, fo: FulfillmentOrder, reason: str, actor: Actor):
    """The location cannot fill this work: release all of it, cancel the FO and source the
    order again without that location. Returns the new plan."""
    reason = require_reason(reason)
    work = lock_work(fo, Stock.ORDER)
    order, fo, lines = work.order, work.fo, work.lines
    if fo.state not in (State.PENDING, State.PICKING, State.SENT_TO_VENDOR):
        raise FulfillmentConflict(
            FulfillmentErrorCode.INVALID_TRANSITION,
            f"Fulfillment order {fo.number} is {fo.get_state_display().lower()}; too late to reject.",
        )
    if any(line.quantity_shipped for line in lines):
        raise FulfillmentConflict(FulfillmentErrorCode.ALREADY_SHIPPED, f"{fo.number} has shipped units.")
    freed = take_back(
        [(line, line.quantity_open) for line in lines],
        actor,
        reason="rejected",
        reference=fo.number,
        locked=work.locked,
    )
    save_lines(lines)
    settle(fo, lines, f"rejected: {reason}")
    message = f"{fo.location.code} rejected {fo.number}: {reason}"
    if freed:
        order_services.order_record_deallocation(
            order=order,
            quantities=freed,
            actor=actor,
            reason=message,
            payload={"fulfillment_order": fo.number, "location": fo.location.code},
        )
    return fulfillment_source_order(
        order=order,
        actor=actor,
        reason=f"Re-sourcing after {message}",
        exclude_location_ids=[fo.location_id],
        exclude_reason="rejected the work",
        locked=work.locked,
    )


@transactional
def fulfillment_reroute(
    *, fo: FulfillmentOrder, to_location: Location, reason: str, actor: Actor
) -> FulfillmentOrder:
    """Customer service moves the FO's open, not yet picked units to another location.
    Refused with InsufficientStock when the target cannot hold them. Returns the target FO."""
    reason = require_reason(reason)
    work = lock_work(fo, Stock.OWN, extra_location_ids=[to_location.pk])
    order, fo, lines = work.order, work.fo, work.lines
    if fo.state not in (State.PENDING, State.PICKING):
        raise FulfillmentConflict(
            FulfillmentErrorCode.INVALID_TRANSITION,
            f"Fulfillment order {fo.number} is {fo.get_state_display().lower()}; only pending or picking "
            "work can be re-routed.",
        )
    if fo.kind == FulfillmentOrder.Kind.PICKUP:
        raise FulfillmentConflict(
            FulfillmentErrorCode.WRONG_KIND,
            "A pickup order is collected at its store; change the store instead.",
        )
    if to_location.pk == fo.location_id:
        raise FulfillmentError(
            FulfillmentErrorCode.SAME_LOCATION, f"{fo.number} is already at {to_location.code}."
        )
    if not (to_location.active and to_location.can_ship) or to_location.kind == Location.Kind.DROPSHIP:
        raise FulfillmentError(
            FulfillmentErrorCode.LOCATION_UNAVAILABLE, f"{to_location.code} cannot ship orders."
        )
    moving = [(line, line.quantity_unpicked) for line in lines if line.quantity_unpicked > 0]
    if not moving:
        raise FulfillmentConflict(
            FulfillmentErrorCode.NOTHING_TO_MOVE, f"{fo.number} has nothing left to move."
        )
    take_back(
        moving, actor, reason=f"re-routed to {to_location.code}", reference=fo.number, locked=work.locked
    )
    save_lines(lines)
    try:
        targets = assign(
            order,
            [(to_location, line.order_line, units) for line, units in moving],
            actor,
            locked=work.locked,
        )
    except InsufficientStock as error:
        error.message = f"{to_location.code} does not have the stock to take over {fo.number}."
        error.args = (error.message,)
        raise
    settle(fo, lines, f"re-routed to {to_location.code}: {reason}")
    target = targets[0]
    moved = ", ".join(f"{units} x {line.sku.code}" for line, units in moving)
    order_services.order_add_event(
        order=order,
        kind="rerouted",
        actor=actor,
        message=f"Re-routed {moved} from {fo.location.code} to {to_location.code}: {reason}",
        payload={
            "from_fulfillment_order": fo.number,
            "to_fulfillment_order": target.number,
            "from_location": fo.location.code,
            "to_location": to_location.code,
            "reason": reason,
        },
    )
    return target


def _open_work(order: Order, line_ids, states) -> list[FulfillmentOrderLine]:
    return list(
        for_update(FulfillmentOrderLine.objects)
        .filter(
            order_line_id__in=line_ids, fulfillment_order__order=order, fulfillment_order__state__in=states
        )
        .filter(quantity__gt=F("quantity_shipped") + F("quantity_cancelled"))
        .select_related("fulfillment_order__location", "sku")
        .order_by("-fulfillment_order_id", "-pk")
    )


def _settle_all(lines: list[FulfillmentOrderLine], reason: str) -> None:
    by_fo = {line.fulfillment_order_id: line.fulfillment_order for line in lines}
    for fo_id, fo in sorted(by_fo.items()):
        settle(fo, list(FulfillmentOrderLine.objects.filter(fulfillment_order_id=fo_id)), reason)


@transactional
def fulfillment_cancel_quantities(
    *, order: Order, quantities: dict[int, int], actor: Actor, locked: LockedStock | None = None
) -> dict[int, int]:
    """Units of order lines are being cancelled: free them from open, unshipped work (newest
    first), releasing their reservations in one batch. Units still unallocated need no freeing.
    The caller (orders' cancel or edit) locked the order's stock first and passes it."""
    if locked is None:
        locked = stock_lock(sku_ids=order_services.order_sku_ids([order.pk]))
    order = order_services.lock_order(order)
    order_lines = {line.pk: line for line in OrderLine.objects.filter(order=order, pk__in=list(quantities))}
    work = _open_work(order, list(order_lines), FulfillmentOrder.OPEN_STATES)
    by_line = defaultdict(list)
    for fo_line in work:
        by_line[fo_line.order_line_id].append(fo_line)
    freed: dict[int, int] = {}
    takes = []
    from_packed = defaultdict(list)  # packed work the units leave: the warehouse must take them out
    for line_id, units in quantities.items():
        line = order_lines.get(int(line_id))
        if line is None:
            continue
        need = max(0, units - line.quantity_unallocated)
        for fo_line in by_line[line.pk]:
            if need == 0:
                break
            take = min(need, fo_line.quantity_open)
            takes.append(Take(fo_line, take))
            if is_packed(fo_line.fulfillment_order):
                from_packed[fo_line.fulfillment_order_id].append((fo_line, take))
            fo_line.quantity_cancelled += take
            fo_line.quantity_picked = min(
                fo_line.quantity_picked, fo_line.quantity - fo_line.quantity_cancelled
            )
            freed[line.pk] = freed.get(line.pk, 0) + take
            need -= take
        if need:
            raise FulfillmentConflict(
                FulfillmentErrorCode.ALREADY_SHIPPED,
                f"Line {line.line_number}: {need} of the units to cancel have already shipped.",
                details={"line_id": line.pk, "units": need},
            )
    if takes:
        stock_release(takes=takes, actor=actor, reason="cancelled", reference=order.number, locked=locked)
    save_lines(work)
    _settle_all(work, "cancelled by the customer")
    record_changes(
        order,
        [cancelled_change(taken[0][0].fulfillment_order, taken) for taken in from_packed.values()],
        actor,
    )
    if freed:
        order_services.order_record_deallocation(
            order=order,
            quantities=freed,
            actor=actor,
            reason="Units cancelled; their reservations were released.",
        )
    return freed


@transactional
def fulfillment_order_edited(
    *, order: Order, line_ids, address_changed: bool, actor: Actor, locked: LockedStock | None = None
):
    """Lines (or the address) changed: release the changed lines' pending work (all pending
    work when the address changed) and source again. The caller (orders' edit) locked the
    order's stock, new SKUs included, first and passes it."""
    if locked is None:
        locked = stock_lock(sku_ids=order_services.order_sku_ids([order.pk]))
    order = order_services.lock_order(order)
    _refuse_sku_change_in_progress(order, line_ids)
    condition = Q() if address_changed else Q(order_line_id__in=list(line_ids))
    packed = (
        []
        if not address_changed
        else list(
            FulfillmentOrder.objects.filter(order=order, state__in=PACKED_STATES).select_related("location")
        )
    )
    # Packed work that no longer goes where the order now goes is released like pending work.
    moved = {fo.pk for fo in packed if not _fits_delivery(fo, order)}
    work = list(
        for_update(FulfillmentOrderLine.objects)
        .filter(condition, fulfillment_order__order=order)
        .filter(Q(fulfillment_order__state=State.PENDING) | Q(fulfillment_order_id__in=moved))
        .filter(quantity__gt=F("quantity_shipped") + F("quantity_cancelled"))
        .select_related("fulfillment_order__location", "sku")
        .order_by("pk")
    )
    record_changes(
        order,
        [
            delivery_change(fo, order) if fo.pk in moved else address_change(fo, order)
            for fo in packed
            if fo.pk in moved or fo.kind == FulfillmentOrder.Kind.SHIP
        ],
        actor,
    )
    if work:
        freed = take_back(
            [(line, line.quantity_open) for line in work], actor, reason="order edited", locked=locked
        )
        save_lines(work)
        _settle_all(work, "order edited")
        order_services.order_record_deallocation(
            order=order,
            quantities=freed,
            actor=actor,
            reason="Order edited: pending work of the changed lines was released.",
        )
    return fulfillment_source_order(order=order, actor=actor, reason="Sourcing after an edit", locked=locked)


def _fits_delivery(fo: FulfillmentOrder, order: Order) -> bool:
    """Does this work still go the way the order is delivered (after an address edit)?"""
    pickup = order.delivery_method == Order.DeliveryMethod.PICKUP
    if fo.kind == FulfillmentOrder.Kind.PICKUP:
        return pickup and order.pickup_location_id == fo.location_id
    if fo.kind == FulfillmentOrder.Kind.SHIP:
        return not pickup
    return True


def _refuse_sku_change_in_progress(order: Order, line_ids) -> None:
    """A line whose SKU changed while its units are being picked or packed: the warehouse has
    the old item in hand, so the edit waits (or the work is re-routed or rejected first)."""
    busy = (
        FulfillmentOrderLine.objects.filter(order_line_id__in=list(line_ids), fulfillment_order__order=order)
        .exclude(fulfillment_order__state__in=(State.PENDING, *FulfillmentOrder.DONE_STATES, State.SHIPPED))
        .filter(quantity__gt=F("quantity_shipped") + F("quantity_cancelled"))
        .exclude(sku_id=F("order_line__sku_id"))
        .select_related("fulfillment_order__location", "order_line")
        .first()
    )
    if busy is not None:
        fo = busy.fulfillment_order
        raise FulfillmentConflict(
            FulfillmentErrorCode.WORK_IN_PROGRESS,
            f"Line {busy.order_line.line_number} is {fo.get_state_display().lower()} at {fo.location.code} "
            f"({fo.number}); its SKU cannot change until that work is re-routed or rejected.",
            details={"fulfillment_order": fo.number},
        )


def backordered_order_ids(sku_ids) -> list[int]:
    """Orders waiting for these SKUs, oldest placed first."""
    waiting = Q(status=Order.Status.BACKORDERED) | Q(
        status=Order.Status.ON_HOLD, held_from=Order.Status.BACKORDERED
    )
    lines = OrderLine.objects.filter(
        sku_id__in=list(sku_ids),
        quantity__gt=F("quantity_allocated") + F("quantity_shipped") + F("quantity_cancelled"),
    )
    return list(
        Order.objects.filter(waiting, pk__in=lines.values("order_id"))
        .order_by("placed_at", "pk")
        .values_list("pk", flat=True)
    )


def backorders_reallocate(*, sku_ids, actor: Actor | None = None) -> list[int]:
    """Source backordered orders of these SKUs, oldest first, one transaction each. An order
    another run is sourcing right now (row locked) is skipped: that run fills it. Returns the
    ids of the orders that got stock."""
    actor = actor or Actor.system("backorders")
    filled = [order_id for order_id in backordered_order_ids(sku_ids) if _fill_backorder(order_id, actor)]
    if filled:
        logger.info("backorders: stock allocated to %d orders", len(filled))
    return filled


@transactional
def _fill_backorder(order_id: int, actor: Actor) -> bool:
    locked = stock_lock(sku_ids=order_services.order_sku_ids([order_id]))
    order = order_services.lock_order_if_free(order_id)
    if order is None:
        return False
    plan = fulfillment_source_order(
        order=order, actor=actor, reason="Stock arrived for a backorder", record_empty=False, locked=locked
    )
    return plan is not None and bool(plan.allocations)
