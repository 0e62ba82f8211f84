"""Cancel a whole order or line quantities before they ship.

`order_lines_cancelled` goes out first: fulfillment frees those units from open work and
releases their reservations (lowering quantity_allocated through
order_record_deallocation), or refuses with a ConflictError. Then quantity_cancelled rises.
When nothing is left open the order is `cancelled` (or `shipped` if some units shipped).
"""

import logging
from datetime import datetime, timedelta

from django.utils import timezone

from inventory.services import LockedStock
from oms.core.actor import Actor
from oms.core.errors import DomainError
from oms.core.models import Channel
from oms.core.transactions import transactional

from ..errors import OrderConflict, OrderError, OrderErrorCode
from ..models import Order, OrderLine
from ..permissions import ORDER_CANCEL
from ..signals import order_lines_cancelled
from .holds import open_holds, release_holds
from .locks import lock_order, lock_order_with_stock
from .progress import _progress_after_allocation, _set_progress
from .timeline import timeline_event, timeline_write

logger = logging.getLogger(__name__)
Status = Order.Status
CLOSED = (Status.CANCELLED, Status.SHIPPED, Status.COMPLETED)
UNPAID_REASON = "payment not received"


def _check_open(order: Order) -> None:
    if order.status in CLOSED:
        raise OrderConflict(OrderErrorCode.ORDER_CLOSED, f"Order {order.number} is {order.status}.")


def _lines_by_id(order: Order) -> dict[int, OrderLine]:
    return {line.pk: line for line in OrderLine.objects.filter(order=order).order_by("pk")}


def check_cancellable(lines: dict[int, OrderLine], quantities: dict[int, int]) -> None:
    unknown = set(quantities) - set(lines)
    if unknown:
        raise OrderConflict(
            OrderErrorCode.LINE_NOT_FOUND,
            "Those lines are not on this order.",
            details={"line_ids": sorted(unknown)},
        )
    for line_id, units in quantities.items():
        line = lines[line_id]
        if units <= 0:
            raise OrderError(
                OrderErrorCode.QUANTITY_TOO_HIGH, f"Line {line.line_number}: cancel at least 1 unit."
            )
        if units > line.quantity_open:
            code = (
                OrderErrorCode.ALREADY_SHIPPED
                if units <= line.quantity - line.quantity_cancelled
                else OrderErrorCode.QUANTITY_TOO_HIGH
            )
            raise OrderConflict(
                code,
                f"Line {line.line_number} ({line.sku_code}): only {line.quantity_open} of "
                f"{line.quantity} units are still open ({line.quantity_shipped} shipped, "
                f"{line.quantity_cancelled} cancelled); cannot cancel {units}.",
            )


def free_units(
    order: Order, quantities: dict[int, int], locked: LockedStock
) -> tuple[Order, dict[int, OrderLine]]:
    """Ask fulfillment to free `quantities` from open work (order_lines_cancelled, with the stock
    the caller locked first), then re-read the order and its lines, which fulfillment may have
    changed, and check the units are free."""
    order_lines_cancelled.send(sender=Order, order=order, quantities=dict(quantities), locked=locked)
    order = lock_order(order)
    lines = _lines_by_id(order)
    check_cancellable(lines, quantities)
    for line_id, units in quantities.items():
        line = lines[line_id]
        if line.quantity_open - units < line.quantity_allocated:
            raise OrderConflict(
                OrderErrorCode.STILL_ALLOCATED,
                f"Line {line.line_number} ({line.sku_code}): {line.quantity_allocated} units are still "
                "allocated to fulfillment work; they must be released before they can be cancelled.",
            )
    return order, lines


def settle_after_cancellation(order: Order, lines, actor: Actor, reason: str) -> list:
    """On a locked order whose lines changed: close it when nothing is left open, else let the
    progress status follow. Saves the order; returns the timeline events to write."""
    before = order.status
    if all(line.quantity_open == 0 for line in lines):
        holds = open_holds(order)
        if holds:
            release_holds(order, holds, actor, f"Nothing left open: {reason}", continue_order=False)
        if any(line.quantity_shipped for line in lines):
            if order.status == Status.ON_HOLD:
                order.release()
            if order.status != Status.SHIPPED:
                order.ship()
        else:
            order.cancel()
    elif order.progress_status in (Status.ALLOCATED, Status.BACKORDERED):
        _set_progress(order, _progress_after_allocation(lines))
    order.save(update_fields=["status", "held_from", "updated_at"])
    if order.status == before:
        return []
    return [timeline_event(order, "status_changed", actor, from_status=before, to_status=order.status)]


