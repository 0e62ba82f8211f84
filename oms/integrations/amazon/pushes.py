"""What the OMS tells Amazon (SP-API) about an order: shipped, cancelled, refunded.

- Shipped: Orders API v0 `confirmShipment` (POST /orders/v0/orders/{id}/shipmentConfirmation,
  204), one package per call. Its `packageReferenceId` ("uniquely identifies a package within the
  scope of an order", positive numbers only) is derived from the push id, so a retry after a lost
  answer names the same package and Amazon does not add a second one; an order Amazon already
  reports as `Shipped` is not confirmed again. A package needs its items: when a shipment has
  several tracking numbers and no split of its items per package, the first tracking number
  carries every item and the others are named in the returned reference only (Amazon has no field
  for them). A payload may bring `"packages": [{"tracking_number", "lines"}]` to confirm one
  package each.
- Cancelled: the Orders API has no seller cancel call, so it is the Feeds API order
  acknowledgement (`POST_ORDER_ACKNOWLEDGEMENT_DATA`): StatusCode `Failure` cancels the whole
  order (its reason goes with items only); `Success` with items and their `CancelReason` cancels
  those items. `restock` is ours to do: Amazon keeps no stock for a merchant-fulfilled order. Re-sending it is
  harmless (a cancelled order or item stays cancelled), and an order Amazon reports `Canceled` is
  not sent again.
- Refunded: the Feeds API payment adjustment (`POST_PAYMENT_ADJUSTMENT_DATA`), one
  `AdjustedItem` per line (Principal; the shipping refund is a Shipping component of the first
  item), `MerchantAdjustmentItemID` made of the refund id.

Order feeds are XML (amzn-envelope): Amazon publishes JSON schemas only for listings feeds
(selling-partner-api-models `schemas/feeds`), none for these two. A feed is asynchronous: the
reference returned is `feed:<feedId>`; its processing report is not read here.

A refund sent twice is money paid twice, so creating its feed is guarded: a marker in the cache
(Redis) is set before `createFeed` and holds the feed id after it. `createFeed` is tried once per
call (no blind retry after a lost answer); when a retry finds a marker without a feed id (the
answer was lost), `getFeeds` is asked for payment adjustment feeds created since: none, and the
feed is created; some, and the push stops with a permanent error for a person to check Seller
Central (Amazon's feed list does not say which document a feed was made of).
"""

import hashlib
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from xml.etree import ElementTree as ET

from django.core.cache import cache

from oms.core.adapters import AdapterError

from ..common.http import ChannelClient, ChannelRefused, ChannelUnavailable
from .pull import client_for

DEFAULT_MARKETPLACE = "ATVPDKIKX0DER"
FEEDS = "/feeds/2021-06-30"
XML = "text/xml; charset=UTF-8"
#: How long a refund's feed marker is kept (Amazon keeps feeds 90 days).
MARKER_SECONDS = 90 * 24 * 3600
#: Amazon's carrier codes for the carriers the OMS names most (others go as "Other" + name).
CARRIER_CODES = {
    "ups": "UPS",
    "usps": "USPS",
    "fedex": "FedEx",
    "dhl": "DHL",
    "dhl express": "DHL",
    "ontrac": "OnTrac",
    "royal mail": "Royal Mail",
    "royalmail": "Royal Mail",
    "canada post": "Canada Post",
    "canadapost": "Canada Post",
    "dpd": "DPD",
    "gls": "GLS",
    "hermes": "Hermes",
    "australia post": "Australia Post",
    "auspost": "Australia Post",
}


def package_reference(push_id: str, number: int = 1) -> str:
    """A positive number, the same for the same push and package (Amazon accepts only digits)."""
    key = push_id if number == 1 else f"{push_id}:{number}"
    if key.isdigit() and int(key) > 0:
        return key
    return str(int(hashlib.sha256(key.encode()).hexdigest()[:15], 16) or 1)


def cancel_reason(reason: str) -> str:
    """Amazon's CancelReason for our free-text reason (the desk's labels start it)."""
    text = (reason or "").lower()
    if "stock" in text or "inventory" in text:
        return "NoInventory"
    if "address" in text:
        return "ShippingAddressUndeliverable"
    if "customer" in text or "buyer" in text:
        return "BuyerCanceled"
    return "GeneralAdjustment"


def _envelope(message_type: str, merchant: str, messages: list[ET.Element]) -> bytes:
    root = ET.Element(
        "AmazonEnvelope",
        {
            "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
            "xsi:noNamespaceSchemaLocation": "amzn-envelope.xsd",
        },
    )
    header = ET.SubElement(root, "Header")
    ET.SubElement(header, "DocumentVersion").text = "1.01"
    ET.SubElement(header, "MerchantIdentifier").text = merchant
    ET.SubElement(root, "MessageType").text = message_type
    for number, body in enumerate(messages, start=1):
        message = ET.SubElement(root, "Message")
        ET.SubElement(message, "MessageID").text = str(number)
        message.append(body)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _add(parent: ET.Element, tag: str, text) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = str(text)
    return element


