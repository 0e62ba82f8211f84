"""Shopify inventory feed: GraphQL Admin `inventorySetQuantities` (API 2025-07), the "available"
quantity of each listing's InventoryItem at the feed's Shopify location, set absolutely
(`ignoreCompareQuantity`: the OMS is the source of truth), 250 quantities per mutation, reason
"correction", `referenceDocumentUri` naming the push. A listing without an inventory item id is
left out and named in the push log; `userErrors` refuse the push (a retry sends it all again:
quantities are absolute)."""

import uuid

from oms.core.adapters import AdapterError

from ..common.feeds import batches, connection_for_feed, feed_settings_for, refuse_if_nothing, with_skipped
from ..common.http import ChannelRefused

BATCH = 250
REASON = "correction"
SET_QUANTITIES = """
mutation inventorySetQuantities($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) {
    inventoryAdjustmentGroup { reason referenceDocumentUri }
    userErrors { code field message }
  }
}
""".strip()


def gid(kind: str, value: str) -> str:
    value = str(value).strip()
    return value if value.startswith("gid://") else f"gid://shopify/{kind}/{value}"


def shopify_location(channel, connection) -> str:
    settings = feed_settings_for(channel)
    if settings is not None and settings.location_id:
        return gid("Location", settings.location_id)
    known = list((connection.location_map or {}).keys())
    if len(known) == 1:
        return gid("Location", known[0])
    raise ChannelRefused(
        f"Channel {channel.code}: set the Shopify location in its feed settings "
        f"(the connection maps {len(known)} locations)."
    )


class ShopifyInventoryFeed:
    """Mixed into ShopifyAdapter (which has `channel`)."""

    def push_inventory(self, items: list[dict], *, push_id: int | None = None) -> str:
        from .pull import client_for

        connection = connection_for_feed(self.channel)
        location = shopify_location(self.channel, connection)
        reference = f"gid://oms/FeedPush/{push_id or uuid.uuid4().hex}"
        sendable = [item for item in items if item.get("inventory_item_id")]
        skipped = [item["sku"] for item in items if not item.get("inventory_item_id")]
        refuse_if_nothing(len(sendable), skipped, self.channel, "no Shopify inventory item id")
        with client_for(connection) as client:
            for batch in batches(sendable, BATCH):
                variables = {
                    "input": {
                        "name": "available",
                        "reason": REASON,
                        "referenceDocumentUri": reference,
                        "ignoreCompareQuantity": True,
                        "quantities": [
                            {
                                "inventoryItemId": gid("InventoryItem", item["inventory_item_id"]),
                                "locationId": location,
                                "quantity": item["available"],
                            }
                            for item in batch
                        ],
                    }
                }
                body = client.json(
                    "POST", "/graphql.json", json={"query": SET_QUANTITIES, "variables": variables}
                )
                _check(body)
        return with_skipped(
            f"Shopify {reference}: {len(sendable)} quantities", skipped, "no Shopify inventory item id"
        )


def _check(body) -> None:
    if not isinstance(body, dict):
        raise AdapterError("Shopify gave no answer to inventorySetQuantities.")
    if body.get("errors"):
        raise ChannelRefused(f"Shopify refused inventorySetQuantities: {str(body['errors'])[:500]}")
    result = (body.get("data") or {}).get("inventorySetQuantities") or {}
    errors = result.get("userErrors") or []
    if errors:
        shown = "; ".join(f"{e.get('field')}: {e.get('message')}" for e in errors[:10])
        raise ChannelRefused(f"Shopify refused {len(errors)} quantities: {shown}")
