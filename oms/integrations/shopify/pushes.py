"""What the OMS tells Shopify (GraphQL Admin API): a shipment (fulfillmentCreate on the order's
fulfillment orders, with tracking, the customer notified), a cancellation (orderCancel for the
whole order; an order edit for units of lines), a refund (refundCreate with its lines and a
refund transaction on the order's payment).

Idempotency at Shopify, for a retry after a lost answer: a fulfillment whose tracking number is
already on the order is answered with that fulfillment; a cancelled order with itself; a refund
whose note carries our key with that refund. Every call is made once (attempts=1): the channel
pushes and the refund task retry with their own backoff; a 429, a 5xx or THROTTLED raise a
retryable ChannelUnavailable, a 4xx or a userError a ChannelRefused (final)."""

from decimal import Decimal

from ..common.http import ChannelRefused
from .graphql import legacy_id

ORDER_GID = "gid://shopify/Order/{}"
LINE_GID = "gid://shopify/LineItem/{}"

FULFILLMENT_STATE = """
query OmsFulfillmentState($id: ID!) {
  order(id: $id) {
    id
    fulfillments(first: 50) { id trackingInfo(first: 10) { number } }
    fulfillmentOrders(first: 50) {
      nodes {
        id status
        lineItems(first: 250) { nodes { id remainingQuantity lineItem { id } } }
      }
    }
  }
}
"""
FULFILLMENT_CREATE = """
mutation OmsFulfillmentCreate($fulfillment: FulfillmentInput!, $message: String) {
  fulfillmentCreate(fulfillment: $fulfillment, message: $message) {
    fulfillment { id status }
    userErrors { field message }
  }
}
"""
CANCEL_STATE = """
query OmsCancelState($id: ID!) {
  order(id: $id) { id cancelledAt }
}
"""
ORDER_CANCEL = """
mutation OmsOrderCancel($orderId: ID!, $reason: OrderCancelReason!, $refund: Boolean!, $restock: Boolean!,
                        $notifyCustomer: Boolean, $staffNote: String) {
  orderCancel(orderId: $orderId, reason: $reason, refund: $refund, restock: $restock,
              notifyCustomer: $notifyCustomer, staffNote: $staffNote) {
    job { id done }
    orderCancelUserErrors { field message code }
  }
}
"""
EDIT_BEGIN = """
mutation OmsEditBegin($id: ID!) {
  orderEditBegin(id: $id) {
    calculatedOrder { id lineItems(first: 250) { nodes { id quantity lineItem { id } } } }
    userErrors { field message }
  }
}
"""
EDIT_SET_QUANTITY = """
mutation OmsEditSetQuantity($id: ID!, $lineItemId: ID!, $quantity: Int!, $restock: Boolean) {
  orderEditSetQuantity(id: $id, lineItemId: $lineItemId, quantity: $quantity, restock: $restock) {
    calculatedLineItem { id quantity }
    userErrors { field message }
  }
}
"""
EDIT_COMMIT = """
mutation OmsEditCommit($id: ID!, $notifyCustomer: Boolean, $staffNote: String) {
  orderEditCommit(id: $id, notifyCustomer: $notifyCustomer, staffNote: $staffNote) {
    order { id }
    userErrors { field message }
  }
}
"""
REFUND_STATE = """
query OmsRefundState($id: ID!) {
  order(id: $id) {
    id
    refunds(first: 100) { id note }
    transactions(first: 50) { id kind status gateway amountSet { shopMoney { amount currencyCode } } }
  }
}
"""
REFUND_CREATE = """
mutation OmsRefundCreate($input: RefundInput!) {
  refundCreate(input: $input) {
    refund { id note }
    userErrors { field message }
  }
}
"""
CANCEL_REASONS = {"customer": "CUSTOMER", "fraud": "FRAUD", "inventory": "INVENTORY", "declined": "DECLINED"}


def _nodes(connection) -> list:
    return (connection or {}).get("nodes") or []


def _refused(what: str, errors: list) -> None:
    if errors:
        raise ChannelRefused(
            f"Shopify refused the {what}: " + "; ".join(str(e.get("message")) for e in errors)[:500]
        )


