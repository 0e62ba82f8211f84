"""Amazon SP-API Orders v0 documents as the normalized order.

The document (import body, and what a pull stores) is `{"order": <getOrder response>,
"orderItems": <getOrderItems response, or a list of its NextToken pages>, "buyerInfo":
<getOrderBuyerInfo response>}`, each the whole body with its `payload` envelope.

Quirks handled (tests/integrations/test_amazon_adapter.py): `Amount` is a string; `ItemPrice`
is the line total (50.00 for 3: no rounded unit price is derived); shipping, shipping discounts
and their taxes exist only per item (summed into one shipping line); promotion tax is taken off
the item tax; ids are strings with leading zeros; `IsGift` and `IsBuyerRequestedCancel` are
"true"/"false" strings; times with or without milliseconds; an item's money in another currency
(gift wrap in GBP in a JPY order) is stated as such and holds the order; `AFN` is fulfilled by
Amazon; a cancelled order's items have quantity 0 (kept as one cancelled unit: the order is
cancelled as a whole). Refunds are not in the Orders API: an optional `"financialEvents":
<listFinancialEventsByOrderId response>` gives them (RefundEventList, signed JSON numbers, items
named by SellerSKU only).
"""

from decimal import Decimal

from oms.core.adapters import register_adapter

from ..common.base import BaseAdapter
from ..common.parse import ZERO, address, decimal, flag, identifier, text, text_of, timestamp
from .pushes import AmazonPushes

PENDING = {"Pending", "PendingAvailability"}
CANCELLED = {"Canceled", "Unfulfillable"}
#: A cancelled order states no money at all: its marketplace's currency.
MARKETPLACE_CURRENCY = {
    "ATVPDKIKX0DER": "USD",
    "A2EUQ1WTGCTBG2": "CAD",
    "A1AM78C64UM0Y8": "MXN",
    "A2Q3Y263D00KWC": "BRL",
    "A1F83G8C2ARO7P": "GBP",
    "A1PA6795UKMFR9": "EUR",
    "A13V1IB3VIYZZH": "EUR",
    "APJ6JRA9NG5V4": "EUR",
    "A1RKKUPIHCS9HS": "EUR",
    "A1805IZSGTT6HS": "EUR",
    "A1C3SOZRARQ6R3": "PLN",
    "A2NODRKZP88ZB9": "SEK",
    "A1VC38T7YXB528": "JPY",
    "A39IBJ37TRP1C6": "AUD",
    "A19VAU5U5O7RUS": "SGD",
    "A21TJRUUN4KGV": "INR",
}


def _amount(money: dict | None) -> Decimal:
    return decimal((money or {}).get("Amount"), default=ZERO)


def _currency(money: dict | None) -> str | None:
    return (money or {}).get("CurrencyCode") or None


def _payload(response) -> dict:
    if isinstance(response, dict):
        return response.get("payload") if isinstance(response.get("payload"), dict) else response
    return {}


def order_items(response) -> list[dict]:
    """Items from a getOrderItems response or a list of its pages."""
    pages = response if isinstance(response, list) else [response]
    items = []
    for page in pages:
        items += _payload(page).get("OrderItems") or []
    return items


