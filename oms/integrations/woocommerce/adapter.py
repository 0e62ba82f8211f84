"""WooCommerce REST v3 orders as the normalized order.

Quirks handled (tests/integrations/test_woocommerce_adapter.py): totals are strings but a line's
`price` is a float (never read: `subtotal` and `total` are the whole line before and after its
discount); line and shipping totals exclude tax even when the shop enters prices with tax, so
tax is always added; `date_*` are naive site-local times, `date_*_gmt` naive UTC (read those);
names and notes carry HTML entities; `sku` "" falls back to the variation / product id; tax
entries name their rate by id (the order's `tax_lines` give the label); refunds arrive as
`order.updated` with `refunds[]` whose totals are negative; `completed` on arrival means the
shop shipped it itself.
"""

from hashlib import sha256
from urllib.parse import parse_qs

from oms.core.adapters import register_adapter

from ..common.base import BaseAdapter, header
from ..common.parse import (
    ZERO,
    address,
    decimal,
    full_name,
    identifier,
    money,
    positive,
    rate_fraction,
    text,
    text_of,
    timestamp,
    total,
)
from ..common.signatures import matches_any
from .inventory import WooCommerceInventoryFeed
from .pushes import WooCommercePushes

CANCELLED = {"cancelled", "failed", "trash"}
SHIPPED = {"completed"}
UNPAID = {"pending", "on-hold", "failed", "checkout-draft"}


def _gmt(order: dict, name: str) -> str | None:
    return timestamp(order.get(f"{name}_gmt"), naive_is_utc=True)


def _taxes(raw: list, labels: dict) -> list[dict]:
    taxes = []
    for tax in raw or []:
        amount = decimal(tax.get("total"), default=ZERO)
        label, rate = labels.get(str(tax.get("id")), ("", None))
        taxes.append({"title": label, "rate": rate, "amount": text_of(amount)})
    return taxes


def _meta(raw: list) -> list[dict]:
    """Visible line options (`pa_finish: matte-white`); keys starting with "_" are internal."""
    return [
        {
            "name": text(meta.get("display_key") or meta.get("key"), limit=200) or "-",
            "value": text(
                meta.get("display_value") if meta.get("display_value") is not None else meta.get("value"),
                limit=2000,
            ),
        }
        for meta in raw or []
        if not str(meta.get("key", "")).startswith("_") and isinstance(meta.get("value"), str | int)
    ]


def woo_address(raw: dict | None) -> dict | None:
    if not raw:
        return None
    return (
        address(
            name=full_name(raw.get("first_name"), raw.get("last_name")),
            company=raw.get("company"),
            line1=raw.get("address_1"),
            line2=raw.get("address_2"),
            city=raw.get("city"),
            region=raw.get("state"),
            postal_code=raw.get("postcode"),
            country_code=raw.get("country"),
            phone=raw.get("phone"),
        )
        or None
    )


def payment_status(order: dict) -> str:
    status = order.get("status") or ""
    if status == "refunded":
        return "refunded"
    if order.get("refunds"):
        return "partially_refunded"
    if order.get("date_paid_gmt") or order.get("date_paid"):
        return "paid"
    if status in CANCELLED:
        return "voided"
    return "pending"


