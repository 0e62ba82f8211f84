"""What the OMS tells BigCommerce about an order: shipped, cancelled, refunded.

- Shipped: POST /v2/orders/{id}/shipments, one per shipping address the lines go to (an order
  product names its `order_address_id`; the order's shipping addresses are asked first). The
  shipments already there are read first: one for the same address with the same tracking number,
  or whose comments carry our shipment's marker (a shipment without tracking), was made by an
  earlier attempt whose answer was lost, and is not made again. BigCommerce keeps one tracking
  number per shipment: the others go in its comments; the tracking URL is its `tracking_link`.
- Cancelled: PUT /v2/orders/{id} {"status_id": 5} (an order already cancelled is left alone).
  BigCommerce cancels whole orders only: a cancellation of some lines is refused (permanent), to
  be done in its admin. Whether stock goes back is the store's own setting, not the request's.
- Refunded: POST /v3/orders/{id}/payment_actions/refund_quotes, then .../refunds with the
  quote's first refund method. Items by quantity (PRODUCT) and the shipping amount (SHIPPING, per
  address) when the quote comes to our amount; else our amount against the whole order (ORDER).
  Each refunded item's `reason` (the refund's reason in BigCommerce) carries the refund id, and
  the refunds already on the order are read first: one with our id is the earlier attempt's,
  returned instead of refunding twice.
"""

from collections import defaultdict
from decimal import Decimal

from oms.core.adapters import AdapterError

from ..common.http import ChannelClient, ChannelRefused
from .pull import client_for

CANCELLED = 5
#: `shipping_provider` values BigCommerce accepts (anything else goes as "" + tracking_carrier).
PROVIDERS = {"auspost", "canadapost", "endicia", "usps", "fedex", "royalmail", "ups", "upsready", "shipperhq"}
CARRIERS = {
    "ups": "ups",
    "usps": "usps",
    "fedex": "fedex",
    "dhl": "dhl",
    "dhl express": "dhl",
    "royal mail": "royal-mail",
    "royalmail": "royal-mail",
    "canada post": "canada-post",
    "canadapost": "canada-post",
    "australia post": "australia-post",
    "auspost": "australia-post",
    "dpd": "dpd",
    "gls": "gls",
}
CENT = Decimal("0.01")


def refund_marker(refund_id) -> str:
    return f"[OMS refund {refund_id}]"


def shipment_marker(shipment) -> str:
    return f"[OMS shipment {shipment}]"


def _data(answer):
    return answer.get("data") if isinstance(answer, dict) and "data" in answer else answer


