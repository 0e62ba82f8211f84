"""Holds stop an order's progress (picking, shipping), not its reservations.

The first open hold moves the order to `on_hold` (remembering `held_from`); more holds
just add rows; releasing the last one returns the order to where it was and sends
`order_released`, so fulfillment sources whatever was fixed meanwhile.
"""

from django.utils import timezone
from django_fsm import can_proceed

from oms.core.actor import Actor
from oms.core.transactions import transactional

from ..errors import OrderConflict, OrderError, OrderErrorCode, OrderNotFound
from ..models import OPEN_STATUSES, Hold, Order
from ..signals import order_released
from .locks import lock_order
from .timeline import timeline_event, timeline_write

Status = Order.Status


def open_holds(order: Order, kind: str | None = None) -> list[Hold]:
    holds = Hold.objects.filter(order=order, released_at__isnull=True).order_by("pk")
    if kind:
        holds = holds.filter(kind=kind)
    return list(holds)


def put_on_hold(order: Order, actor: Actor) -> list:
    """On a locked order: move it to on_hold if it is not there yet; returns the status events."""
    if order.status == Status.ON_HOLD:
        return []
    if not can_proceed(order.hold):
        raise OrderConflict(
            OrderErrorCode.INVALID_TRANSITION, f"Order {order.number} is {order.status}; it cannot be held."
        )
    previous = order.status
    order.hold()
    order.save(update_fields=["status", "held_from", "updated_at"])
    return [timeline_event(order, "status_changed", actor, from_status=previous, to_status=order.status)]


@transactional
def order_hold(*, order: Order, kind: str, reason: str, actor: Actor) -> Hold:
    """Open a hold (payment, fraud, address, exception, manual) with a reason."""
    order = lock_order(order)
    if kind not in Hold.Kind.values:
        raise OrderError(OrderErrorCode.INVALID_TRANSITION, f"Unknown hold kind {kind!r}.")
    if not reason.strip():
        raise OrderError(OrderErrorCode.INVALID_TRANSITION, "A hold needs a reason.")
    if order.status not in OPEN_STATUSES:
        raise OrderConflict(
            OrderErrorCode.ORDER_CLOSED, f"Order {order.number} is {order.status}; it cannot be held."
        )
    status_events = put_on_hold(order, actor)
    hold = Hold.objects.create(order=order, kind=kind, reason=reason.strip(), **actor.as_fields("opened_by"))
    events = [
        timeline_event(
            order, "hold_opened", actor, message=hold.reason, payload={"hold_id": hold.pk, "kind": kind}
        )
    ]
    timeline_write(order, events + status_events)
    return hold


def release_holds(
    order: Order, holds: list[Hold], actor: Actor, reason: str, *, continue_order: bool = True
) -> bool:
    """On a locked order: release `holds`. When none is left open and `continue_order`, the order
    returns to its progress status and `order_released` is sent. Returns True if it was."""
    now = timezone.now()
    for hold in holds:
        hold.released_at = now
        hold.release_reason = reason
        for field, value in actor.as_fields("released_by").items():
            setattr(hold, field, value)
    Hold.objects.bulk_update(
        holds, ["released_at", "release_reason", "released_by_kind", "released_by_id", "released_by_label"]
    )
    events = [
        timeline_event(
            order, "hold_released", actor, message=reason, payload={"hold_id": hold.pk, "kind": hold.kind}
        )
        for hold in holds
    ]
    released = False
    if continue_order and order.status == Status.ON_HOLD and not open_holds(order):
        target = order.release()
        order.save(update_fields=["status", "held_from", "updated_at"])
        events.append(
            timeline_event(order, "status_changed", actor, from_status=Status.ON_HOLD, to_status=target)
        )
        released = True
    timeline_write(order, events)
    if released:
        order_released.send(sender=Order, order=order)
    return released


@transactional
def order_release_hold(*, order: Order, hold_id: int, actor: Actor, reason: str = "") -> Order:
    """Release one hold; the last one lets the order continue."""
    order = lock_order(order)
    hold = Hold.objects.filter(order=order, pk=hold_id).first()
    if hold is None:
        raise OrderNotFound(OrderErrorCode.HOLD_NOT_FOUND, f"Order {order.number} has no hold {hold_id}.")
    if not hold.is_open:
        raise OrderConflict(OrderErrorCode.NO_OPEN_HOLD, f"Hold {hold_id} was already released.")
    release_holds(order, [hold], actor, reason.strip() or "Released.")
    return order
