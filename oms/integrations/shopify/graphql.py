"""Shopify GraphQL Admin API `Order` nodes in the REST order JSON shape, so that one normalizer
reads webhooks and pulls alike and both name lines by the same (legacy, numeric) ids.

Differences handled: GIDs ("gid://shopify/LineItem/15836271972885") -> the numeric id; camelCase
and `*Set { shopMoney }` money; Decimal strings without trailing zeros ("9.0"); upper-case enums
(PAID, CUSTOMER); connections (`lineItems.nodes`); `subtotalPriceSet` is after discounts, so the
lines' total before discounts is computed from the unit prices; a refund states its total
(`totalRefundedSet`), kept as its one successful transaction.
"""

from pathlib import Path

from ..common.parse import ZERO, decimal, text_of

ORDERS_QUERY = (Path(__file__).parent / "orders_query.graphql").read_text()
#: The rest of an order's lines when it has more than the orders query's first 100.
LINE_ITEMS_QUERY = """
query OrderLineItems($id: ID!, $after: String) {
  order(id: $id) {
    lineItems(first: 100, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes {
        id sku name title quantity currentQuantity requiresShipping
        variant { id legacyResourceId }
        customAttributes { key value }
        originalUnitPriceSet { ...Money }
        discountedTotalSet { ...Money }
        discountAllocations { allocatedAmountSet { ...Money } discountApplication { index } }
        taxLines { title rate ratePercentage priceSet { ...Money } }
      }
    }
  }
}

fragment Money on MoneyBag {
  shopMoney { amount currencyCode }
  presentmentMoney { amount currencyCode }
}
"""


def legacy_id(gid) -> str:
    """ "gid://shopify/Order/6183729104917" -> "6183729104917"."""
    return str(gid or "").rsplit("/", 1)[-1]


def _shop(money_set: dict | None):
    return ((money_set or {}).get("shopMoney") or {}).get("amount")


def _rest_set(money_set: dict | None) -> dict:
    return {"shop_money": {"amount": _shop(money_set)}}


def _nodes(connection) -> list:
    if isinstance(connection, list):
        return connection
    connection = connection or {}
    if "nodes" in connection:
        return connection["nodes"] or []
    return [edge.get("node") for edge in connection.get("edges") or []]


def _taxes(raw: list) -> list[dict]:
    return [
        {"title": tax.get("title"), "rate": tax.get("rate"), "price": _shop(tax.get("priceSet"))}
        for tax in raw or []
    ]


def _attributes(raw: list) -> list[dict]:
    return [{"name": attr.get("key"), "value": attr.get("value")} for attr in raw or []]


def _line(node: dict) -> dict:
    variant = node.get("variant") or {}
    return {
        "id": legacy_id(node.get("id")),
        "sku": node.get("sku"),
        "name": node.get("name"),
        "title": node.get("title"),
        "quantity": node.get("quantity"),
        "current_quantity": node.get("currentQuantity"),
        "requires_shipping": node.get("requiresShipping", True),
        "fulfillment_service": "manual",
        "variant_id": variant.get("legacyResourceId") or legacy_id(variant.get("id")) or None,
        "product_id": None,
        "price": _shop(node.get("originalUnitPriceSet")),
        "properties": _attributes(node.get("customAttributes")),
        "discount_allocations": [
            {"amount": _shop(allocation.get("allocatedAmountSet"))}
            for allocation in node.get("discountAllocations") or []
        ],
        "tax_lines": _taxes(node.get("taxLines")),
    }


def _shipping(node: dict) -> dict:
    original = decimal(_shop(node.get("originalPriceSet")), default=ZERO)
    discounted = decimal(_shop(node.get("discountedPriceSet")), default=original)
    return {
        "id": legacy_id(node.get("id")),
        "title": node.get("title"),
        "code": node.get("code"),
        "source": node.get("source"),
        "price": text_of(original),
        "discount_allocations": [{"amount": text_of(original - discounted)}] if discounted < original else [],
        "tax_lines": _taxes(node.get("taxLines")),
    }


def _refund(node: dict) -> dict:
    return {
        "id": legacy_id(node.get("id")),
        "created_at": node.get("createdAt"),
        "note": node.get("note"),
        "transactions": [
            {"kind": "refund", "status": "success", "amount": _shop(node.get("totalRefundedSet"))}
        ],
        "refund_line_items": [
            {
                "line_item_id": legacy_id((item.get("lineItem") or {}).get("id")),
                "quantity": item.get("quantity"),
                "restock_type": (item.get("restockType") or "").lower(),
                "subtotal": _shop(item.get("subtotalSet")),
                "total_tax": _shop(item.get("totalTaxSet")),
            }
            for item in _nodes(node.get("refundLineItems"))
        ],
    }


def _address(raw: dict | None) -> dict | None:
    if not raw:
        return None
    return {
        "first_name": raw.get("firstName"),
        "last_name": raw.get("lastName"),
        "company": raw.get("company"),
        "address1": raw.get("address1"),
        "address2": raw.get("address2"),
        "city": raw.get("city"),
        "province": raw.get("province"),
        "province_code": raw.get("provinceCode"),
        "zip": raw.get("zip"),
        "country_code": raw.get("countryCodeV2") or raw.get("countryCode"),
        "phone": raw.get("phone"),
    }


def rest_shape(node: dict) -> dict:
    lines = [_line(item) for item in _nodes(node.get("lineItems"))]
    before_discounts = sum(
        (decimal(line["price"], default=ZERO) * int(line["quantity"] or 0) for line in lines), ZERO
    )
    return {
        "id": node.get("legacyResourceId") or legacy_id(node.get("id")),
        "name": node.get("name"),
        "created_at": node.get("createdAt"),
        "processed_at": node.get("processedAt"),
        "updated_at": node.get("updatedAt"),
        "cancelled_at": node.get("cancelledAt"),
        "cancel_reason": (node.get("cancelReason") or "").lower() or None,
        "financial_status": (node.get("displayFinancialStatus") or "pending").lower(),
        "fulfillment_status": (node.get("displayFulfillmentStatus") or "").lower() or None,
        "currency": node.get("currencyCode"),
        "taxes_included": node.get("taxesIncluded"),
        "email": node.get("email"),
        "phone": node.get("phone"),
        "note": node.get("note"),
        "note_attributes": _attributes(node.get("customAttributes")),
        "discount_codes": [{"code": code} for code in node.get("discountCodes") or []],
        "total_line_items_price": text_of(before_discounts),
        "total_discounts": _shop(node.get("totalDiscountsSet")),
        "total_shipping_price_set": _rest_set(node.get("totalShippingPriceSet")),
        "total_tax": _shop(node.get("totalTaxSet")),
        "total_price": _shop(node.get("totalPriceSet")),
        "tax_lines": _taxes(node.get("taxLines")),
        "shipping_address": _address(node.get("shippingAddress")),
        "billing_address": _address(node.get("billingAddress")),
        "line_items": lines,
        "shipping_lines": [_shipping(item) for item in _nodes(node.get("shippingLines"))],
        "refunds": [_refund(item) for item in node.get("refunds") or []],
    }
