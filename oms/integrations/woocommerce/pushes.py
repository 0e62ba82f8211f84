"""What the OMS tells WooCommerce (REST v3): a shipment (an order note to the customer with the
carrier and tracking, and the order `completed` once nothing is left to ship), a cancellation
(the order `cancelled`; units of lines as a zero-amount refund of those items, restocked), a
refund (POST /orders/{id}/refunds with its lines and `api_refund`, paid back through the
shop's payment gateway).

Idempotency at WooCommerce, for a retry after a lost answer: our key travels in the note or
the refund's reason, and is looked for before anything is created. Calls are made once
(attempts=1): the pushes and the refund task retry with their own backoff."""

from decimal import Decimal

from ..common.http import ChannelRefused


def _note_id(notes, key: str) -> str | None:
    for note in notes or []:
        if key in str(note.get("note") or ""):
            return str(note.get("id"))
    return None


def _refund_id(refunds, key: str) -> str | None:
    for refund in refunds or []:
        if key in str(refund.get("reason") or ""):
            return str(refund.get("id"))
    return None


class WooCommercePushes:
    """Mixed into WooCommerceAdapter: push_fulfillment, push_cancellation, request_refund."""

    def _push_client(self):
        from oms.integrations.connections.selectors import connection_of

        from .pull import client_for

        connection = connection_of(self.channel)
        if connection is None or not connection.api_base_url or not connection.api_key:
            raise ChannelRefused(f"Channel {self.channel.code} has no WooCommerce API access configured.")
        return client_for(connection, attempts=1)

    def push_fulfillment(self, payload: dict) -> str:
        order_id, key = payload["external_id"], payload["push_id"]
        with self._push_client() as client:
            existing = _note_id(client.json("GET", f"/orders/{order_id}/notes"), key)
            if existing is None:
                tracking = ", ".join(payload.get("tracking_numbers") or [])
                what = " ".join(part for part in (payload.get("carrier"), payload.get("service")) if part)
                items = ", ".join(
                    f"{line['quantity']} x {line['sku']}" for line in payload.get("lines") or []
                )
                text = f"Shipped with {what or 'the carrier'}: {items}."
                if tracking:
                    text += f" Tracking: {tracking}."
                if payload.get("tracking_url"):
                    text += f" {payload['tracking_url']}"
                note = client.json(
                    "POST",
                    f"/orders/{order_id}/notes",
                    json={"note": f"{text} [{key}]", "customer_note": True},
                )
                existing = str((note or {}).get("id") or "")
            if payload.get("order_shipped"):
                client.json("PUT", f"/orders/{order_id}", json={"status": "completed"})
            return f"note:{existing}"

    def push_cancellation(self, payload: dict) -> str:
        order_id, key = payload["external_id"], payload["push_id"]
        with self._push_client() as client:
            if not payload.get("lines"):
                order = client.json("GET", f"/orders/{order_id}") or {}
                if order.get("status") != "cancelled":
                    client.json(
                        "PUT",
                        f"/orders/{order_id}",
                        json={"status": "cancelled", "customer_note": ""},
                    )
                    client.json(
                        "POST",
                        f"/orders/{order_id}/notes",
                        json={
                            "note": f"Cancelled: {payload.get('reason', '')} [{key}]",
                            "customer_note": False,
                        },
                    )
                return f"order:{order_id}"
            existing = _refund_id(client.json("GET", f"/orders/{order_id}/refunds"), key)
            if existing:
                return f"refund:{existing}"
            refund = client.json(
                "POST",
                f"/orders/{order_id}/refunds",
                json={
                    "amount": "0.00",
                    "reason": f"Cancelled: {payload.get('reason', '')} [{key}]",
                    "api_refund": False,
                    "restock_items": bool(payload.get("restock")),
                    "line_items": [
                        {
                            "id": line["channel_line_id"],
                            "quantity": int(line["quantity"]),
                            "refund_total": "0.00",
                        }
                        for line in payload["lines"]
                        if line.get("channel_line_id")
                    ],
                },
            )
            return f"refund:{(refund or {}).get('id')}"

    def request_refund(self, refund_payload: dict) -> str:
        order_id = refund_payload["external_id"]
        key = f"oms-refund-{refund_payload.get('idempotency_key') or refund_payload['refund_id']}"
        with self._push_client() as client:
            existing = _refund_id(client.json("GET", f"/orders/{order_id}/refunds"), key)
            if existing:
                return existing
            lines = [line for line in refund_payload.get("lines") or [] if line.get("channel_line_id")]
            body = {
                "amount": refund_payload["amount"],
                "reason": f"OMS refund {refund_payload['refund_id']} [{key}]",
                "api_refund": True,
                "restock_items": False,  # the OMS restocks what it received
                "line_items": [
                    {
                        "id": line["channel_line_id"],
                        "quantity": int(line["quantity"]),
                        "refund_total": str(Decimal(str(line.get("amount") or "0"))),
                    }
                    for line in lines
                ],
            }
            refund = client.json("POST", f"/orders/{order_id}/refunds", json=body)
            if not isinstance(refund, dict) or not refund.get("id"):
                raise ChannelRefused(f"WooCommerce did not confirm the refund: {str(refund)[:300]}")
            return str(refund["id"])