class AmazonPushes:
    """Mixin of AmazonAdapter: push_fulfillment, push_cancellation, request_refund."""

    #: ChannelClient options for pushes: one quick retry inline, the push framework retries later.
    push_client_options: dict = {"attempts": 2}

    # --- plumbing ---------------------------------------------------------------------------
    def _connection(self):
        from oms.integrations.connections.selectors import connection_of

        connection = connection_of(self.channel)
        if connection is None or not connection.api_base_url:
            raise ChannelRefused(f"Channel {getattr(self.channel, 'code', '?')} has no Amazon API URL.")
        return connection

    def _client(self, connection, **options) -> ChannelClient:
        return client_for(connection, **{**self.push_client_options, **options})

    def _marketplace(self, connection) -> str:
        return connection.account or DEFAULT_MARKETPLACE

    def _order(self, client: ChannelClient, order_id: str) -> dict:
        return (client.json("GET", f"/orders/v0/orders/{order_id}") or {}).get("payload") or {}

    # --- shipped -----------------------------------------------------------------------------
    def push_fulfillment(self, payload: dict) -> str:
        order_id = payload["external_id"]
        packages = self._packages(payload)
        connection = self._connection()
        with self._client(connection) as client:
            if self._order(client, order_id).get("OrderStatus") == "Shipped":
                return self._shipment_reference(payload, packages, confirmed=False)
            for number, (tracking, lines) in enumerate(packages, start=1):
                detail = {
                    "packageReferenceId": package_reference(payload["push_id"], number),
                    **self._carrier(payload.get("carrier") or ""),
                    "trackingNumber": tracking,
                    "shipDate": payload["shipped_at"],
                    "orderItems": [
                        {"orderItemId": line["channel_line_id"], "quantity": int(line["quantity"])}
                        for line in lines
                    ],
                }
                if payload.get("service"):
                    detail["shippingMethod"] = payload["service"]
                client.json(
                    "POST",
                    f"/orders/v0/orders/{order_id}/shipmentConfirmation",
                    json={"packageDetail": detail, "marketplaceId": self._marketplace(connection)},
                )
        return self._shipment_reference(payload, packages, confirmed=True)

    def _packages(self, payload: dict) -> list[tuple[str, list[dict]]]:
        if payload.get("packages"):
            packages = [(p["tracking_number"], p["lines"]) for p in payload["packages"]]
        else:
            tracking = [number for number in payload.get("tracking_numbers") or [] if number]
            if not tracking:
                raise ChannelRefused("Amazon needs a tracking number to confirm a shipment.")
            packages = [(tracking[0], payload.get("lines") or [])]
        for _, lines in packages:
            missing = [line.get("sku") for line in lines if not line.get("channel_line_id")]
            if missing or not lines:
                raise ChannelRefused(
                    f"Order {payload.get('order')}: lines without Amazon's OrderItemId: "
                    f"{', '.join(map(str, missing)) or 'none sent'}."
                )
        return packages

    def _carrier(self, carrier: str) -> dict:
        code = CARRIER_CODES.get(carrier.strip().lower())
        return {"carrierCode": code} if code else {"carrierCode": "Other", "carrierName": carrier or "Other"}

    def _shipment_reference(self, payload: dict, packages, *, confirmed: bool) -> str:
        references = [package_reference(payload["push_id"], n) for n in range(1, len(packages) + 1)]
        reference = f"{payload['external_id']}:package:{'+'.join(references)}"
        extra = [n for n in payload.get("tracking_numbers") or [] if n not in {t for t, _ in packages}]
        if extra:
            reference += f" (also tracking {', '.join(extra)})"
        return reference if confirmed else f"{reference} (already shipped at Amazon)"

    # --- cancelled ---------------------------------------------------------------------------
    def push_cancellation(self, payload: dict) -> str:
        order_id = payload["external_id"]
        reason = cancel_reason(payload.get("reason") or "")
        ack = ET.Element("OrderAcknowledgement")
        _add(ack, "AmazonOrderID", order_id)
        _add(ack, "MerchantOrderID", payload["order"])
        lines = payload.get("lines") or []
        _add(ack, "StatusCode", "Success" if lines else "Failure")
        for line in lines:
            if not line.get("channel_line_id"):
                raise ChannelRefused(f"Order {payload['order']}: line {line.get('sku')} has no OrderItemId.")
            item = ET.SubElement(ack, "Item")
            _add(item, "AmazonOrderItemCode", line["channel_line_id"])
            _add(item, "CancelReason", reason)
        connection = self._connection()
        with self._client(connection) as client:
            if not lines and self._order(client, order_id).get("OrderStatus") == "Canceled":
                return f"{order_id}:already cancelled at Amazon"
            document = _envelope("OrderAcknowledgement", self._merchant(connection), [ack])
            return self._submit_feed(client, connection, "POST_ORDER_ACKNOWLEDGEMENT_DATA", document)

    # --- refunded ----------------------------------------------------------------------------
    def request_refund(self, refund_payload: dict) -> str:
        adjustment = self._adjustment(refund_payload)
        connection = self._connection()
        marker = f"oms:amazon:refund-feed:{getattr(self.channel, 'pk', '')}:{refund_payload['refund_id']}"
        with self._client(connection) as client:
            document = _envelope("OrderAdjustment", self._merchant(connection), [adjustment])
            return self._submit_feed(
                client, connection, "POST_PAYMENT_ADJUSTMENT_DATA", document, marker=marker
            )

    def _adjustment(self, refund: dict) -> ET.Element:
        currency = refund["currency"]
        lines = [
            line
            for line in refund.get("lines") or []
            if int(line.get("quantity") or 0) or Decimal(str(line.get("amount") or 0)) > 0
        ]
        if not lines:
            raise ChannelRefused(
                f"Refund {refund['refund_id']}: Amazon refunds items; this refund names none "
                "(refund an order-level amount in Seller Central)."
            )
        missing = [line.get("sku") for line in lines if not line.get("channel_line_id")]
        if missing:
            raise ChannelRefused(f"Refund {refund['refund_id']}: no OrderItemId for {', '.join(missing)}.")
        adjustment = ET.Element("OrderAdjustment")
        _add(adjustment, "AmazonOrderID", refund["external_id"])
        _add(adjustment, "ActionType", "Refund")
        shipping = refund.get("shipping_amount") or "0"
        for number, line in enumerate(lines, start=1):
            item = ET.SubElement(adjustment, "AdjustedItem")
            _add(item, "AmazonOrderItemCode", line["channel_line_id"])
            _add(item, "MerchantAdjustmentItemID", f"{refund['refund_id']}-{number}"[:40])
            _add(item, "AdjustmentReason", "CustomerReturn" if refund.get("rma") else "GeneralAdjustment")
            prices = ET.SubElement(item, "ItemPriceAdjustments")
            components = [("Principal", line.get("amount") or "0")]
            if number == 1 and Decimal(str(shipping)) > 0:
                components.append(("Shipping", shipping))
            for kind, amount in components:
                component = ET.SubElement(prices, "Component")
                _add(component, "Type", kind)
                _add(component, "Amount", amount).set("currency", currency)
        return adjustment

    # --- feeds -------------------------------------------------------------------------------
    def _merchant(self, connection) -> str:
        return getattr(self.channel, "code", "") or "OMS"  # SP-API reads the seller from the token

    def _submit_feed(self, client, connection, feed_type: str, document: bytes, *, marker: str = "") -> str:
        """createFeedDocument, upload, createFeed; `marker` guards a feed that must not be made twice."""
        started = None
        if marker:
            known = cache.get(marker) or {}
            if known.get("feed_id"):
                return f"feed:{known['feed_id']}"
            if known.get("started"):
                self._check_no_feed_since(client, connection, feed_type, known["started"])
        upload = client.json("POST", f"{FEEDS}/documents", json={"contentType": XML}) or {}
        if not upload.get("feedDocumentId") or not upload.get("url"):
            raise AdapterError("Amazon gave no feed document to upload to.")
        with ChannelClient("", **{**self.push_client_options, "attempts": 2}) as storage:
            stored = storage.request("PUT", upload["url"], content=document, headers={"Content-Type": XML})
        if stored.status_code >= 400:
            status = stored.status_code
            raise ChannelRefused(f"Amazon's feed upload answered HTTP {status}.", status=status)
        if marker:
            started = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)  # clocks differ
            cache.set(marker, {"started": started.isoformat().replace("+00:00", "Z")}, MARKER_SECONDS)
        body = {
            "feedType": feed_type,
            "marketplaceIds": [self._marketplace(connection)],
            "inputFeedDocumentId": upload["feedDocumentId"],
        }
        try:
            with self._client(connection, attempts=1) as once:  # no blind retry: it may have been made
                created = once.json("POST", f"{FEEDS}/feeds", json=body) or {}
        except ChannelUnavailable as error:
            if marker and error.status is not None:
                cache.delete(marker)  # Amazon answered 429 / 5xx: no feed was made
            raise
        except ChannelRefused:
            if marker:
                cache.delete(marker)
            raise
        feed_id = created.get("feedId")
        if not feed_id:
            raise AdapterError("Amazon created no feed (no feedId in its answer).")
        if marker:
            cache.set(marker, {"feed_id": feed_id}, MARKER_SECONDS)
        return f"feed:{feed_id}"

    def _check_no_feed_since(self, client, connection, feed_type: str, since: str) -> None:
        answer = client.json(
            "GET",
            f"{FEEDS}/feeds",
            params={
                "feedTypes": feed_type,
                "marketplaceIds": self._marketplace(connection),
                "createdSince": since,
            },
        )
        feeds = (answer or {}).get("feeds") or []
        if feeds:
            raise ChannelRefused(
                f"An earlier attempt's answer was lost and Amazon has {len(feeds)} {feed_type} feed(s) "
                f"created since {since} ({', '.join(str(f.get('feedId')) for f in feeds[:5])}): check "
                "in Seller Central whether this refund was made before sending it again."
            )
