"""The messages webhooks send, documented in the OpenAPI schema's `webhooks` section
(SPECTACULAR_SETTINGS["WEBHOOKS"])."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, OpenApiWebhook, extend_schema
from rest_framework import serializers

from orders.api.serializers import OrderDetailSerializer

from .events import PAYLOAD_VERSION

HEADERS = (
    "Sent as a POST with Standard Webhooks headers (https://www.standardwebhooks.com): `webhook-id` "
    "(the message id: the same on every retry and redelivery, so drop repeats), `webhook-timestamp` "
    "(Unix seconds of this attempt) and `webhook-signature` (`v1,<base64 HMAC-SHA256>` of "
    "`id.timestamp.body` with the endpoint's secret; two signatures, space-separated, while a rotated "
    "secret still overlaps). Verify with any Standard Webhooks library, e.g. "
    "`standardwebhooks.Webhook(secret).verify(body, headers)`. Answer 2xx within 10 seconds; anything "
    "else (redirects too) is retried with exponential backoff for about 3 days, then dead-lettered. "
    "Messages of one order reach an endpoint in the order the events happened; at least once."
)


class OrderEventFactsSerializer(serializers.Serializer):
    order = serializers.CharField(help_text="Order number.")
    channel = serializers.CharField()
    external_id = serializers.CharField()
    status = serializers.CharField(help_text="The order's status when the event happened.")
    payment_status = serializers.CharField()
    event = serializers.CharField(help_text='The timeline event kind: "status_changed", "note", ...')
    from_status = serializers.CharField(allow_blank=True)
    to_status = serializers.CharField(allow_blank=True)
    message = serializers.CharField(allow_blank=True)


class OrderMessageDataSerializer(serializers.Serializer):
    event = OrderEventFactsSerializer(help_text="What happened (the event's own facts may add fields).")
    order = OrderDetailSerializer(
        allow_null=True, help_text="The order as GET /api/v1/orders/{number}/ shows it, when dispatched."
    )


class OrderMessageSerializer(serializers.Serializer):
    type = serializers.CharField(help_text='"order.<event kind>": order.status_changed, order.note, ...')
    timestamp = serializers.DateTimeField(help_text="When the event happened.")
    version = serializers.CharField(help_text=f"Payload version, now {PAYLOAD_VERSION}.")
    data = OrderMessageDataSerializer()


ORDER_EXAMPLE = {
    "type": "order.status_changed",
    "timestamp": "2026-12-01T15:04:05.123456Z",
    "version": PAYLOAD_VERSION,
    "data": {
        "event": {
            "order": "SO-000123",
            "channel": "web",
            "external_id": "1001",
            "status": "shipped",
            "payment_status": "paid",
            "event": "status_changed",
            "from_status": "allocated",
            "to_status": "shipped",
            "message": "Shipped 2 of 2 units.",
        },
        "order": {
            "number": "SO-000123",
            "channel": "web",
            "external_id": "1001",
            "status": "shipped",
            "payment_status": "paid",
            "currency": "EUR",
            "lines": [{"sku": "TSHIRT-M", "quantity": 2, "quantity_shipped": 2}],
            "...": "every field of GET /api/v1/orders/{number}/",
        },
    },
}

order_event = OpenApiWebhook(
    name="order",
    decorator=extend_schema(
        summary="An order changed (topics order.*)",
        description=HEADERS,
        request=OrderMessageSerializer,
        examples=[OpenApiExample("order.status_changed", value=ORDER_EXAMPLE, request_only=True)],
        responses={200: OpenApiResponse(description="Received (any 2xx).")},
    ),
)