def cancel_reason(reason: str) -> str:
    lowered = (reason or "").lower()
    return next((value for word, value in CANCEL_REASONS.items() if word in lowered), "OTHER")


class ShopifyPushes:
    """Mixed into ShopifyAdapter: push_fulfillment, push_cancellation, request_refund."""

    def _push_client(self):
        from oms.integrations.connections.selectors import connection_of

        from .pull import client_for

        connection = connection_of(self.channel)
        if connection is None or not connection.api_base_url or not connection.access_token:
            raise ChannelRefused(f"Channel {self.channel.code} has no Shopify API access configured.")
        return client_for(connection, attempts=1)

    def _run(self, client, query: str, variables: dict) -> dict:
        body = client.json("POST", "/graphql.json", json={"query": query, "variables": variables})
        if not isinstance(body, dict) or body.get("errors") or not isinstance(body.get("data"), dict):
            raise ChannelRefused(f"Shopify refused the request: {str((body or {}).get('errors'))[:500]}")
        return body["data"]

    def _order(self, client, query: str, external_id: str) -> dict:
        order = self._run(client, query, {"id": ORDER_GID.format(external_id)}).get("order")
        if not order:
            raise ChannelRefused(f"Shopify has no order {external_id}.")
        return order

    # --- shipments ----------------------------------------------------------------------------
    def push_fulfillment(self, payload: dict) -> str:
        with self._push_client() as client:
            order = self._order(client, FULFILLMENT_STATE, payload["external_id"])
            numbers = set(payload.get("tracking_numbers") or [])
            for fulfillment in order.get("fulfillments") or []:
                if numbers & {info.get("number") for info in fulfillment.get("trackingInfo") or []}:
                    return fulfillment["id"]  # sent before; the answer was lost
            by_fulfillment_order = self._fulfillment_lines(order, payload)
            fulfillment = {
                "lineItemsByFulfillmentOrder": [
                    {"fulfillmentOrderId": fo_id, "fulfillmentOrderLineItems": items}
                    for fo_id, items in by_fulfillment_order.items()
                ],
                "notifyCustomer": True,
                "trackingInfo": {
                    "company": payload.get("carrier") or "",
                    "numbers": sorted(numbers),
                    "url": payload.get("tracking_url") or None,
                },
            }
            data = self._run(
                client,
                FULFILLMENT_CREATE,
                {"fulfillment": fulfillment, "message": f"OMS {payload['push_id']}"},
            )["fulfillmentCreate"]
            _refused("fulfillment", data.get("userErrors"))
            return (data.get("fulfillment") or {}).get("id") or ""

    def _fulfillment_lines(self, order: dict, payload: dict) -> dict[str, list[dict]]:
        """Our lines on Shopify's open fulfillment order line items, by the line item id."""
        open_items = [
            (fo["id"], item)
            for fo in _nodes(order.get("fulfillmentOrders"))
            if fo.get("status") in ("OPEN", "IN_PROGRESS", "SCHEDULED")
            for item in _nodes(fo.get("lineItems"))
            if (item.get("remainingQuantity") or 0) > 0
        ]
        chosen: dict[str, list[dict]] = {}
        for line in payload.get("lines") or []:
            wanted, line_id = int(line["quantity"]), str(line.get("channel_line_id") or "")
            for fo_id, item in open_items:
                if wanted <= 0:
                    break
                if legacy_id((item.get("lineItem") or {}).get("id")) != line_id or not line_id:
                    continue
                take = min(wanted, item["remainingQuantity"])
                item["remainingQuantity"] -= take
                wanted -= take
                chosen.setdefault(fo_id, []).append({"id": item["id"], "quantity": take})
            if wanted > 0:
                raise ChannelRefused(
                    f"Shopify has no open fulfillment for {wanted} of {line.get('sku')} "
                    f"(line item {line_id or 'unknown'})."
                )
        return chosen

    # --- cancellations ------------------------------------------------------------------------
    def push_cancellation(self, payload: dict) -> str:
        with self._push_client() as client:
            if not payload.get("lines"):
                return self._cancel_order(client, payload)
            return self._cancel_lines(client, payload)

    def _cancel_order(self, client, payload: dict) -> str:
        order = self._order(client, CANCEL_STATE, payload["external_id"])
        if order.get("cancelledAt"):
            return order["id"]  # cancelled already (by us before the answer was lost, or by the shop)
        data = self._run(
            client,
            ORDER_CANCEL,
            {
                "orderId": order["id"],
                "reason": cancel_reason(payload.get("reason", "")),
                "refund": False,  # money goes back through the OMS's refunds, not with the cancel
                "restock": bool(payload.get("restock")),
                "notifyCustomer": True,
                "staffNote": f"{payload.get('reason', '')} (OMS {payload['push_id']})"[:255],
            },
        )["orderCancel"]
        _refused("cancellation", data.get("orderCancelUserErrors"))
        return (data.get("job") or {}).get("id") or order["id"]

    def _cancel_lines(self, client, payload: dict) -> str:
        begun = self._run(client, EDIT_BEGIN, {"id": ORDER_GID.format(payload["external_id"])})[
            "orderEditBegin"
        ]
        _refused("order edit", begun.get("userErrors"))
        calculated = begun.get("calculatedOrder") or {}
        by_line = {
            legacy_id((n.get("lineItem") or {}).get("id")): n for n in _nodes(calculated.get("lineItems"))
        }
        for line in payload["lines"]:
            node = by_line.get(str(line.get("channel_line_id") or ""))
            if node is None:
                raise ChannelRefused(f"Shopify's order has no line item for {line.get('sku')}.")
            left = max(int(node.get("quantity") or 0) - int(line["quantity"]), 0)
            data = self._run(
                client,
                EDIT_SET_QUANTITY,
                {
                    "id": calculated["id"],
                    "lineItemId": node["id"],
                    "quantity": left,
                    "restock": payload["restock"],
                },
            )["orderEditSetQuantity"]
            _refused("quantity change", data.get("userErrors"))
        committed = self._run(
            client,
            EDIT_COMMIT,
            {"id": calculated["id"], "notifyCustomer": True, "staffNote": f"OMS {payload['push_id']}"},
        )["orderEditCommit"]
        _refused("order edit", committed.get("userErrors"))
        return calculated["id"]

    # --- refunds ------------------------------------------------------------------------------
    def request_refund(self, refund_payload: dict) -> str:
        key = f"oms-refund-{refund_payload.get('idempotency_key') or refund_payload['refund_id']}"
        with self._push_client() as client:
            order = self._order(client, REFUND_STATE, refund_payload["external_id"])
            for refund in order.get("refunds") or []:
                if key in (refund.get("note") or ""):
                    return refund["id"]  # paid back before; the answer was lost
            data = self._run(client, REFUND_CREATE, {"input": self._refund_input(order, refund_payload, key)})
            data = data["refundCreate"]
            _refused("refund", data.get("userErrors"))
            return (data.get("refund") or {}).get("id") or ""

    def _refund_input(self, order: dict, payload: dict, key: str) -> dict:
        paid = [
            t
            for t in order.get("transactions") or []
            if t.get("kind") in ("SALE", "CAPTURE") and t.get("status") == "SUCCESS"
        ]
        if not paid:
            raise ChannelRefused(f"Shopify's order {payload['external_id']} has no payment to refund.")
        parent = paid[-1]
        lines = [line for line in payload.get("lines") or [] if line.get("channel_line_id")]
        shipping = Decimal(str(payload.get("shipping_amount") or "0"))
        refund = {
            "orderId": order["id"],
            "note": f"OMS refund {payload['refund_id']} for {payload.get('rma', '')} [{key}]",
            "notify": True,
            "refundLineItems": [
                {
                    "lineItemId": LINE_GID.format(line["channel_line_id"]),
                    "quantity": int(line["quantity"]),
                    "restockType": "NO_RESTOCK",  # the OMS restocks what it received
                }
                for line in lines
            ],
            "transactions": [
                {
                    "orderId": order["id"],
                    "parentId": parent["id"],
                    "gateway": parent.get("gateway") or "",
                    "kind": "REFUND",
                    "amount": payload["amount"],
                }
            ],
        }
        if shipping > 0:
            refund["shipping"] = {"amount": str(shipping)}
        return refund
