"""What an endpoint receives: which events match its subscription, and the message body.

Every message is one JSON object: `{"type", "timestamp", "version", "data"}` (the Standard
Webhooks payload shape). For order events `data` holds the event (`data.event`: the outbox
payload: kind, statuses, message) and the order as the API shows it (`data.order`: the body of
`GET /api/v1/orders/{number}/`) at the time the event was dispatched, a moment after it happened.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder

from oms.core.models import OutboxEvent

#: Bumped when a payload changes incompatibly; receivers read `version`.
PAYLOAD_VERSION = "2026-12-01"


def topic_matches(patterns: list[str], topic: str) -> bool:
    """`*` matches everything, `order.*` every topic under `order.`, anything else itself."""
    for pattern in patterns:
        if pattern == "*" or pattern == topic:
            return True
        if pattern.endswith(".*") and topic.startswith(pattern[:-1]):
            return True
    return False


def valid_pattern(pattern: str) -> bool:
    if pattern == "*":
        return True
    body = pattern[:-2] if pattern.endswith(".*") else pattern
    return bool(body) and "*" not in body and all(part for part in body.split("."))


def order_representations(numbers: set[str]) -> dict[str, dict]:
    """The API's representation of these orders, by number (the detail endpoint's queries)."""
    if not numbers:
        return {}
    from orders.api.serializers import OrderDetailSerializer
    from orders.selectors import order_detail_queryset

    orders = order_detail_queryset().filter(number__in=numbers)
    return {order.number: OrderDetailSerializer(order).data for order in orders}


def message_data(event: OutboxEvent, orders: dict[str, dict]) -> dict:
    if event.aggregate_type == "order":
        return {"event": event.payload, "order": orders.get(event.aggregate_id)}
    return {"event": event.payload}


def message_body(event: OutboxEvent, orders: dict[str, dict]) -> str:
    return json.dumps(
        {
            "type": event.topic,
            "timestamp": event.created_at.isoformat().replace("+00:00", "Z"),
            "version": PAYLOAD_VERSION,
            "data": message_data(event, orders),
        },
        cls=DjangoJSONEncoder,
        separators=(",", ":"),
    )


def message_id(event: OutboxEvent) -> str:
    return f"msg_{event.pk}"
