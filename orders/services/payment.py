"""Payment status: pending -> authorized -> paid -> partially_refunded -> refunded; voided.

Authorization or capture releases an open payment hold (pay-later not allowed); a void of
an order still to ship puts it on a payment hold.

Refunds: `order_request_refund` records money asked of the payment provider (pending, in
refund_pending_total); `order_record_refund` records money the provider confirmed it paid
back (refunded_total, and the payment status follows). What may still be refunded is the
total less both.
"""

from decimal import Decimal

from django_fsm import can_proceed

from oms.core.actor import Actor
from oms.core.money import ZERO, quantize
from oms.core.transactions import transactional

from ..errors import OrderConflict, OrderError, OrderErrorCode
from ..models import OPEN_STATUSES, Hold, Order
from ..permissions import ORDER_PAYMENT, ORDER_REFUND
from .holds import open_holds, put_on_hold, release_holds
from .locks import lock_order
from .timeline import timeline_event, timeline_write

PaymentStatus = Order.PaymentStatus

#: Target status -> transition method; the statuses a channel or an agent may report.
PAYMENT_UPDATES = {
    PaymentStatus.AUTHORIZED: "authorize_payment",
    PaymentStatus.PAID: "capture_payment",
    PaymentStatus.VOIDED: "void_payment",
}


def _transition(order: Order, method_name: str, target: str) -> str:
    method = getattr(order, method_name)
    if not can_proceed(method):
        raise OrderConflict(
            OrderErrorCode.INVALID_TRANSITION,
            f"Payment of order {order.number} is {order.payment_status}; it cannot become {target}.",
        )
    previous = order.payment_status
    method()
    return previous


@transactional
def order_update_payment(
    *, order: Order, status: str, actor: Actor, reference: str = "", payload: dict | None = None
) -> Order:
    """Record that the payment was authorized, paid (captured) or voided. Reporting the status
    the order already has changes nothing (channels resend)."""
    order = lock_order(order)
    ORDER_PAYMENT.require(actor, order)
    if status not in PAYMENT_UPDATES:
        raise OrderError(
            OrderErrorCode.INVALID_TRANSITION,
            f"Payment status can be set to {', '.join(PAYMENT_UPDATES)}, not {status!r}.",
        )
    if order.payment_status == status:
        return order
    previous = _transition(order, PAYMENT_UPDATES[status], status)
    order.save(update_fields=["payment_status", "updated_at"])
    timeline_write(
        order,
        [
            timeline_event(
                order,
                "payment_status_changed",
                actor,
                from_status=previous,
                to_status=status,
                message=reference,
                payload={"reference": reference, **(payload or {})},
            )
        ],
    )
    if status in (PaymentStatus.AUTHORIZED, PaymentStatus.PAID):
        holds = open_holds(order, Hold.Kind.PAYMENT)
        if holds:
            release_holds(order, holds, Actor.system("payment"), f"Payment {status}.")
    elif status == PaymentStatus.VOIDED and order.status in OPEN_STATUSES:
        system = Actor.system("payment")
        events = put_on_hold(order, system)
        hold = Hold.objects.create(
            order=order,
            kind=Hold.Kind.PAYMENT,
            reason="Payment voided: collect a new payment or cancel the order.",
            **system.as_fields("opened_by"),
        )
        opened = timeline_event(
            order, "hold_opened", system, message=hold.reason, payload={"hold_id": hold.pk, "kind": hold.kind}
        )
        timeline_write(order, [opened, *events])
    return order


def _refund_amount(order: Order, amount, *, pending: Decimal = ZERO) -> Decimal:
    """`amount` quantized, refused unless positive and within what is left to refund (the total
    less what was refunded and what is pending, leaving out `pending`: the refund's own)."""
    amount = quantize(Decimal(amount), order.currency)
    if amount <= 0:
        raise OrderError(OrderErrorCode.INVALID_AMOUNT, "A refund must be a positive amount.")
    remaining = order.total - order.refunded_total - (order.refund_pending_total - pending)
    if amount > remaining:
        raise OrderConflict(
            OrderErrorCode.REFUND_TOO_HIGH,
            f"Order {order.number}: cannot refund {amount}; {quantize(remaining, order.currency)} "
            "is left to refund.",
        )
    return amount


@transactional
def order_request_refund(
    *, order: Order, amount: Decimal, actor: Actor, payload: dict | None = None
) -> Order:
    """Money is being asked of the payment provider: pending until it confirms (then
    `order_record_refund(..., requested=True)`). The payment status does not change yet."""
    order = lock_order(order)
    ORDER_REFUND.require(actor, order)
    amount = _refund_amount(order, amount)
    if order.payment_status not in (PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED):
        raise OrderConflict(
            OrderErrorCode.INVALID_TRANSITION,
            f"Payment of order {order.number} is {order.payment_status}; only paid orders are refunded.",
        )
    order.refund_pending_total += amount
    order.save(update_fields=["refund_pending_total", "updated_at"])
    timeline_write(
        order,
        [
            timeline_event(
                order,
                "refund_requested",
                actor,
                payload={
                    "amount": str(amount),
                    "refund_pending_total": str(quantize(order.refund_pending_total, order.currency)),
                    **(payload or {}),
                },
            )
        ],
    )
    return order


@transactional
def order_record_refund(
    *, order: Order, amount: Decimal, actor: Actor, payload: dict | None = None, requested: bool = False
) -> Order:
    """Money went back to the customer (the provider confirmed it; a goodwill refund). Once
    refunds reach the order total the payment status is `refunded`, before that
    `partially_refunded`. `requested`: it was pending (order_request_refund) until now."""
    order = lock_order(order)
    ORDER_REFUND.require(actor, order)
    amount = quantize(Decimal(amount), order.currency)
    if requested and amount > order.refund_pending_total:
        raise OrderConflict(
            OrderErrorCode.REFUND_TOO_HIGH,
            f"Order {order.number}: {amount} confirmed but only "
            f"{quantize(order.refund_pending_total, order.currency)} is pending.",
        )
    amount = _refund_amount(order, amount, pending=amount if requested else ZERO)
    refunded = order.refunded_total + amount
    full = refunded >= order.total
    target = PaymentStatus.REFUNDED if full else PaymentStatus.PARTIALLY_REFUNDED
    previous = _transition(order, "refund_fully" if full else "refund_partially", target)
    order.refunded_total = refunded
    if requested:
        order.refund_pending_total -= amount
    order.save(update_fields=["payment_status", "refunded_total", "refund_pending_total", "updated_at"])
    timeline_write(
        order,
        [
            timeline_event(
                order,
                "refunded",
                actor,
                from_status=previous,
                to_status=order.payment_status,
                payload={
                    "amount": str(amount),
                    "refunded_total": str(quantize(refunded, order.currency)),
                    "refund_pending_total": str(quantize(order.refund_pending_total, order.currency)),
                    **(payload or {}),
                },
            )
        ],
    )
    return order
