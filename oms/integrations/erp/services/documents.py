"""What the ERP receives: one document per outbox event about an order, sorted into four
streams by its topic; an orders-stream document carries the order (header and lines) as it is
when the batch is claimed."""

from oms.core.models import OutboxEvent
from orders.models import Order, OrderLine

STREAMS = ("orders", "shipments", "returns", "refunds")
SHIPMENT_EVENTS = {"shipped", "shipped_by_channel", "delivered"}
BASE_KEYS = {"order", "channel", "external_id", "status", "payment_status", "event"}


def stream_of(topic: str) -> str:
    kind = topic.removeprefix("order.")
    if kind in SHIPMENT_EVENTS:
        return "shipments"
    if kind.startswith("return_"):
        return "returns"
    if kind.startswith("refund_") or kind == "refunded":
        return "refunds"
    return "orders"


def _order_documents(numbers: set[str]) -> dict[str, dict]:
    orders = Order.objects.filter(number__in=numbers).select_related("channel")
    lines: dict[int, list] = {}
    for line in OrderLine.objects.filter(order__number__in=numbers).order_by("order_id", "line_number"):
        lines.setdefault(line.order_id, []).append(
            {
                "line_number": line.line_number,
                "sku": line.sku_code,
                "name": line.name,
                "quantity": line.quantity,
                "unit_price": str(line.unit_price),
                "quantity_shipped": line.quantity_shipped,
                "quantity_cancelled": line.quantity_cancelled,
                "quantity_returned": line.quantity_returned,
            }
        )
    return {
        order.number: {
            "number": order.number,
            "channel": order.channel.code,
            "external_id": order.external_id,
            "placed_at": order.placed_at.isoformat(),
            "currency": order.currency,
            "subtotal": str(order.subtotal),
            "discount_total": str(order.discount_total),
            "tax_total": str(order.tax_total),
            "shipping_price": str(order.shipping_price),
            "total": str(order.total),
            "refunded_total": str(order.refunded_total),
            "status": order.status,
            "payment_status": order.payment_status,
            "ship_country_code": order.ship_country_code,
            "lines": lines.get(order.pk, []),
        }
        for order in orders
    }


def export_documents(event_ids: list[int]) -> list[dict]:
    """The documents of the order events among `event_ids` (others are not the ERP's), in the
    order given. Three queries whatever the batch."""
    events = {
        event.pk: event
        for event in OutboxEvent.objects.filter(
            pk__in=event_ids, aggregate_type="order", topic__startswith="order."
        )
    }
    chosen = [events[pk] for pk in event_ids if pk in events]
    orders = _order_documents({event.aggregate_id for event in chosen if stream_of(event.topic) == "orders"})
    documents = []
    for event in chosen:
        payload = event.payload or {}
        stream = stream_of(event.topic)
        document = {
            "event_id": event.pk,
            "stream": stream,
            "event": event.topic.removeprefix("order."),
            "occurred_at": event.created_at.isoformat(),
            "order": event.aggregate_id,
            "channel": payload.get("channel", ""),
            "external_id": payload.get("external_id", ""),
            "status": payload.get("status", ""),
            "payment_status": payload.get("payment_status", ""),
            "data": {key: value for key, value in payload.items() if key not in BASE_KEYS},
        }
        if stream == "orders" and event.aggregate_id in orders:
            document["document"] = orders[event.aggregate_id]
        documents.append(document)
    return documents
