"""Closing: an RMA whose goods are all received and settled (refunded or exchanged)."""

from django.utils import timezone

from oms.core.actor import Actor
from orders.models import Order

from ..models import ReturnAuthorization, ReturnLine
from .common import record


def is_settled(rma: ReturnAuthorization, lines: list[ReturnLine]) -> bool:
    if rma.exchange_order_id is not None:
        return True
    return all(line.quantity_refunded == line.quantity_received for line in lines)


def close_if_settled(order: Order, rma: ReturnAuthorization, lines: list[ReturnLine], actor: Actor) -> bool:
    """Close a received RMA once nothing of it is left to refund; the caller holds the locks."""
    if rma.status != ReturnAuthorization.Status.RECEIVED or not is_settled(rma, lines):
        return False
    rma.close()
    rma.closed_at = timezone.now()
    rma.save(update_fields=["status", "closed_at", "updated_at"])
    how = f"exchanged for order {rma.exchange_order.number}" if rma.exchange_order_id else "refunded"
    record(order, "return_closed", actor, rma, message=f"Return {rma.number} closed: {how}.")
    return True
