"""Helpers every fulfillment service shares: refusals, saving, settling a finished FO.
Locks are taken in locks.py, in the one lock order of design section 2."""

from django_fsm import can_proceed

from oms.core.actor import Actor
from orders import services as order_services
from orders.models import Order

from ..errors import FulfillmentConflict, FulfillmentError, FulfillmentErrorCode
from ..models import FulfillmentChange, FulfillmentOrder, FulfillmentOrderLine

State = FulfillmentOrder.State


def require_transition(fo: FulfillmentOrder, method, verb: str) -> None:
    if not can_proceed(method):
        raise FulfillmentConflict(
            FulfillmentErrorCode.INVALID_TRANSITION,
            f"Fulfillment order {fo.number} is {fo.get_state_display().lower()}; cannot {verb}.",
            details={"state": fo.state},
        )


def require_kind(fo: FulfillmentOrder, kinds: tuple[str, ...], verb: str) -> None:
    if fo.kind not in kinds:
        raise FulfillmentConflict(
            FulfillmentErrorCode.WRONG_KIND,
            f"Fulfillment order {fo.number} is a {fo.get_kind_display().lower()} order; cannot {verb}.",
            details={"kind": fo.kind},
        )


def require_workable(order: Order, verb: str) -> None:
    """No warehouse step while the order is on hold or cancelled."""
    if order.status == Order.Status.ON_HOLD:
        raise FulfillmentConflict(
            FulfillmentErrorCode.ORDER_ON_HOLD,
            f"Order {order.number} is on hold; release the hold before you {verb}.",
        )
    if order.status == Order.Status.CANCELLED:
        raise FulfillmentConflict(
            FulfillmentErrorCode.ORDER_CLOSED, f"Order {order.number} is cancelled; cannot {verb}."
        )


def require_no_pending_change(fo: FulfillmentOrder, verb: str) -> None:
    """Work customer service changed after it was packed waits for the warehouse to confirm
    the change (unpacked, re-packed) before it leaves."""
    pending = list(
        FulfillmentChange.objects.filter(fulfillment_order=fo, confirmed_at__isnull=True).order_by("pk")
    )
    if pending:
        raise FulfillmentConflict(
            FulfillmentErrorCode.CHANGE_UNCONFIRMED,
            f"{fo.number} changed after it was packed ({pending[-1].message}) Confirm the change "
            f"(re-pack) before you {verb}.",
            details={"changes": [change.message for change in pending]},
        )


def require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise FulfillmentError(FulfillmentErrorCode.REASON_REQUIRED, "A reason is required.")
    return reason


def save_fo(fo: FulfillmentOrder, *fields: str) -> None:
    fo.save(update_fields=["state", "updated_at", *fields])


def save_lines(lines: list[FulfillmentOrderLine]) -> None:
    FulfillmentOrderLine.objects.bulk_update(
        lines, ["quantity", "quantity_picked", "quantity_shipped", "quantity_cancelled"]
    )


def settle(fo: FulfillmentOrder, lines: list[FulfillmentOrderLine], reason: str = "") -> bool:
    """When nothing is left open on an FO: shipped if anything left it, else cancelled."""
    if not fo.is_open or any(line.quantity_open for line in lines):
        return False
    if any(line.quantity_shipped for line in lines) and can_proceed(fo.ship):
        fo.ship()
        save_fo(fo, "shipped_at")
    else:
        fo.cancel()
        fo.cancel_reason = reason[:300]
        save_fo(fo, "cancel_reason")
    return True


def order_record_event(order: Order, kind: str, actor: Actor, message: str, **payload) -> None:
    order_services.order_add_event(order=order, kind=kind, actor=actor, message=message, payload=payload)
