"""Pull BigCommerce orders: GET /v2/orders?min_date_modified=...&sort=date_modified:asc page by
page (204 past the end), then each order's products and shipping addresses; a 429 waits the
`X-Rate-Limit-Time-Reset-Ms` it states (BigCommerce sends no Retry-After)."""

import httpx

from ..common.http import ChannelClient
from ..common.parse import timestamp
from ..pulls.base import Page, PulledDocument

PAGE_SIZE = 250


def reset_wait(response: httpx.Response) -> float | None:
    value = response.headers.get("X-Rate-Limit-Time-Reset-Ms")
    try:
        return float(value) / 1000 if value else None
    except ValueError:
        return None


def client_for(connection, **kwargs) -> ChannelClient:
    return ChannelClient(
        connection.api_base_url,
        headers={"X-Auth-Token": connection.access_token, "Accept": "application/json"},
        wait_hint=reset_wait,
        **kwargs,
    )


class BigCommercePuller:
    topic = "store/order/updated"

    def __init__(self, client: ChannelClient, page_size: int = PAGE_SIZE) -> None:
        self.client = client
        self.page_size = page_size

    def _all(self, path: str) -> list:
        rows, page = [], 1
        while True:
            batch = self.client.json("GET", path, params={"limit": self.page_size, "page": page}) or []
            rows += batch
            if len(batch) < self.page_size:
                return rows
            page += 1

    def _document(self, order: dict) -> PulledDocument:
        order_id = order["id"]
        body = {
            "order": order,
            "products": self._all(f"/v2/orders/{order_id}/products"),
            "shipping_addresses": self._all(f"/v2/orders/{order_id}/shippingaddresses"),
        }
        return PulledDocument(body, str(order_id), str(order.get("date_modified") or ""))

    def pages(self, since: str):
        page = 1
        while True:
            params = {
                "min_date_modified": since,
                "sort": "date_modified:asc",
                "limit": self.page_size,
                "page": page,
            }
            orders = self.client.json("GET", "/v2/orders", params=params) or []  # 204: past the end
            documents = [self._document(order) for order in orders]
            cursor = max((timestamp(doc.updated_at) for doc in documents), default=None)
            yield Page(documents, cursor)
            if len(orders) < self.page_size:
                return
            page += 1

    def fetch(self, external_id: str) -> PulledDocument:
        return self._document(self.client.json("GET", f"/v2/orders/{external_id}"))
