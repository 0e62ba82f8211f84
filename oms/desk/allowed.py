"""Which actions the order page offers, from the order's state (every page of the desk is
for customer service and admins already). The services decide: this only hides what they
would refuse anyway, and the page shows their message when they still do."""

from orders.models import OPEN_STATUSES, Hold, Order
from returns.models import OPEN_STATUSES as OPEN_RETURN_STATUSES
from returns.models import Refund, ReturnAuthorization

from .selectors import EDITABLE, OrderPage

Status = Order.Status
PaymentStatus = Order.PaymentStatus
CLOSED = (Status.CANCELLED, Status.SHIPPED, Status.COMPLETED)
PAYMENT_OPEN = (PaymentStatus.PENDING, PaymentStatus.AUTHORIZED)
REFUNDABLE_PAYMENT = (PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED)


def annotate(page: OrderPage) -> dict:
    """Marks lines, fulfillment orders, returns and refunds with what may be done to them;
    returns the order-wide flags."""
    order = page.order
    editable = order.status in EDITABLE
    on_open_returns: dict[int, int] = {}
    for rma in page.returns:
        if rma.status in OPEN_RETURN_STATUSES:
            for line in rma.lines.all():
                on_open_returns[line.order_line_id] = (
                    on_open_returns.get(line.order_line_id, 0) + line.quantity - line.quantity_received
                )
    for line in page.lines:
        present = line.removed_at is None
        line.cancellable = line.quantity_open if present and order.status not in CLOSED else 0
        line.can_change_quantity = present and editable
        line.can_replace_sku = (
            present and editable and not line.quantity_shipped and not line.quantity_cancelled
        )
        line.unknown_sku = line.sku_id is None
        line.can_remove = present and editable and not line.quantity_shipped
        line.returnable = max(
            line.quantity_shipped - line.quantity_returned - on_open_returns.get(line.pk, 0), 0
        )
    for fo in page.fulfillment_orders:
        fo.can_reroute = (
            fo.state in ("pending", "picking") and fo.kind != "pickup" and order.status != (Status.CANCELLED)
        )
    paid = order.payment_status in REFUNDABLE_PAYMENT
    for rma in page.returns:
        rma.can_authorize = rma.status == ReturnAuthorization.Status.REQUESTED
        rma.refundable_lines = [
            line for line in rma.lines.all() if line.quantity_received > line.quantity_refunded
        ]
        rma.can_refund = (
            paid
            and rma.status in (ReturnAuthorization.Status.AUTHORIZED, ReturnAuthorization.Status.RECEIVED)
            and rma.exchange_order_id is None
            and bool(rma.refundable_lines)
        )
        for refund in rma.refunds.all():
            refund.can_resend = refund.status == Refund.Status.FAILED
    for hold in page.holds:
        hold.needs_override = hold.kind == Hold.Kind.PAYMENT and order.payment_status in PAYMENT_OPEN
    present_lines = [line for line in page.lines if line.removed_at is None]
    return {
        "hold": order.status in OPEN_STATUSES,
        "edit_address": bool(page.pickup_locations)
        or (editable and not any(line.quantity_shipped for line in page.lines)),
        "edit_lines": editable,
        "cancel": order.status not in CLOSED and any(line.quantity_open for line in present_lines),
        "payment": order.payment_status in PAYMENT_OPEN,
        "start_return": any(line.returnable for line in page.lines),
        "note": True,
    }
