"""Shopify orders as the normalized order.

Webhooks (`orders/create`, `orders/updated`, `orders/cancelled`) and the import carry the REST
order JSON (bare, or `{"order": ...}` as REST GET answers); pulls carry GraphQL `Order` nodes,
mapped by `graphql.py` to the same shape first. Shop money throughout (`currency`, the top-level
strings); the buyer's presentment currency is not the order's.

Quirks handled (tests/integrations/test_shopify_adapter.py): line `price` is the unit price
before discounts and `total_discount` stays "0.00" for code discounts, so a line's discount is
the sum of its `discount_allocations`; order-level `tax_lines` repeat the line and shipping
taxes (used only when no line has any); `sku` "" or null falls back to the variant id; 64-bit
ids kept as text; refunds from the order's `refunds[]` (money = successful refund transactions).
A `refunds/create` delivery (the refund alone) is not an order: it leads to fetching the order
(with its refunds) when the connection has API access, and Shopify's `orders/updated` carries
the refund in `refunds[]` as well.
"""

from oms.core.adapters import register_adapter

from ..common.base import BaseAdapter, header
from ..common.parse import (
    ZERO,
    address,
    decimal,
    flag,
    full_name,
    identifier,
    money,
    rate_fraction,
    text,
    text_of,
    timestamp,
    total,
)
from ..common.signatures import matches_any
from .inventory import ShopifyInventoryFeed
from .pushes import ShopifyPushes

FINANCIAL_STATUS = {
    "pending": "pending",
    "authorized": "authorized",
    "partially_paid": "authorized",
    "paid": "paid",
    "partially_refunded": "partially_refunded",
    "refunded": "refunded",
    "voided": "voided",
    "expired": "voided",
}
ORDER_TOPICS = {
    "orders/create",
    "orders/updated",
    "orders/cancelled",
    "orders/paid",
    "orders/edited",
    "orders/fulfilled",
    "orders/partially_fulfilled",
    "",
}


def _tax_lines(raw: list) -> list[dict]:
    return [
        {
            "title": text(tax.get("title"), limit=100),
            "rate": rate_fraction(tax.get("rate")),
            "amount": money(tax.get("price"), default="0.00"),
        }
        for tax in raw or []
    ]


def _allocated(raw: list) -> str:
    return text_of(total(allocation.get("amount") for allocation in raw or []))


def _shop_amount(money_set: dict | None) -> str | None:
    return money(((money_set or {}).get("shop_money") or {}).get("amount"))


def shopify_address(raw: dict | None) -> dict | None:
    if not raw:
        return None
    return address(
        name=raw.get("name") or full_name(raw.get("first_name"), raw.get("last_name")),
        company=raw.get("company"),
        line1=raw.get("address1"),
        line2=raw.get("address2"),
        city=raw.get("city"),
        region=raw.get("province_code") or raw.get("province"),
        postal_code=raw.get("zip"),
        country_code=raw.get("country_code"),
        phone=raw.get("phone"),
    )