class WooNormalizer:
    def __init__(self, config) -> None:
        self.config = config

    def order(self, order: dict) -> dict:
        labels = {
            str(tax.get("rate_id")): (
                text(tax.get("label") or tax.get("rate_code"), limit=100),
                rate_fraction(tax.get("rate_percent"), percent=True),
            )
            for tax in order.get("tax_lines") or []
        }
        status = order.get("status") or ""
        shipped = status in SHIPPED
        lines = [self.line(item, labels, shipped) for item in order.get("line_items") or []]
        billing = order.get("billing") or {}
        data = {
            "external_id": identifier(order.get("id")),
            "placed_at": _gmt(order, "date_created"),
            "updated_at": _gmt(order, "date_modified"),
            "currency": order.get("currency"),
            "channel_status": status,
            "customer": {
                "email": text(billing.get("email")),
                "name": full_name(billing.get("first_name"), billing.get("last_name")),
                "phone": text(billing.get("phone"), limit=40),
            },
            "customer_note": text(order.get("customer_note"), limit=5000),
            # Line, shipping and fee totals exclude tax whatever `prices_include_tax` says.
            "taxes_included": False,
            "fulfilled_by_channel": shipped,
            "lines": lines,
            "shipping_lines": [
                self.shipping_line(item, labels) for item in order.get("shipping_lines") or []
            ],
            "fees": [self.fee(item, labels) for item in order.get("fee_lines") or []],
            "discount_codes": [
                {
                    "code": text(coupon.get("code"), limit=100),
                    "amount": money(coupon.get("discount"), default="0.00"),
                }
                for coupon in order.get("coupon_lines") or []
            ],
            "attributes": [{"name": "order_number", "value": text(order.get("number"))}]
            if order.get("number") and str(order.get("number")) != str(order.get("id"))
            else [],
            "totals": {
                "subtotal": text_of(total(item.get("subtotal") for item in order.get("line_items") or [])),
                "discount": money(order.get("discount_total"), default="0.00"),
                "tax": money(order.get("total_tax"), default="0.00"),
                "shipping": money(order.get("shipping_total"), default="0.00"),
                "fees": text_of(total(item.get("total") for item in order.get("fee_lines") or [])),
                "total": money(order.get("total"), default="0.00"),
            },
            "payment_status": payment_status(order),
            "refunds": [self.refund(refund, order) for refund in order.get("refunds") or []],
        }
        for kind, key in (("shipping_address", "shipping"), ("billing_address", "billing")):
            found = woo_address(order.get(key))
            if found:
                data[kind] = found
        if any(line.get("method_id") == "local_pickup" for line in order.get("shipping_lines") or []):
            pickup = self.config.location_map.get("local_pickup")
            if pickup:
                data["delivery"] = {"method": "pickup", "pickup_location": pickup}
        if status in CANCELLED:
            data["cancelled_at"] = _gmt(order, "date_modified") or data["placed_at"]
            data["cancel_reason"] = status
        return data

    def line(self, item: dict, labels: dict, shipped: bool) -> dict:
        subtotal = decimal(item.get("subtotal"), default=ZERO)
        after = decimal(item.get("total"), default=ZERO)
        quantity = int(item.get("quantity") or 0)
        line = {
            "channel_line_id": identifier(item.get("id")),
            "sku": self.config.sku(item.get("sku"), item.get("variation_id"), item.get("product_id"))[:64],
            "channel_product_id": identifier(item.get("product_id") or ""),
            "channel_variant_id": identifier(item.get("variation_id") or ""),
            "name": text(item.get("name"), limit=200),
            "quantity": quantity,
            "subtotal": text_of(subtotal),
            "discount": text_of(max(subtotal - after, ZERO)),
            "tax": money(item.get("total_tax"), default="0.00"),
            "tax_lines": _taxes(item.get("taxes"), labels),
            "properties": _meta(item.get("meta_data")),
        }
        if shipped:
            line["quantity_shipped"] = quantity
        return line

    def shipping_line(self, item: dict, labels: dict) -> dict:
        return {
            "channel_line_id": identifier(item.get("id")),
            "code": text(item.get("method_id"), limit=100),
            "title": text(item.get("method_title"), limit=200),
            "price": money(item.get("total"), default="0.00"),
            "tax": money(item.get("total_tax"), default="0.00"),
            "tax_lines": _taxes(item.get("taxes"), labels),
        }

    def fee(self, item: dict, labels: dict) -> dict:
        return {
            "channel_line_id": identifier(item.get("id")),
            "title": text(item.get("name"), limit=200),
            "kind": "other",
            "amount": money(item.get("total"), default="0.00"),
            "tax": money(item.get("total_tax"), default="0.00"),
            "tax_lines": _taxes(item.get("taxes"), labels),
        }

    def refund(self, refund: dict, order: dict) -> dict:
        # The order lists refunds as {id, reason, total} with a negative total (the published
        # example names the reason "refund").
        return {
            "channel_refund_id": identifier(refund.get("id")),
            "amount": positive(decimal(refund.get("total"), default=ZERO)),
            "note": text(refund.get("reason") or refund.get("refund"), limit=2000),
        }


@register_adapter("woocommerce")
class WooCommerceAdapter(WooCommerceInventoryFeed, WooCommercePushes, BaseAdapter):
    webhooks = True

    def normalize(self, document: dict, *, topic: str, headers: dict) -> dict | None:
        topic = topic or header(headers, "X-WC-Webhook-Topic")
        if (topic and not topic.startswith("order.")) or topic in ("order.deleted",):
            return None
        if "line_items" not in document:
            raise ValueError("Not a WooCommerce order: no line_items.")
        return WooNormalizer(self.config).order(document)

    def verify_webhook(self, body: bytes, headers: dict, secrets: list[str], now: float) -> bool:
        # WooCommerce signs with the secret as saved, HTML entities decoded (wp_specialchars_decode).
        return matches_any(header(headers, "X-WC-Webhook-Signature"), body, [text(s) for s in secrets])

    def webhook_topic(self, headers: dict) -> str:
        return header(headers, "X-WC-Webhook-Topic")

    def webhook_delivery_id(self, headers: dict, body: bytes) -> str:
        # The delivery id is wp_hash(webhook id + the second it was sent): two orders in one
        # second share it. With the body's digest it names one delivery.
        delivery = header(headers, "X-WC-Webhook-Delivery-ID")
        return f"{delivery}:{sha256(body).hexdigest()[:16]}" if delivery else ""

    def webhook_ping(self, body: bytes, headers: dict) -> bool:
        """Saving a webhook in WooCommerce posts `webhook_id=<id>` unsigned; it wants a 200."""
        if header(headers, "X-WC-Webhook-Signature") or header(headers, "X-WC-Webhook-Topic"):
            return False
        try:
            form = parse_qs(body.decode("ascii"), strict_parsing=True)
        except (UnicodeDecodeError, ValueError):
            return False
        return list(form) == ["webhook_id"] and form["webhook_id"][0].isdigit()
