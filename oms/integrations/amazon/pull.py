"""Pull Amazon orders (Orders API v0): getOrders?LastUpdatedAfter=... with NextToken paging, then
per order getOrderItems (its own NextToken pages), getOrderBuyerInfo and, once shipped, the
order's financial events (its refunds). A 429 (QuotaExceeded,
no Retry-After) waits 1 / `x-amzn-RateLimit-Limit` seconds. The cursor is the answer's
`LastUpdatedBefore`, taken once the run is stored (pages are not ordered by update time)."""

import httpx
from django.conf import settings

from oms.core.adapters import AdapterError

from ..common.http import ChannelClient
from ..pulls.base import Page, PulledDocument

PAGE_SIZE = 100
SHIPPED = {"Shipped", "PartiallyShipped", "InvoiceUnconfirmed"}


def rate_wait(response: httpx.Response) -> float | None:
    value = response.headers.get("x-amzn-RateLimit-Limit")
    try:
        rate = float(value) if value else 0
    except ValueError:
        return None
    return 1 / rate if rate > 0 else None


def access_token(connection, **kwargs) -> str:
    """The LWA access token: the stored one, else exchanged for the refresh token."""
    if connection.access_token:
        return connection.access_token
    with ChannelClient("", **kwargs) as lwa:
        answer = lwa.json(
            "POST",
            settings.OMS_AMAZON_LWA_URL,
            data={
                "grant_type": "refresh_token",
                "refresh_token": connection.refresh_token,
                "client_id": connection.api_key,
                "client_secret": connection.api_secret,
            },
        )
    if not isinstance(answer, dict) or not answer.get("access_token"):
        raise AdapterError("Amazon LWA gave no access token.")
    return answer["access_token"]


def client_for(connection, **kwargs) -> ChannelClient:
    return ChannelClient(
        connection.api_base_url,
        headers={"x-amz-access-token": access_token(connection, **kwargs)},
        wait_hint=rate_wait,
        **kwargs,
    )


class AmazonPuller:
    topic = "ORDER_CHANGE"

    def __init__(self, client: ChannelClient, marketplace_id: str, page_size: int = PAGE_SIZE) -> None:
        self.client = client
        self.marketplace_id = marketplace_id
        self.page_size = page_size

    def _items(self, order_id: str) -> list[dict]:
        pages, token = [], None
        while True:
            params = {"NextToken": token} if token else None
            page = self.client.json("GET", f"/orders/v0/orders/{order_id}/orderItems", params=params)
            pages.append(page)
            token = ((page or {}).get("payload") or {}).get("NextToken")
            if not token:
                return pages

    def _document(self, order: dict) -> PulledDocument:
        order_id = order["AmazonOrderId"]
        body = {
            "order": {"payload": order},
            "orderItems": self._items(order_id),
            "buyerInfo": self.client.json("GET", f"/orders/v0/orders/{order_id}/buyerInfo"),
        }
        if order.get("OrderStatus") in SHIPPED:  # refunds come after shipping (Finances API)
            body["financialEvents"] = self.client.json(
                "GET", f"/finances/v0/orders/{order_id}/financialEvents"
            )
        return PulledDocument(body, order_id, str(order.get("LastUpdateDate") or ""))

    def pages(self, since: str):
        params = {
            "MarketplaceIds": self.marketplace_id,
            "LastUpdatedAfter": since,
            "MaxResultsPerPage": self.page_size,
        }
        while True:
            payload = (self.client.json("GET", "/orders/v0/orders", params=params) or {}).get("payload") or {}
            documents = [self._document(order) for order in payload.get("Orders") or []]
            token = payload.get("NextToken")
            if not token:
                latest = max((doc.updated_at for doc in documents), default=None)
                yield Page(documents, payload.get("LastUpdatedBefore") or latest)
                return
            yield Page(documents, None)
            params = {"MarketplaceIds": self.marketplace_id, "NextToken": token}

    def fetch(self, external_id: str) -> PulledDocument:
        order = (self.client.json("GET", f"/orders/v0/orders/{external_id}") or {}).get("payload") or {}
        return self._document(order)
