"""Local stand-ins for Shopify's GraphQL Admin API and WooCommerce's REST API that keep state:
real HTTP servers on 127.0.0.1 in a thread that remember the fulfillments, cancellations, notes
and refunds made, and record every request. `fail_next(status, ...)` answers the next requests
with those errors (a 429 with Retry-After, a 503) before doing anything."""

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


class FakeStore:
    def __init__(self):
        self.requests: list[dict] = []
        self.failures: list[tuple[int, dict, object]] = []
        self.lock = threading.Lock()
        self.orders: dict[str, dict] = {}
        self.lose_answer = False
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                with owner.lock:
                    owner.requests.append({"method": self.command, "path": self.path, "json": body})
                    if owner.failures:
                        status, headers, answer = owner.failures.pop(0)
                    else:
                        status, headers, answer = owner.handle(self.command, urlsplit(self.path).path, body)
                        if owner.lose_answer:  # done, but the answer never arrives
                            owner.lose_answer = False
                            status, headers, answer = 502, {}, {"errors": "Bad Gateway"}
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = _serve

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def fail_next(self, status: int, *, retry_after: str | None = None, body=None, times: int = 1) -> None:
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        with self.lock:
            self.failures += [(status, headers, body or {"errors": f"HTTP {status}"})] * times

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    def handle(self, method: str, path: str, body):
        raise NotImplementedError


def _gid(kind: str, value) -> str:
    return f"gid://shopify/{kind}/{value}"


def _id(gid: str) -> str:
    return str(gid).rsplit("/", 1)[-1]


