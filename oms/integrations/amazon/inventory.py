"""Amazon inventory feed: SP-API Feeds v2021-06-30, one `JSON_LISTINGS_FEED` per 25,000 SKUs
(Amazon's item limit per feed since May 2025; ~6 MB, under the 10 MiB it recommends):
createFeedDocument, the JSON uploaded (PUT) to the pre-signed URL it answers, then createFeed
naming the document. Each message PATCHes the listing's `fulfillment_availability` with the
"merge" operation (quantity only, the seller's lead time and restock date kept) for the
seller-fulfilled channel ("DEFAULT"). The SKU is the listing's channel SKU (the seller SKU),
else ours. The feed is processed by Amazon later: the reference is the feed ids. Amazon takes
five feed submissions per five minutes per region: keep the channel's feed interval at 60 s or
more (a 429 waits 1 / x-amzn-RateLimit-Limit seconds)."""

import json

from ..common.feeds import batches, connection_for_feed, feed_settings_for
from ..common.http import ChannelClient, ChannelRefused

BATCH = 25_000
CONTENT_TYPE = "application/json; charset=UTF-8"
FEEDS = "/feeds/2021-06-30"


def listings_feed(seller_id: str, items: list[dict], *, locale: str = "en_US") -> dict:
    return {
        "header": {"sellerId": seller_id, "version": "2.0", "issueLocale": locale},
        "messages": [
            {
                "messageId": number,
                "sku": item.get("channel_sku") or item["sku"],
                "operationType": "PATCH",
                "productType": "PRODUCT",
                "patches": [
                    {
                        "op": "merge",
                        "path": "/attributes/fulfillment_availability",
                        "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": item["available"]}],
                    }
                ],
            }
            for number, item in enumerate(items, start=1)
        ],
    }


class AmazonInventoryFeed:
    """Mixed into AmazonAdapter (which has `channel`)."""

    def push_inventory(self, items: list[dict], *, push_id: int | None = None) -> str:
        from .pull import client_for

        connection = connection_for_feed(self.channel)
        settings = feed_settings_for(self.channel)
        if settings is None or not settings.seller_id:
            raise ChannelRefused(
                f"Channel {self.channel.code}: set the Amazon seller id in its feed settings."
            )
        if not connection.account:
            raise ChannelRefused(f"Channel {self.channel.code}: its connection names no marketplace id.")
        feed_ids = []
        with client_for(connection) as client:
            for batch in batches(items, BATCH):
                document = client.json("POST", f"{FEEDS}/documents", json={"contentType": CONTENT_TYPE})
                if (
                    not isinstance(document, dict)
                    or not document.get("url")
                    or not document.get("feedDocumentId")
                ):
                    raise ChannelRefused("Amazon createFeedDocument gave no document id and upload URL.")
                body = json.dumps(listings_feed(settings.seller_id, batch), separators=(",", ":")).encode()
                with ChannelClient("", sleep=client.sleep) as upload:  # pre-signed: no SP-API token
                    response = upload.request(
                        "PUT", document["url"], content=body, headers={"Content-Type": CONTENT_TYPE}
                    )
                if response.status_code >= 300:
                    raise ChannelRefused(
                        f"Amazon feed upload: HTTP {response.status_code}: {response.text[:300]}"
                    )
                feed = client.json(
                    "POST",
                    f"{FEEDS}/feeds",
                    json={
                        "feedType": "JSON_LISTINGS_FEED",
                        "marketplaceIds": [connection.account],
                        "inputFeedDocumentId": document["feedDocumentId"],
                    },
                )
                feed_ids.append(str((feed or {}).get("feedId") or "?"))
        return f"Amazon JSON_LISTINGS_FEED {', '.join(feed_ids) or 'none'}: {len(items)} SKUs"
