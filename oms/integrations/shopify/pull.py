"""Pull Shopify orders through the GraphQL Admin API: orders updated since the cursor, oldest
change first, cursor paging; throttling answered 200 with THROTTLED (or 429) is waited out."""

import httpx

from oms.core.adapters import AdapterError

from ..common.http import ChannelClient
from ..pulls.base import Page, PulledDocument
from .graphql import LINE_ITEMS_QUERY, ORDERS_QUERY

PAGE_SIZE = 50


def throttle_wait(response: httpx.Response) -> float | None:
    """Seconds until the query's cost is available again, for a THROTTLED answer; else None."""
    try:
        body = response.json()
    except ValueError:
        return None
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list) or not any(
        (error.get("extensions") or {}).get("code") == "THROTTLED" for error in errors
    ):
        return None
    cost = (body.get("extensions") or {}).get("cost") or {}
    status = cost.get("throttleStatus") or {}
    rate = float(status.get("restoreRate") or 50)
    missing = float(cost.get("requestedQueryCost") or 0) - float(status.get("currentlyAvailable") or 0)
    return max(1.0, missing / rate)


def client_for(connection, **kwargs) -> ChannelClient:
    return ChannelClient(
        connection.api_base_url,
        headers={"X-Shopify-Access-Token": connection.access_token, "Content-Type": "application/json"},
        retry_body=throttle_wait,
        **kwargs,
    )


class ShopifyPuller:
    topic = "orders/updated"

    def __init__(self, client: ChannelClient, page_size: int = PAGE_SIZE) -> None:
        self.client = client
        self.page_size = page_size

    def _graphql(self, query: str, variables: dict) -> dict:
        body = self.client.json("POST", "/graphql.json", json={"query": query, "variables": variables})
        if not isinstance(body, dict) or body.get("errors") or not isinstance(body.get("data"), dict):
            raise AdapterError(f"Shopify refused the query: {str((body or {}).get('errors'))[:500]}")
        return body["data"]

    def _query(self, variables: dict) -> dict:
        orders = self._graphql(ORDERS_QUERY, variables)["orders"]
        for node in orders.get("nodes") or []:
            self._all_lines(node)
        return orders

    def _all_lines(self, node: dict) -> None:
        """An order with more lines than the first page of its lineItems gets the rest, so that
        no line is lost."""
        lines = node.get("lineItems") or {}
        info = lines.get("pageInfo") or {}
        while info.get("hasNextPage"):
            more = self._graphql(LINE_ITEMS_QUERY, {"id": node["id"], "after": info.get("endCursor")})
            page = ((more.get("order") or {}).get("lineItems")) or {}
            lines.setdefault("nodes", []).extend(page.get("nodes") or [])
            info = page.get("pageInfo") or {}
        lines["pageInfo"] = {"hasNextPage": False, "endCursor": info.get("endCursor")}

    def pages(self, since: str):
        after = None
        while True:
            orders = self._query(
                {"first": self.page_size, "after": after, "query": f"updated_at:>='{since}'"}
            )
            nodes = orders.get("nodes") or [edge["node"] for edge in orders.get("edges") or []]
            documents = [PulledDocument(node, node["legacyResourceId"], node["updatedAt"]) for node in nodes]
            # sorted by UPDATED_AT: the last stored change is where the next run starts (with >=,
            # so a change in the same second is seen again and deduplicated, never missed)
            yield Page(documents, max((doc.updated_at for doc in documents), default=None))
            info = orders.get("pageInfo") or {}
            if not info.get("hasNextPage"):
                return
            after = info.get("endCursor")

    def fetch(self, external_id: str) -> PulledDocument:
        orders = self._query({"first": 1, "after": None, "query": f"id:{external_id}"})
        nodes = orders.get("nodes") or []
        if not nodes:
            raise AdapterError(f"Shopify has no order {external_id}.")
        return PulledDocument(nodes[0], nodes[0]["legacyResourceId"], nodes[0]["updatedAt"])
