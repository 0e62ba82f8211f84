"""Helpers for the channel adapter tests: the fixtures beside NOTES.md, channels with their
connection, webhook deliveries posted with their exact bytes."""

import json
from pathlib import Path

from oms.integrations.connections.models import ChannelConnection
from orders.models import Order
from tests.orders.factories import ChannelFactory, SkuFactory

FIXTURES = Path(__file__).parent / "fixtures"
WEBHOOK_SECRETS = {
    "shopify": "oms-test-shopify-webhook-secret",
    "woocommerce": "oms-test-woocommerce-webhook-secret",
    "bigcommerce": "oms-test-bigcommerce-client-secret",
}


def raw(channel: str, name: str) -> str:
    return (FIXTURES / channel / name).read_text()


def doc(channel: str, name: str):
    return json.loads(raw(channel, name))


def bigcommerce_document(
    order="order.json", products="order_products.json", addresses="order_shipping_addresses.json", **extra
) -> dict:
    return {
        "order": doc("bigcommerce", order),
        "products": doc("bigcommerce", products),
        "shipping_addresses": doc("bigcommerce", addresses),
        **{key: doc("bigcommerce", value) for key, value in extra.items()},
    }


def amazon_document(order="getOrder_mfn_unshipped.json", items="getOrderItems_mfn.json") -> dict:
    return {
        "order": doc("amazon", order),
        "orderItems": doc("amazon", items),
        "buyerInfo": doc("amazon", "getOrderBuyerInfo.json"),
    }


def make_channel(code: str, kind: str, *, skus=(), secret: str | None = None, **connection):
    channel = ChannelFactory(code=code, adapter_kind=kind, pay_later_allowed=True)
    ChannelConnection.objects.create(
        channel=channel,
        webhook_secret=WEBHOOK_SECRETS.get(kind, "") if secret is None else secret,
        **connection,
    )
    for sku in skus:
        SkuFactory(code=sku)
    return channel


def post_delivery(
    client, delivery: dict, *, path: str | None = None, headers: dict | None = None, body: str | None = None
):
    """A recorded delivery posted as the channel sends it: the exact body bytes and its headers."""
    sent = {**delivery["headers"], **(headers or {})}
    sent = {key: value for key, value in sent.items() if value is not None}
    content_type = sent.pop("Content-Type", "application/json")
    extra = {f"HTTP_{key.upper().replace('-', '_')}": value for key, value in sent.items()}
    return client.generic(
        "POST",
        path or delivery["path"],
        (delivery["body"] if body is None else body).encode(),
        content_type=content_type,
        **extra,
    )


def open_holds(order: Order) -> list[str]:
    return [f"{hold.kind}: {hold.reason}" for hold in order.holds.filter(released_at__isnull=True)]


def valid(data: dict) -> dict:
    """The normalized order as intake reads it (400 on anything malformed)."""
    from orders.api.intake import OrderIntakeSerializer

    serializer = OrderIntakeSerializer(data=data)
    assert serializer.is_valid(), serializer.errors
    return serializer.validated_data


def computed_total(data: dict):
    """The total as the OMS computes it from the normalized parts (intake's formula)."""
    from decimal import Decimal

    def d(value) -> Decimal:  # serializer defaults stay as declared ("0")
        return Decimal(str(value or 0))

    v = valid(data)
    lines = sum(
        (
            d(line["subtotal"]) if "subtotal" in line else d(line["unit_price"]) * line["quantity"]
            for line in v["lines"]
        ),
        Decimal(0),
    )
    parts = [*v["lines"], *v["shipping_lines"], *v["fees"]]
    discount = sum((d(part.get("discount")) for part in parts), Decimal(0)) + d(v["order_discount"])
    shipping = sum((d(line["price"]) for line in v["shipping_lines"]), Decimal(0))
    fees = sum((d(fee["amount"]) for fee in v["fees"]), Decimal(0))
    tax = sum((d(part["tax"]) for part in parts), Decimal(0)) + sum(
        (d(t["amount"]) for t in v["tax_lines"]), Decimal(0)
    )
    return lines - discount + shipping + fees + (0 if v["taxes_included"] else tax)
