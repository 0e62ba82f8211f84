"""Pull WooCommerce orders: GET /orders?modified_after=...&dates_are_gmt=true, by id ascending
(WooCommerce cannot sort by modification), page by page; the cursor moves to the latest
`date_modified_gmt` seen only once the whole run is stored (pages shift while orders change)."""

from oms.core.adapters import AdapterError

from ..common.http import ChannelClient
from ..common.parse import timestamp
from ..pulls.base import Page, PulledDocument

PAGE_SIZE = 100


def client_for(connection, **kwargs) -> ChannelClient:
    return ChannelClient(connection.api_base_url, auth=(connection.api_key, connection.api_secret), **kwargs)


def _document(order: dict) -> PulledDocument:
    return PulledDocument(order, str(order["id"]), str(order.get("date_modified_gmt") or ""))


class WooCommercePuller:
    topic = "order.updated"

    def __init__(self, client: ChannelClient, page_size: int = PAGE_SIZE) -> None:
        self.client = client
        self.page_size = page_size

    def pages(self, since: str):
        # modified_after with dates_are_gmt takes a time without offset, read as UTC
        naive = since.replace("Z", "").split("+")[0]
        latest, page = None, 1
        while True:
            params = {
                "modified_after": naive,
                "dates_are_gmt": "true",
                "orderby": "id",
                "order": "asc",
                "per_page": self.page_size,
                "page": page,
            }
            response = self.client.request("GET", "/orders", params=params)
            if response.status_code >= 400:
                raise AdapterError(f"WooCommerce: HTTP {response.status_code}: {response.text[:300]}")
            orders = response.json() if response.status_code != 204 else []
            documents = [_document(order) for order in orders]
            for document in documents:
                stated = timestamp(document.updated_at, naive_is_utc=True)
                latest = max(latest or stated, stated)
            total_pages = int(response.headers.get("X-WP-TotalPages") or page)
            last = not orders or page >= total_pages
            yield Page(documents, latest if last else None)
            if last:
                return
            page += 1

    def fetch(self, external_id: str) -> PulledDocument:
        return _document(self.client.json("GET", f"/orders/{external_id}"))