class AmazonNormalizer:
    def __init__(self, config) -> None:
        self.config = config

    def order(self, order: dict, items: list[dict], buyer: dict, events: dict | None = None) -> dict:
        status = order.get("OrderStatus") or ""
        currency = _currency(order.get("OrderTotal")) or next(
            (_currency(item.get("ItemPrice")) for item in items if _currency(item.get("ItemPrice"))),
            MARKETPLACE_CURRENCY.get(order.get("MarketplaceId") or ""),
        )
        by_amazon = order.get("FulfillmentChannel") == "AFN"
        lines = [self.line(item, status, by_amazon) for item in items]
        buyer_info = {**(order.get("BuyerInfo") or {}), **buyer}
        data = {
            "external_id": identifier(order.get("AmazonOrderId")),
            "placed_at": timestamp(order.get("PurchaseDate")),
            "updated_at": timestamp(order.get("LastUpdateDate")),
            "currency": currency,
            "channel_status": status,
            "customer": {
                "email": text(buyer_info.get("BuyerEmail")),
                "name": text(buyer_info.get("BuyerName"), limit=200),
            },
            "fulfilled_by_channel": by_amazon,
            "lines": lines,
            "shipping_lines": self.shipping(items, currency),
            "fees": self.fees(items),
            "attributes": self.attributes(order, items),
            "totals": self.totals(order, items),
            "payment_status": "pending" if status in PENDING else "voided" if status in CANCELLED else "paid",
            "refunds": self.refunds(events or {}, items),
        }
        ship_to = order.get("ShippingAddress")
        if ship_to:
            data["shipping_address"] = address(
                name=ship_to.get("Name"),
                company=ship_to.get("CompanyName"),
                line1=ship_to.get("AddressLine1"),
                line2=" ".join(filter(None, [ship_to.get("AddressLine2"), ship_to.get("AddressLine3")])),
                city=ship_to.get("City"),
                region=ship_to.get("StateOrRegion"),
                postal_code=ship_to.get("PostalCode"),
                country_code=ship_to.get("CountryCode"),
                phone=ship_to.get("Phone"),
            )
        if order.get("LatestShipDate"):
            data["ship_by"] = timestamp(order["LatestShipDate"])
        if status in CANCELLED:
            data["cancelled_at"] = data["updated_at"] or data["placed_at"]
            data["cancel_reason"] = status
        return data

    def line(self, item: dict, status: str, by_amazon: bool) -> dict:
        ordered = int(item.get("QuantityOrdered") or 0)
        shipped = int(item.get("QuantityShipped") or 0)
        tax = max(_amount(item.get("ItemTax")) - _amount(item.get("PromotionDiscountTax")), ZERO)
        responsible = (item.get("TaxCollection") or {}).get("ResponsibleParty")
        line = {
            "channel_line_id": identifier(item.get("OrderItemId")),
            "sku": self.config.sku(item.get("SellerSKU"), item.get("ASIN"))[:64],
            "channel_product_id": identifier(item.get("ASIN")),
            "name": text(item.get("Title"), limit=200),
            "quantity": max(ordered, shipped, 1),
            "subtotal": text_of(_amount(item.get("ItemPrice"))),
            "discount": text_of(_amount(item.get("PromotionDiscount"))),
            "tax": text_of(tax),
            "tax_lines": [
                {
                    "title": f"Tax collected by {text(responsible, limit=80)}" if responsible else "Item tax",
                    "amount": text_of(tax),
                }
            ]
            if tax
            else [],
            "properties": [{"name": "gift", "value": "yes"}] if flag(item.get("IsGift")) else [],
        }
        if _currency(item.get("ItemPrice")):
            line["currency"] = _currency(item.get("ItemPrice"))
        if ordered == 0 and status in CANCELLED:
            line["quantity_cancelled"] = line["quantity"]
        elif by_amazon:
            line["quantity_shipped"] = min(shipped, line["quantity"])
        return line

    def shipping(self, items: list[dict], currency: str | None) -> list[dict]:
        if not any("ShippingPrice" in item for item in items):
            return []
        price = sum((_amount(item.get("ShippingPrice")) for item in items), ZERO)
        discount = sum((_amount(item.get("ShippingDiscount")) for item in items), ZERO)
        tax = sum(
            (
                max(_amount(item.get("ShippingTax")) - _amount(item.get("ShippingDiscountTax")), ZERO)
                for item in items
            ),
            ZERO,
        )
        currencies = {_currency(item.get("ShippingPrice")) for item in items if item.get("ShippingPrice")}
        line = {
            "code": "amazon",
            "title": text(items[0].get("ShipServiceLevel")) or "Shipping",
            "price": text_of(price),
            "discount": text_of(min(discount, price)),
            "tax": text_of(tax),
        }
        if len(currencies) == 1:
            line["currency"] = currencies.pop()
        return [line]

    def fees(self, items: list[dict]) -> list[dict]:
        fees = []
        for item in items:
            wrap = (item.get("BuyerInfo") or {}).get("GiftWrapPrice")
            if wrap:
                fee = {
                    "kind": "gift_wrap",
                    "title": "Gift wrap",
                    "amount": text_of(_amount(wrap)),
                    "tax": text_of(_amount((item.get("BuyerInfo") or {}).get("GiftWrapTax"))),
                    "channel_line_id": f"{identifier(item.get('OrderItemId'))}:gift_wrap",
                }
                if _currency(wrap):
                    fee["currency"] = _currency(wrap)
                fees.append(fee)
            if item.get("CODFee"):
                cod = _amount(item.get("CODFee")) - _amount(item.get("CODFeeDiscount"))
                fees.append(
                    {
                        "kind": "cod",
                        "title": "Cash on delivery",
                        "amount": text_of(cod),
                        "tax": "0.00",
                        "channel_line_id": f"{identifier(item.get('OrderItemId'))}:cod",
                    }
                )
        return fees

    def attributes(self, order: dict, items: list[dict]) -> list[dict]:
        attributes = []
        for key in ("SalesChannel", "FulfillmentChannel", "ShipmentServiceLevelCategory", "OrderType"):
            if order.get(key):
                attributes.append({"name": key, "value": text(order[key], limit=2000)})
        if order.get("IsPrime"):
            attributes.append({"name": "IsPrime", "value": "true"})
        for item in items:
            request = item.get("BuyerRequestedCancel") or {}
            if flag(request.get("IsBuyerRequestedCancel")):
                attributes.append(
                    {
                        "name": f"buyer_requested_cancel:{identifier(item.get('OrderItemId'))}",
                        "value": text(request.get("BuyerCancelReason"), limit=2000) or "requested",
                    }
                )
            message = (item.get("BuyerInfo") or {}).get("GiftMessageText")
            if message:
                attributes.append(
                    {
                        "name": f"gift_message:{identifier(item.get('OrderItemId'))}",
                        "value": text(message, limit=2000),
                    }
                )
        return attributes

    def refunds(self, events: dict, items: list[dict]) -> list[dict]:
        """Finances API refund events: what went back to the buyer is the negated sum of the
        item charges, except the marketplace-facilitator tax lines (Amazon's own withholding,
        which offset the tax and are not the buyer's money)."""
        by_sku = {item.get("SellerSKU"): identifier(item.get("OrderItemId")) for item in items}
        refunds = []
        for event in events.get("RefundEventList") or []:
            adjustments = event.get("ShipmentItemAdjustmentList") or []
            lines, amount = [], ZERO
            for adjustment in adjustments:
                charged = sum(
                    (
                        decimal((charge.get("ChargeAmount") or {}).get("CurrencyAmount"), default=ZERO)
                        for charge in adjustment.get("ItemChargeAdjustmentList") or []
                        if not str(charge.get("ChargeType", "")).startswith("MarketplaceFacilitator")
                    ),
                    ZERO,
                )
                amount -= charged
                line_id = by_sku.get(adjustment.get("SellerSKU"))
                if line_id:
                    lines.append(
                        {
                            "channel_line_id": line_id,
                            "quantity": int(adjustment.get("QuantityShipped") or 0),
                            "amount": text_of(max(-charged, ZERO)),
                        }
                    )
            ids = sorted(identifier(a.get("OrderAdjustmentItemId")) for a in adjustments)
            refunds.append(
                {
                    "channel_refund_id": f"finances:{event.get('PostedDate')}:{'+'.join(ids)}"[:100],
                    "refunded_at": timestamp(event.get("PostedDate")),
                    "amount": text_of(max(amount, ZERO)),
                    "lines": lines,
                }
            )
        return refunds

    def totals(self, order: dict, items: list[dict]) -> dict:
        subtotal = sum((_amount(item.get("ItemPrice")) for item in items), ZERO)
        totals = {"subtotal": text_of(subtotal)}
        if order.get("OrderTotal"):
            totals["total"] = text_of(_amount(order["OrderTotal"]))
        else:  # Pending orders may state no total: what the items add up to
            computed = (
                subtotal
                + sum(
                    (
                        _amount(item.get(key))
                        for item in items
                        for key in ("ShippingPrice", "ItemTax", "ShippingTax")
                    ),
                    ZERO,
                )
                - sum(
                    (
                        _amount(item.get(key))
                        for item in items
                        for key in (
                            "PromotionDiscount",
                            "ShippingDiscount",
                            "PromotionDiscountTax",
                            "ShippingDiscountTax",
                        )
                    ),
                    ZERO,
                )
            )
            totals["total"] = text_of(max(computed, ZERO))
        return totals


@register_adapter("amazon")
class AmazonAdapter(AmazonPushes, BaseAdapter):
    """No webhooks: Amazon notifies through SQS / EventBridge; orders come by pull or import."""

    def normalize(self, document: dict, *, topic: str, headers: dict) -> dict | None:
        if "NotificationType" in document or "notificationType" in document:
            return None  # an ORDER_CHANGE notification: the pull fetches the order
        order = _payload(document.get("order"))
        if not order.get("AmazonOrderId"):
            raise ValueError('Send {"order": <getOrder>, "orderItems": <getOrderItems>, "buyerInfo": ...}.')
        items = order_items(document.get("orderItems"))
        if not items:
            raise ValueError("An Amazon order needs its items (getOrderItems).")
        events = _payload(document.get("financialEvents")).get("FinancialEvents")
        return AmazonNormalizer(self.config).order(order, items, _payload(document.get("buyerInfo")), events)
