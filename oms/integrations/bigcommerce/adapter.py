"""BigCommerce V2 orders as the normalized order.

A BigCommerce order is three documents: the import body (and what a pull stores) is
`{"order": <GET /v2/orders/{id}>, "products": <.../products>, "shipping_addresses":
<.../shippingaddresses>}`, optionally with `"taxes": <.../taxes>` and `"refunds": <GET
/v3/orders/{id}/payment_actions/refunds>`. Webhook bodies carry only the order id: they are
stored, and the order is fetched (`oms.integrations.pulls`).

Quirks handled (tests/integrations/test_bigcommerce_adapter.py): V2 money as strings with four
decimals ("10.8000"), V3 refunds as JSON numbers; RFC 2822 times; `status_id` is authoritative
(labels are renameable); product taxes are before the order coupon, so tax is taken at order
level (the taxes rows when sent, else `total_tax`); bundle children point to their parent and are
priced 0; `sku` "" falls back to the variant / product id; form fields carry HTML entities;
shipped statuses on arrival mean the shop shipped it itself; `refunded_amount` is the refunded
sum when no refund list is sent.
"""

from oms.core.adapters import register_adapter

from ..common.base import BaseAdapter, header
from ..common.parse import (
    ZERO,
    address,
    decimal,
    full_name,
    identifier,
    money,
    rate_fraction,
    text,
    text_of,
    timestamp,
    total,
)
from ..common.signatures import standard_webhooks_valid
from .pushes import BigCommercePushes

INCOMPLETE = 0
CANCELLED = {5, 6}  # Cancelled, Declined
SHIPPED = {2, 3, 10}  # Shipped, Partially Shipped, Completed
PAYMENT = {
    "captured": "paid",
    "authorized": "authorized",
    "partially refunded": "partially_refunded",
    "refunded": "refunded",
    "void": "voided",
    "": "pending",
}
STATUS_PAYMENT = {4: "refunded", 14: "partially_refunded", 7: "pending", 1: "pending"}


def _variant(order: dict, name: str, inclusive: bool) -> str:
    return money(order.get(f"{name}_inc_tax" if inclusive else f"{name}_ex_tax"), default="0.00")


def bigcommerce_address(raw: dict | None) -> dict | None:
    if not raw:
        return None
    return (
        address(
            name=full_name(raw.get("first_name"), raw.get("last_name")),
            company=raw.get("company"),
            line1=raw.get("street_1"),
            line2=raw.get("street_2"),
            city=raw.get("city"),
            region=raw.get("state"),
            postal_code=raw.get("zip"),
            country_code=raw.get("country_iso2"),
            phone=raw.get("phone"),
        )
        or None
    )


def _instructions(raw: dict | None) -> str:
    fields = (raw or {}).get("form_fields") or []
    return "; ".join(
        f"{text(field.get('name'))}: {text(field.get('value'))}"
        for field in fields
        if text(field.get("value"))
    )