class ShopifyNormalizer:
    def __init__(self, config) -> None:
        self.config = config

    def order(self, order: dict) -> dict:
        lines = [self.line(item) for item in order.get("line_items") or []]
        shipping = [
            self.shipping_line(item)
            for item in order.get("shipping_lines") or []
            if not item.get("is_removed")
        ]
        itemised_tax = any(line["tax_lines"] for line in lines) or any(s["tax_lines"] for s in shipping)
        customer = order.get("customer") or {}
        billing = order.get("billing_address") or {}
        data = {
            "external_id": identifier(order.get("id")),
            "placed_at": timestamp(order.get("processed_at") or order.get("created_at")),
            "updated_at": timestamp(order.get("updated_at")),
            "currency": order.get("currency"),
            "channel_status": f"{order.get('financial_status') or 'pending'}/"
            f"{order.get('fulfillment_status') or 'unfulfilled'}",
            "customer": {
                "email": text(order.get("email") or order.get("contact_email") or customer.get("email")),
                "name": full_name(customer.get("first_name"), customer.get("last_name"))
                or text(billing.get("name")),
                "phone": text(order.get("phone") or customer.get("phone"), limit=40),
            },
            "customer_note": text(order.get("note"), limit=5000),
            "taxes_included": flag(order.get("taxes_included")),
            "lines": lines,
            "shipping_lines": shipping,
            "tax_lines": [] if itemised_tax else _tax_lines(order.get("tax_lines")),
            "discount_codes": [
                {
                    "code": text(code.get("code"), limit=100),
                    "type": text(code.get("type"), limit=40),
                    "amount": money(code.get("amount"), default="0.00"),
                }
                for code in order.get("discount_codes") or []
            ],
            "attributes": [
                {
                    "name": text(attr.get("name"), limit=200) or "-",
                    "value": text(attr.get("value"), limit=2000),
                }
                for attr in order.get("note_attributes") or []
            ],
            "totals": self.totals(order),
            "payment_status": FINANCIAL_STATUS.get(order.get("financial_status") or "pending", "pending"),
            "refunds": [self.refund(refund) for refund in order.get("refunds") or []],
            "fulfilled_by_channel": bool(lines) and all(line["fulfilled_by_channel"] for line in lines),
        }
        for kind in ("shipping_address", "billing_address"):
            found = shopify_address(order.get(kind))
            if found:
                data[kind] = found
        if order.get("cancelled_at"):
            data["cancelled_at"] = timestamp(order["cancelled_at"])
            data["cancel_reason"] = text(order.get("cancel_reason"))
        return data

    def line(self, item: dict) -> dict:
        quantity = int(item.get("quantity") or 0)
        service = item.get("fulfillment_service") or "manual"
        # Not ours to ship: another fulfilment service (a 3PL app), or nothing to ship at all
        # (gift wrap, digital goods, gift cards).
        by_channel = service not in self.config.own_fulfillment_services or not flag(
            item.get("requires_shipping", True)
        )
        line = {
            "channel_line_id": identifier(item.get("id")),
            "sku": self.config.sku(item.get("sku"), item.get("variant_id"), item.get("product_id"))[:64],
            "channel_product_id": identifier(item.get("product_id")),
            "channel_variant_id": identifier(item.get("variant_id")),
            "name": text(item.get("name") or item.get("title"), limit=200),
            "quantity": quantity,
            "unit_price": money(item.get("price"), default="0.00"),
            "discount": _allocated(item.get("discount_allocations")),
            "tax_lines": _tax_lines(item.get("tax_lines")),
            "properties": [
                {
                    "name": text(prop.get("name"), limit=200) or "-",
                    "value": text(prop.get("value"), limit=2000),
                }
                for prop in item.get("properties") or []
            ],
            "fulfilled_by_channel": by_channel,
        }
        if by_channel:
            unfulfilled = item.get("fulfillable_quantity")
            shipped = quantity - int(unfulfilled) if unfulfilled is not None else 0
            line["quantity_shipped"] = max(0, min(quantity, shipped))
        return line

    def shipping_line(self, item: dict) -> dict:
        return {
            "channel_line_id": identifier(item.get("id")),
            "code": text(item.get("code"), limit=100),
            "title": text(item.get("title"), limit=200),
            "carrier": text(item.get("carrier_identifier") or item.get("source"), limit=100),
            "price": money(item.get("price"), default="0.00"),
            "discount": _allocated(item.get("discount_allocations")),
            "tax_lines": _tax_lines(item.get("tax_lines")),
        }

    def totals(self, order: dict) -> dict:
        shipping = _shop_amount(order.get("total_shipping_price_set"))
        totals = {
            "subtotal": money(order.get("total_line_items_price")),
            "discount": money(order.get("total_discounts")),
            "tax": money(order.get("total_tax")),
            "shipping": shipping,
            "total": money(order.get("total_price"), default="0.00"),
        }
        return {key: value for key, value in totals.items() if value is not None}

    def refund(self, refund: dict) -> dict:
        successful = [
            transaction
            for transaction in refund.get("transactions") or []
            if transaction.get("kind") == "refund" and transaction.get("status") == "success"
        ]
        lines = refund.get("refund_line_items") or []
        if successful:
            amount = total(transaction.get("amount") for transaction in successful)
        else:  # no transaction listed: what the lines and shipping refunds add up to
            amount = total(line.get("subtotal") for line in lines) + total(
                line.get("total_tax") for line in lines
            )
        shipping = total(
            (line.get("subtotal_amount_set") or {}).get("shop_money", {}).get("amount") or line.get("amount")
            for line in refund.get("refund_shipping_lines") or []
        ) + sum(
            (
                abs(decimal(adjustment.get("amount"), default=ZERO))
                for adjustment in refund.get("order_adjustments") or []
                if adjustment.get("kind") == "shipping_refund"
            ),
            ZERO,
        )
        return {
            "channel_refund_id": identifier(refund.get("id")),
            "refunded_at": timestamp(refund.get("processed_at") or refund.get("created_at")),
            "amount": text_of(amount),
            "shipping": text_of(min(shipping, amount)),
            "note": text(refund.get("note"), limit=2000),
            "lines": [
                {
                    "channel_line_id": identifier(line.get("line_item_id")),
                    "quantity": int(line.get("quantity") or 0),
                    "amount": text_of(
                        decimal(line.get("subtotal"), default=ZERO)
                        + decimal(line.get("total_tax"), default=ZERO)
                    ),
                }
                for line in lines
            ],
        }


@register_adapter("shopify")
class ShopifyAdapter(ShopifyInventoryFeed, ShopifyPushes, BaseAdapter):
    webhooks = True

    def normalize(self, document: dict, *, topic: str, headers: dict) -> dict | None:
        topic = topic or header(headers, "X-Shopify-Topic")
        if topic not in ORDER_TOPICS:
            return None  # refunds/create and the rest: the order's own update carries them
        order = document.get("order") if isinstance(document.get("order"), dict) else document
        if "lineItems" in order or "legacyResourceId" in order:
            from .graphql import rest_shape

            order = rest_shape(order)
        if order.get("line_items") is None:
            raise ValueError("Not a Shopify order: no line_items.")
        return ShopifyNormalizer(self.config).order(order)

    def verify_webhook(self, body: bytes, headers: dict, secrets: list[str], now: float) -> bool:
        signature = header(headers, "X-Shopify-Hmac-Sha256") or header(headers, "Shopify-Hmac-Sha256")
        return matches_any(signature, body, secrets)

    def webhook_topic(self, headers: dict) -> str:
        return header(headers, "X-Shopify-Topic") or header(headers, "Shopify-Topic")

    def webhook_delivery_id(self, headers: dict, body: bytes) -> str:
        # One per delivery, unchanged on Shopify's retries: the duplicate key.
        return header(headers, "X-Shopify-Webhook-Id") or header(headers, "Shopify-Webhook-Id")