class FakeShopify(FakeStore):
    """POST {base}/admin/api/2025-07/graphql.json; the operation is told by its name."""

    API = "/admin/api/2025-07"

    @property
    def url(self) -> str:
        return self.base + self.API

    def add_order(self, external_id: str, lines: dict[str, int], *, paid: str = "100.00") -> None:
        """lines: {line item id: quantity}."""
        self.orders[external_id] = {
            "lines": dict(lines),
            "fulfilled": dict.fromkeys(lines, 0),
            "fulfillments": [],
            "cancelled_at": None,
            "cancel": None,
            "edits": [],
            "refunds": [],
            "paid": paid,
        }

    def operations(self, name: str) -> list[dict]:
        return [r["json"] for r in self.requests if r["json"] and f" {name}(" in r["json"].get("query", "")]

    def handle(self, method, path, body):
        if path != f"{self.API}/graphql.json" or method != "POST":
            return 404, {}, {"errors": "Not Found"}
        name = re.search(r"(?:query|mutation)\s+(\w+)", body["query"]).group(1)
        variables = body.get("variables") or {}
        return 200, {}, {"data": getattr(self, f"_{name}")(variables)}

    def _order(self, gid):
        return self.orders.get(_id(gid))

    def _OmsFulfillmentState(self, v):
        order = self._order(v["id"])
        if order is None:
            return {"order": None}
        items = [
            {
                "id": _gid("FulfillmentOrderLineItem", f"9{line_id}"),
                "remainingQuantity": qty - order["fulfilled"][line_id],
                "lineItem": {"id": _gid("LineItem", line_id)},
            }
            for line_id, qty in order["lines"].items()
        ]
        return {
            "order": {
                "id": v["id"],
                "fulfillments": [
                    {"id": f["id"], "trackingInfo": [{"number": n} for n in f["numbers"]]}
                    for f in order["fulfillments"]
                ],
                "fulfillmentOrders": {
                    "nodes": [
                        {
                            "id": _gid("FulfillmentOrder", _id(v["id"])),
                            "status": "OPEN",
                            "lineItems": {"nodes": items},
                        }
                    ]
                },
            }
        }

    def _OmsFulfillmentCreate(self, v):
        fulfillment = v["fulfillment"]
        order = self._order(_id(fulfillment["lineItemsByFulfillmentOrder"][0]["fulfillmentOrderId"]))
        for group in fulfillment["lineItemsByFulfillmentOrder"]:
            for item in group["fulfillmentOrderLineItems"]:
                line_id = _id(item["id"])[1:]
                if order["fulfilled"][line_id] + item["quantity"] > order["lines"][line_id]:
                    return {
                        "fulfillmentCreate": {"fulfillment": None, "userErrors": [{"message": "too many"}]}
                    }
                order["fulfilled"][line_id] += item["quantity"]
        made = {
            "id": _gid("Fulfillment", 5000 + len(order["fulfillments"]) + 1),
            "numbers": fulfillment["trackingInfo"]["numbers"],
            "company": fulfillment["trackingInfo"]["company"],
            "notify": fulfillment["notifyCustomer"],
        }
        order["fulfillments"].append(made)
        return {
            "fulfillmentCreate": {"fulfillment": {"id": made["id"], "status": "SUCCESS"}, "userErrors": []}
        }

    def _OmsCancelState(self, v):
        order = self._order(v["id"])
        return {"order": order and {"id": v["id"], "cancelledAt": order["cancelled_at"]}}

    def _OmsOrderCancel(self, v):
        order = self._order(v["orderId"])
        if order["cancelled_at"]:
            return {"orderCancel": {"job": None, "orderCancelUserErrors": [{"message": "already cancelled"}]}}
        order["cancelled_at"], order["cancel"] = "2026-12-01T10:00:00Z", v
        return {"orderCancel": {"job": {"id": _gid("Job", "77"), "done": False}, "orderCancelUserErrors": []}}

    def _OmsEditBegin(self, v):
        order = self._order(v["id"])
        nodes = [
            {
                "id": _gid("CalculatedLineItem", line_id),
                "quantity": qty,
                "lineItem": {"id": _gid("LineItem", line_id)},
            }
            for line_id, qty in order["lines"].items()
        ]
        order["edit"] = {}
        calculated = {"id": _gid("CalculatedOrder", _id(v["id"])), "lineItems": {"nodes": nodes}}
        return {"orderEditBegin": {"calculatedOrder": calculated, "userErrors": []}}

    def _OmsEditSetQuantity(self, v):
        order = self._order(v["id"])
        order["edit"][_id(v["lineItemId"])] = v["quantity"]
        return {"orderEditSetQuantity": {"calculatedLineItem": {"id": v["lineItemId"]}, "userErrors": []}}

    def _OmsEditCommit(self, v):
        order = self._order(v["id"])
        order["lines"] = {**order["lines"], **order.pop("edit")}
        order["edits"].append(v)
        return {"orderEditCommit": {"order": {"id": _gid("Order", _id(v["id"]))}, "userErrors": []}}

    def _OmsRefundState(self, v):
        order = self._order(v["id"])
        sale = {
            "id": _gid("OrderTransaction", "1"),
            "kind": "SALE",
            "status": "SUCCESS",
            "gateway": "shopify_payments",
            "amountSet": {"shopMoney": {"amount": order["paid"], "currencyCode": "USD"}},
        }
        return {
            "order": {
                "id": v["id"],
                "refunds": [{"id": r["id"], "note": r["note"]} for r in order["refunds"]],
                "transactions": [sale],
            }
        }

    def _OmsRefundCreate(self, v):
        order = self._order(v["input"]["orderId"])
        refund = {**v["input"], "id": _gid("Refund", 800 + len(order["refunds"]) + 1)}
        order["refunds"].append(refund)
        return {"refundCreate": {"refund": {"id": refund["id"], "note": refund["note"]}, "userErrors": []}}


class FakeWoo(FakeStore):
    """{base}/wp-json/wc/v3/orders/{id}[/notes|/refunds]."""

    API = "/wp-json/wc/v3"

    @property
    def url(self) -> str:
        return self.base + self.API

    def add_order(self, external_id: str, lines: dict[str, int], *, status: str = "processing") -> None:
        self.orders[external_id] = {"status": status, "lines": dict(lines), "notes": [], "refunds": []}

    def handle(self, method, path, body):
        match = re.fullmatch(rf"{self.API}/orders/(\w+)(?:/(notes|refunds))?", path)
        order = self.orders.get(match.group(1)) if match else None
        if order is None:
            return 404, {}, {"code": "woocommerce_rest_shop_order_invalid_id", "message": "Invalid ID."}
        what = match.group(2)
        if what is None and method == "GET":
            return 200, {}, {"id": int(match.group(1)), "status": order["status"]}
        if what is None and method == "PUT":
            order["status"] = body.get("status", order["status"])
            return 200, {}, {"id": int(match.group(1)), "status": order["status"]}
        if method == "GET":
            return 200, {}, order[what]
        row = {**body, "id": 300 + len(order["notes"]) + len(order["refunds"]) + 1}
        if what == "refunds":
            row["amount"] = body.get("amount")
        order[what].append(row)
        return 201, {}, row