class BigCommerceNormalizer:
    def __init__(self, config) -> None:
        self.config = config

    def order(
        self, order: dict, products: list, addresses: list, taxes: list | None, refunds: list | None
    ) -> dict:
        status_id = int(order.get("status_id") or 0)
        inclusive = bool(order.get("is_tax_inclusive_pricing"))
        shipped = status_id in SHIPPED
        lines = [self.line(product, inclusive, shipped) for product in products]
        line_discounts = sum((decimal(line["discount"]) for line in lines), ZERO)
        discount = decimal(order.get("discount_amount"), default=ZERO)
        billing = order.get("billing_address") or {}
        ship_to = addresses[0] if addresses else None
        data = {
            "external_id": identifier(order.get("id")),
            "placed_at": timestamp(order.get("date_created")),
            "updated_at": timestamp(order.get("date_modified")),
            "currency": order.get("currency_code") or order.get("default_currency_code"),
            "channel_status": text(order.get("status"), limit=100) or str(status_id),
            "customer": {
                "email": text(billing.get("email") or (ship_to or {}).get("email")),
                "name": full_name(billing.get("first_name"), billing.get("last_name")),
                "phone": text(billing.get("phone"), limit=40),
            },
            "customer_note": text(order.get("customer_message"), limit=5000),
            "taxes_included": inclusive,
            "fulfilled_by_channel": shipped,
            "lines": lines,
            "shipping_lines": [self.shipping_line(raw, inclusive) for raw in addresses],
            "fees": self.fees(order, addresses, inclusive),
            "tax_lines": self.tax_lines(order, taxes),
            "order_discount": text_of(max(discount - line_discounts, ZERO)),
            "totals": {
                "subtotal": _variant(order, "subtotal", inclusive),
                "discount": text_of(discount),
                "tax": money(order.get("total_tax"), default="0.00"),
                "shipping": _variant(order, "shipping_cost", inclusive),
                "total": money(order.get("total_inc_tax"), default="0.00"),
            },
            "payment_status": STATUS_PAYMENT.get(status_id)
            or PAYMENT.get((order.get("payment_status") or "").lower(), "pending"),
            "refunds": [self.refund(raw) for raw in refunds or []],
        }
        refunded = decimal(order.get("refunded_amount"), default=ZERO)
        if refunded > 0:
            data["totals"]["refunded"] = text_of(refunded)
        if ship_to:
            data["shipping_address"] = bigcommerce_address(ship_to) or {}
            instructions = _instructions(ship_to)
            if instructions:
                data["delivery"] = {"method": "ship", "instructions": instructions[:2000]}
        found = bigcommerce_address(billing)
        if found:
            data["billing_address"] = found
        if status_id in CANCELLED:
            data["cancelled_at"] = data["updated_at"] or data["placed_at"]
            data["cancel_reason"] = text(order.get("status"))
        return data

    def line(self, product: dict, inclusive: bool, shipped: bool) -> dict:
        quantity = int(product.get("quantity") or 0)
        suffix = "inc_tax" if inclusive else "ex_tax"
        line = {
            "channel_line_id": identifier(product.get("id")),
            "sku": self.config.sku(product.get("sku"), product.get("variant_id"), product.get("product_id"))[
                :64
            ],
            "channel_product_id": identifier(product.get("product_id")),
            "channel_variant_id": identifier(product.get("variant_id")),
            "name": text(product.get("name"), limit=200),
            "quantity": quantity,
            "subtotal": money(product.get(f"total_{suffix}"), default="0.00"),
            "discount": text_of(
                total(applied.get("amount") for applied in product.get("applied_discounts") or [])
            ),
            "tax": "0.00",  # at order level: product taxes are before the coupon
            "properties": [
                {
                    "name": text(option.get("display_name"), limit=200) or "-",
                    "value": text(option.get("display_value"), limit=2000),
                }
                for option in product.get("product_options") or []
            ],
        }
        if product.get("parent_order_product_id"):
            line["bundle_parent"] = identifier(product["parent_order_product_id"])
        if shipped:
            line["quantity_shipped"] = min(quantity, int(product.get("quantity_shipped") or 0)) or quantity
        return line

    def shipping_line(self, raw: dict, inclusive: bool) -> dict:
        return {
            "channel_line_id": identifier(raw.get("id")),
            "code": text(raw.get("shipping_method"), limit=100),
            "title": text(raw.get("shipping_method"), limit=200),
            "price": money(raw.get("cost_inc_tax" if inclusive else "cost_ex_tax"), default="0.00"),
            "tax": "0.00",
        }

    def fees(self, order: dict, addresses: list, inclusive: bool) -> list[dict]:
        suffix = "inc_tax" if inclusive else "ex_tax"
        fees = []
        for raw in addresses:
            handling = decimal(raw.get(f"handling_cost_{suffix}"), default=ZERO)
            if handling:
                fees.append(
                    {
                        "kind": "handling",
                        "title": "Handling",
                        "amount": text_of(handling),
                        "tax": "0.00",
                        "channel_line_id": f"handling:{identifier(raw.get('id'))}",
                    }
                )
        wrapping = decimal(order.get(f"wrapping_cost_{suffix}"), default=ZERO)
        if wrapping:
            fees.append(
                {"kind": "gift_wrap", "title": "Gift wrapping", "amount": text_of(wrapping), "tax": "0.00"}
            )
        return fees

    def tax_lines(self, order: dict, taxes: list | None) -> list[dict]:
        if taxes:
            return [
                {
                    "title": text(row.get("name"), limit=100),
                    "rate": rate_fraction(row.get("rate"), percent=True),
                    "amount": money(row.get("line_amount"), default="0.00"),
                }
                for row in taxes
            ]
        tax = decimal(order.get("total_tax"), default=ZERO)
        return [{"title": "Tax", "amount": text_of(tax)}] if tax else []

    def refund(self, raw: dict) -> dict:
        return {
            "channel_refund_id": identifier(raw.get("id")),
            "refunded_at": timestamp(raw.get("created")),
            "amount": money(raw.get("total_amount"), default="0.00"),
            "note": text(raw.get("reason"), limit=2000),
            "lines": [
                {
                    "channel_line_id": identifier(item.get("item_id")),
                    "quantity": int(item.get("quantity") or 0),
                    "amount": money(item.get("requested_amount"), default="0.00"),
                }
                for item in raw.get("items") or []
                if item.get("item_type") == "PRODUCT"
            ],
        }


def _list(document, key: str) -> list:
    value = document.get(key)
    if isinstance(value, dict):  # a V3 envelope {"data": [...]}
        value = value.get("data")
    return value if isinstance(value, list) else []


@register_adapter("bigcommerce")
class BigCommerceAdapter(BigCommercePushes, BaseAdapter):
    webhooks = True

    def normalize(self, document: dict, *, topic: str, headers: dict) -> dict | None:
        if "scope" in document and "order" not in document:
            return None  # a webhook notification: the order is fetched and stored separately
        order = document.get("order")
        if not isinstance(order, dict):
            raise ValueError('Send {"order": ..., "products": [...], "shipping_addresses": [...]}.')
        if int(order.get("status_id") or 0) == INCOMPLETE:
            return None  # an abandoned checkout, not an order
        products = _list(document, "products")
        if not products:
            raise ValueError("A BigCommerce order needs its products (GET /v2/orders/{id}/products).")
        taxes = _list(document, "taxes") or None
        refunds = _list(document, "refunds") or None
        return BigCommerceNormalizer(self.config).order(
            order, products, _list(document, "shipping_addresses"), taxes, refunds
        )

    def verify_webhook(self, body: bytes, headers: dict, secrets: list[str], now: float) -> bool:
        return standard_webhooks_valid(
            webhook_id=header(headers, "webhook-id"),
            timestamp=header(headers, "webhook-timestamp"),
            signatures=header(headers, "webhook-signature"),
            body=body,
            secrets=secrets,
            now=now,
        )

    def webhook_topic(self, headers: dict) -> str:
        return ""  # in the body (`scope`)

    def webhook_delivery_id(self, headers: dict, body: bytes) -> str:
        return header(headers, "webhook-id")