def _cancel(
    order: Order, quantities: dict[int, int], reason: str, actor: Actor, kind: str, locked: LockedStock
) -> Order:
    order, lines = free_units(order, quantities, locked)
    for line_id, units in quantities.items():
        lines[line_id].quantity_cancelled += units
    OrderLine.objects.bulk_update([lines[line_id] for line_id in quantities], ["quantity_cancelled"])
    cancelled = timeline_event(
        order,
        kind,
        actor,
        message=reason,
        payload={
            "reason": reason,
            "quantities": {str(line_id): units for line_id, units in quantities.items()},
            "lines": [
                {"line": lines[line_id].line_number, "sku": lines[line_id].sku_code, "cancelled": units}
                for line_id, units in quantities.items()
            ],
        },
    )
    status_events = settle_after_cancellation(order, list(lines.values()), actor, reason)
    timeline_write(order, [cancelled, *status_events])
    return order


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise OrderError(OrderErrorCode.NOTHING_TO_CANCEL, "A cancellation needs a reason.")
    return reason


@transactional
def order_cancel_lines(*, order: Order, quantities: dict[int, int], reason: str, actor: Actor) -> Order:
    """Cancel {order_line_id: units} that have not shipped."""
    reason = _reason(reason)
    order, lines, locked = lock_order_with_stock(order)
    ORDER_CANCEL.require(actor, order)
    _check_open(order)
    if not quantities:
        raise OrderError(OrderErrorCode.NOTHING_TO_CANCEL, "Name the lines and units to cancel.")
    check_cancellable(lines, quantities)
    return _cancel(order, dict(quantities), reason, actor, "lines_cancelled", locked)


@transactional
def order_cancel(*, order: Order, reason: str, actor: Actor) -> Order:
    """Cancel everything still open on the order."""
    reason = _reason(reason)
    order, lines, locked = lock_order_with_stock(order)
    ORDER_CANCEL.require(actor, order)
    return _cancel_everything(order, lines, locked, reason, actor)


def _cancel_everything(order: Order, lines, locked: LockedStock, reason: str, actor: Actor) -> Order:
    _check_open(order)
    quantities = {line.pk: line.quantity_open for line in lines.values() if line.quantity_open}
    if not quantities:
        raise OrderConflict(OrderErrorCode.NOTHING_TO_CANCEL, f"Order {order.number} has nothing left open.")
    return _cancel(order, quantities, reason, actor, "cancelled", locked)


@transactional
def _cancel_if_still_unpaid(order_id: int, cutoff: datetime, actor: Actor) -> Order | None:
    order, lines, locked = lock_order_with_stock(Order(pk=order_id))
    if (
        order.payment_status != Order.PaymentStatus.PENDING
        or order.placed_at >= cutoff
        or order.progress_status not in (Status.NEW, Status.ALLOCATED, Status.BACKORDERED)
    ):
        return None  # paid, shipped or changed meanwhile
    return _cancel_everything(order, lines, locked, UNPAID_REASON, actor)


def order_cancel_expired_unpaid(*, now: datetime | None = None) -> list[str]:
    """Cancel open orders still `pending` payment past their channel's payment_due_hours, one
    transaction each (their stock is released through order_lines_cancelled). Returns numbers."""
    now = now or timezone.now()
    actor = Actor.system("unpaid-expiry")
    cancelled = []
    for channel in Channel.objects.all():
        cutoff = now - timedelta(hours=channel.payment_due_hours)
        order_ids = list(
            Order.objects.filter(
                channel=channel,
                payment_status=Order.PaymentStatus.PENDING,
                placed_at__lt=cutoff,
                status__in=(Status.NEW, Status.ON_HOLD, Status.ALLOCATED, Status.BACKORDERED),
            )
            .order_by("placed_at")
            .values_list("pk", flat=True)
        )
        for order_id in order_ids:
            try:
                order = _cancel_if_still_unpaid(order_id, cutoff, actor)
            except DomainError as exc:
                logger.warning("unpaid expiry: order %s not cancelled: %s", order_id, exc.message)
                continue
            if order is not None:
                cancelled.append(order.number)
    return cancelled
