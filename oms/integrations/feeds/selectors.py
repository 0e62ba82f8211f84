"""What a channel's feed says: each listed SKU with the units the channel may sell."""

from inventory.selectors import availability_for_channel
from oms.core.models import Channel

from .models import ChannelListing


def feed_items(channel: Channel, *, sku_ids: list[int] | None = None) -> list[dict]:
    """The channel's listed SKUs (or those of them in `sku_ids`), sorted by code, each with
    {"sku", "external_id", "available"} and the listing's other channel ids ("channel_sku",
    "parent_id", "inventory_item_id"; "" when not set): inventory's one-query channel
    availability (safety stock and the channel's buffer taken off), 0 for a listed SKU with no
    stock or no longer active. Two queries whatever the size."""
    listings = ChannelListing.objects.filter(channel=channel, active=True)
    if sku_ids is not None:
        listings = listings.filter(sku_id__in=sku_ids)
    listed = listings.values_list(
        "sku_id", "sku__code", "external_id", "channel_sku", "parent_id", "inventory_item_id"
    )
    available = dict(
        availability_for_channel(channel)
        .filter(pk__in=listings.values("sku_id"))
        .order_by()
        .values_list("pk", "channel_available")
    )
    items = [
        {
            "sku": code,
            "external_id": external,
            "available": available.get(sku_id, 0),
            "channel_sku": channel_sku,
            "parent_id": parent,
            "inventory_item_id": inventory_item,
        }
        for sku_id, code, external, channel_sku, parent, inventory_item in listed
    ]
    items.sort(key=lambda item: item["sku"])
    return items