class BigCommercePushes:
    """Mixin of BigCommerceAdapter: push_fulfillment, push_cancellation, request_refund."""

    #: ChannelClient options for pushes: one quick retry inline, the push framework retries later.
    push_client_options: dict = {"attempts": 2}

    def _push_client(self) -> ChannelClient:
        from oms.integrations.connections.selectors import connection_of

        connection = connection_of(self.channel)
        if connection is None or not connection.api_base_url:
            raise ChannelRefused(f"Channel {getattr(self.channel, 'code', '?')} has no BigCommerce API URL.")
        return client_for(connection, **self.push_client_options)

    # --- shipped -----------------------------------------------------------------------------
    def push_fulfillment(self, payload: dict) -> str:
        order_id = payload["external_id"]
        lines = payload.get("lines") or []
        missing = [str(line.get("sku")) for line in lines if not line.get("channel_line_id")]
        if missing or not lines:
            raise ChannelRefused(
                f"Order {payload.get('order')}: lines without a BigCommerce order product id: "
                f"{', '.join(missing) or 'none sent'}."
            )
        tracking = [number for number in payload.get("tracking_numbers") or [] if number]
        with self._push_client() as client:
            existing = client.json("GET", f"/v2/orders/{order_id}/shipments") or []
            marker = shipment_marker(payload.get("shipment") or payload["push_id"])

            def ours(shipment: dict) -> bool:
                if tracking and shipment.get("tracking_number") == tracking[0]:
                    return True
                return marker in str(shipment.get("comments") or "")

            done = {int(s.get("order_address_id") or 0): str(s.get("id")) for s in existing if ours(s)}
            references = []
            for address_id, items in self._by_address(client, order_id, lines).items():
                if address_id in done:  # made by an earlier attempt whose answer was lost
                    references.append(done[address_id])
                    continue
                body = {
                    "order_address_id": address_id,
                    "tracking_number": tracking[0] if tracking else "",
                    "shipping_method": payload.get("service") or "",
                    **self._carrier(payload.get("carrier") or ""),
                    "items": items,
                }
                if payload.get("tracking_url"):
                    body["tracking_link"] = payload["tracking_url"][:500]
                comments = [marker]
                if len(tracking) > 1:
                    comments.append(f"Also tracking: {', '.join(tracking[1:])}.")
                body["comments"] = " ".join(comments)
                shipment = client.json("POST", f"/v2/orders/{order_id}/shipments", json=body) or {}
                references.append(str(shipment.get("id")))
        return "+".join(references)

    def _by_address(self, client, order_id: str, lines: list[dict]) -> dict[int, list[dict]]:
        addresses = client.json("GET", f"/v2/orders/{order_id}/shipping_addresses") or []
        if not addresses:
            raise ChannelRefused(f"BigCommerce order {order_id} has no shipping address to ship to.")
        where = {}
        if len(addresses) > 1:
            products = client.json("GET", f"/v2/orders/{order_id}/products", params={"limit": 250}) or []
            where = {str(p.get("id")): p.get("order_address_id") for p in products}
        grouped = defaultdict(list)
        for line in lines:
            address_id = where.get(str(line["channel_line_id"])) or addresses[0]["id"]
            grouped[int(address_id)].append(
                {"order_product_id": int(line["channel_line_id"]), "quantity": int(line["quantity"])}
            )
        return dict(grouped)

    def _carrier(self, carrier: str) -> dict:
        key = carrier.strip().lower()
        slug = CARRIERS.get(key, key.replace(" ", "-"))
        return {"shipping_provider": slug if slug in PROVIDERS else "", "tracking_carrier": slug}

    # --- cancelled ---------------------------------------------------------------------------
    def push_cancellation(self, payload: dict) -> str:
        order_id = payload["external_id"]
        if payload.get("lines"):
            raise ChannelRefused(
                f"BigCommerce cancels whole orders only: cancel the lines of order {payload.get('order')} "
                "in the BigCommerce admin (edit the order)."
            )
        with self._push_client() as client:
            order = client.json("GET", f"/v2/orders/{order_id}") or {}
            if int(order.get("status_id") or 0) == CANCELLED:
                return f"{order_id}:cancelled"
            client.json("PUT", f"/v2/orders/{order_id}", json={"status_id": CANCELLED})
        return f"{order_id}:cancelled"

    # --- refunded ----------------------------------------------------------------------------
    def request_refund(self, refund_payload: dict) -> str:
        order_id = refund_payload["external_id"]
        marker = refund_marker(refund_payload["refund_id"])
        amount = Decimal(str(refund_payload["amount"])).quantize(CENT)
        with self._push_client() as client:
            base = f"/v3/orders/{order_id}/payment_actions"
            for refund in _data(client.json("GET", f"{base}/refunds")) or []:
                reasons = [refund.get("reason"), *(item.get("reason") for item in refund.get("items") or [])]
                if any(marker in str(reason or "") for reason in reasons):
                    return str(refund.get("id"))
            items = self._refund_items(client, refund_payload)
            quote = {}
            if items:
                quote = _data(client.json("POST", f"{base}/refund_quotes", json={"items": items})) or {}
            if Decimal(str(quote.get("total_refund_amount") or 0)).quantize(CENT) != amount:
                items = [{"item_type": "ORDER", "item_id": int(order_id), "amount": float(amount)}]
                quote = _data(client.json("POST", f"{base}/refund_quotes", json={"items": items})) or {}
            methods = quote.get("refund_methods") or []
            if not methods or not methods[0]:
                raise ChannelRefused(f"BigCommerce offers no way to refund {amount} on order {order_id}.")
            payments = [
                {
                    "provider_id": option["provider_id"],
                    "amount": option["amount"],
                    "offline": bool(option.get("offline")),
                }
                for option in methods[0]
            ]
            reason = marker + (f" (RMA {refund_payload['rma']})" if refund_payload.get("rma") else "")
            body = {"items": [{**item, "reason": reason} for item in items], "payments": payments}
            made = _data(client.json("POST", f"{base}/refunds", json=body)) or {}
        if not made.get("id"):
            raise AdapterError(f"BigCommerce answered no refund id for order {order_id}.")
        return str(made["id"])

    def _refund_items(self, client, refund: dict) -> list[dict]:
        items = []
        for line in refund.get("lines") or []:
            if not line.get("channel_line_id"):
                sku = line.get("sku")
                raise ChannelRefused(f"Refund {refund['refund_id']}: no order product id for {sku}.")
            if int(line.get("quantity") or 0):
                product = int(line["channel_line_id"])
                items.append({"item_type": "PRODUCT", "item_id": product, "quantity": int(line["quantity"])})
        shipping = Decimal(str(refund.get("shipping_amount") or 0))
        if shipping > 0:
            addresses = client.json("GET", f"/v2/orders/{refund['external_id']}/shipping_addresses") or []
            if addresses:
                address = int(addresses[0]["id"])
                items.append({"item_type": "SHIPPING", "item_id": address, "amount": float(shipping)})
        return items
