"""BigCommerce inventory feed: the Inventory API's absolute adjustment,
`PUT /v3/inventory/adjustments/absolute` with `{"reason", "items": [{location_id, variant_id |
product_id | sku, quantity}]}`, at most 2000 items per request (BigCommerce's payload limit), at
the feed's BigCommerce location (default 1, the store's default location). Each item names the
variant id when the listing has one, else the product id (a product without variants), else
the SKU (the channel's, or ours)."""

from ..common.feeds import batches, connection_for_feed, feed_settings_for, numeric_id

BATCH = 2000
PATH = "/v3/inventory/adjustments/absolute"


def item_of(item: dict, location_id: int) -> dict:
    row: dict = {"location_id": location_id}
    if item.get("external_id"):
        row["variant_id"] = numeric_id(item["external_id"], "BigCommerce variant id")
    elif item.get("parent_id"):
        row["product_id"] = numeric_id(item["parent_id"], "BigCommerce product id")
    else:
        row["sku"] = item.get("channel_sku") or item["sku"]
    row["quantity"] = item["available"]
    return row


class BigCommerceInventoryFeed:
    """Mixed into BigCommerceAdapter (which has `channel`)."""

    def push_inventory(self, items: list[dict], *, push_id: int | None = None) -> str:
        from .pull import client_for

        connection = connection_for_feed(self.channel)
        settings = feed_settings_for(self.channel)
        location_id = (
            numeric_id(settings.location_id, "BigCommerce location id")
            if settings and settings.location_id
            else 1
        )
        reason = f"OMS inventory feed, push {push_id}" if push_id else "OMS inventory feed"
        transactions = []
        with client_for(connection) as client:
            for batch in batches(items, BATCH):
                answer = client.json(
                    "PUT",
                    PATH,
                    json={"reason": reason, "items": [item_of(item, location_id) for item in batch]},
                )
                transactions.append(str((answer or {}).get("transaction_id") or "?"))
        return f"BigCommerce: {len(items)} quantities, transactions {', '.join(transactions) or 'none'}"
