"""Holds stop an order's progress (picking, shipping), not its reservations.

The first open hold moves the order to `on_hold` (remembering `held_from`); more holds
just add rows; releasing the last one returns the order to where it was and sends
`order_released`, so fulfillment sources whatever was fixed meanwhile.

A release needs a reason. A payment hold is released once the payment is authorized or paid
(order_update_payment does it by itself), before that only by an explicit override, recorded
with its reason. An exception hold is released only when the order's problems are fixed: the
intake's checks run again (checks.py) and a refusal names what is still wrong; a hold for a
failed sourcing has no such problem and is released to try again.
"""

from django.utils import timezone
from django_fsm import can_proceed

from oms.core.actor import Actor
from oms.core.transactions import transactional

from ..errors import OrderConflict, OrderError, OrderErrorCode, OrderNotFound
from ..models import OPEN_STATUSES, Hold, Order, OrderLine
from ..permissions import ORDER_HOLD, ORDER_OVERRIDE_HOLD, ORDER_RELEASE_HOLD
from ..signals import order_released
from .checks import OVERRIDABLE, link_known_skus, order_problems
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
    ORDER_HOLD.require(actor, order)
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
    order: Order,
    holds: list[Hold],
    actor: Actor,
    reason: str,
    *,
    continue_order: bool = True,
    payload: dict | None = None,
) -> bool:
    """On a locked order: release `holds` (`payload` joins their timeline events). When none is
    left open and `continue_order`, the order returns to its progress status and
    `order_released` is sent. Returns True if it was."""
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
            order,
            "hold_released",
            actor,
            message=reason,
            payload={"hold_id": hold.pk, "kind": hold.kind, **(payload or {})},
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


PAID_STATUSES = (
    Order.PaymentStatus.AUTHORIZED,
    Order.PaymentStatus.PAID,
    Order.PaymentStatus.PARTIALLY_REFUNDED,
)


def _payment_release(order: Order, hold: Hold, actor: Actor, override: bool) -> dict:
    """What the release of a payment hold records; refused while the payment is not in."""
    if order.payment_status in PAID_STATUSES:
        return {}
    if not override:
        raise OrderConflict(
            OrderErrorCode.PAYMENT_NOT_AUTHORIZED,
            f"Order {order.number}: payment is {order.payment_status}. A payment hold is released once "
            "the payment is authorized or paid, or by an explicit override with its reason.",
            details={"hold_id": hold.pk, "payment_status": order.payment_status},
        )
    ORDER_OVERRIDE_HOLD.require(actor, order)
    return {"override": True, "payment_status": order.payment_status}


def _exception_release(order: Order, hold: Hold, actor: Actor, override: bool) -> dict:
    """Check the order again; refuse naming what is still wrong. Lines whose SKU exists now
    are linked to it first (that fixes them)."""
    lines = list(OrderLine.objects.filter(order=order).select_related("sku").order_by("line_number"))
    linked = link_known_skus(lines)
    problems = order_problems(order, lines)
    blocking = [problem for problem in problems if not (override and problem.kind in OVERRIDABLE)]
    if blocking:
        raise OrderConflict(
            OrderErrorCode.PROBLEM_NOT_FIXED,
            f"Hold {hold.pk} cannot be released yet: " + " ".join(problem.message for problem in blocking),
            details={"hold_id": hold.pk, "problems": [problem.message for problem in blocking]},
        )
    details = {}
    if linked:
        OrderLine.objects.bulk_update(linked, ["sku"])
        details["linked_skus"] = {str(line.line_number): line.sku_code for line in linked}
    if problems:  # overridden
        ORDER_OVERRIDE_HOLD.require(actor, order)
        details.update(override=True, problems=[problem.message for problem in problems])
    return details


@transactional
def order_release_hold(
    *, order: Order, hold_id: int, actor: Actor, reason: str, override: bool = False
) -> Order:
    """Release one hold, saying why; the last one lets the order continue. `override` releases a
    payment hold before the payment is in, or an exception hold over totals that do not add up:
    a person's decision, recorded with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise OrderError(
            OrderErrorCode.REASON_REQUIRED, "A hold release needs a reason.", details={"field": "reason"}
        )
    order = lock_order(order)
    ORDER_RELEASE_HOLD.require(actor, order)
    hold = Hold.objects.filter(order=order, pk=hold_id).first()
    if hold is None:
        raise OrderNotFound(OrderErrorCode.HOLD_NOT_FOUND, f"Order {order.number} has no hold {hold_id}.")
    if not hold.is_open:
        raise OrderConflict(OrderErrorCode.NO_OPEN_HOLD, f"Hold {hold_id} was already released.")
    details = {}
    if hold.kind == Hold.Kind.PAYMENT:
        details = _payment_release(order, hold, actor, override)
    elif hold.kind == Hold.Kind.EXCEPTION:
        details = _exception_release(order, hold, actor, override)
    recorded = f"Override: {reason}" if details.get("override") else reason
    release_holds(order, [hold], actor, recorded, payload=details)
    return order
