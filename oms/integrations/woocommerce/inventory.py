"""WooCommerce inventory feed: `POST /products/batch` with `update: [{id, manage_stock: true,
stock_quantity}]`, at most 100 per request (WooCommerce's batch limit); a variation (a listing
with a parent product id) goes to `POST /products/{parent}/variations/batch` instead, 100 per
request per parent. A listing without a numeric WooCommerce id is left out and named in the push log;
an item the batch answers with an `error` refuses the push (a retry sends it all again)."""

from collections import defaultdict

from ..common.feeds import batches, connection_for_feed, numeric_id, refuse_if_nothing, with_skipped
from ..common.http import ChannelRefused

BATCH = 100


class WooCommerceInventoryFeed:
    """Mixed into WooCommerceAdapter (which has `channel`)."""

    def push_inventory(self, items: list[dict], *, push_id: int | None = None) -> str:
        from .pull import client_for

        connection = connection_for_feed(self.channel)
        by_path: dict[str, list[dict]] = defaultdict(list)
        skipped = []
        for item in items:
            try:
                product = numeric_id(item.get("external_id"), "WooCommerce id")
                parent = (
                    numeric_id(item["parent_id"], "WooCommerce parent id") if item.get("parent_id") else None
                )
            except ChannelRefused:  # none, or not a number: this SKU cannot be sent, the rest can
                skipped.append(item["sku"])
                continue
            path = f"/products/{parent}/variations/batch" if parent else "/products/batch"
            by_path[path].append({"id": product, "manage_stock": True, "stock_quantity": item["available"]})
        refuse_if_nothing(len(items) - len(skipped), skipped, self.channel, "no numeric WooCommerce id")
        requests = 0
        with client_for(connection) as client:
            for path, updates in sorted(by_path.items()):
                for batch in batches(updates, BATCH):
                    answer = client.json("POST", path, json={"update": batch})
                    _check(answer, path)
                    requests += 1
        sent = len(items) - len(skipped)
        return with_skipped(
            f"WooCommerce: {sent} stock quantities in {requests} batches",
            skipped,
            "no numeric WooCommerce id",
        )


def _check(answer, path: str) -> None:
    failed = [
        f"{row.get('id')}: {(row.get('error') or {}).get('message') or row.get('error')}"
        for row in ((answer or {}).get("update") or [] if isinstance(answer, dict) else [])
        if isinstance(row, dict) and row.get("error")
    ]
    if failed:
        raise ChannelRefused(f"WooCommerce {path} refused {len(failed)}: {'; '.join(failed[:10])}")
