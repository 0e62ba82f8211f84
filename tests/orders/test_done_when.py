"""Issue 4, done when: post -> replay -> unknown SKU hold -> fix -> release -> cancel a line ->
edit the address; every step on the timeline and in the outbox."""

import pytest

from oms.core.models import OutboxEvent

from .factories import order_payload

pytestmark = pytest.mark.django_db


def test_a_client_posts_replays_fixes_cancels_and_edits_with_every_step_recorded(api, web, skus, signals):
    payload = order_payload(lines=[("TSHIRT-M", 2, "10.00"), ("MYSTERY-1", 1, "5.00")])
    payload["totals"] = {"total": "32.00"}  # 25.00 + 2.00 tax + 5.00 shipping

    first = api.post("/api/v1/orders/", payload, HTTP_IDEMPOTENCY_KEY="done-1")
    assert first.status_code == 201
    replay = api.post("/api/v1/orders/", payload, HTTP_IDEMPOTENCY_KEY="done-1")
    assert replay.json() == first.json()
    natural = api.post("/api/v1/orders/", payload)
    assert natural.status_code == 200 and natural.json()["number"] == first.json()["number"]

    order = first.json()
    url = f"/api/v1/orders/{order['number']}"
    assert order["status"] == "on_hold"
    [hold] = order["holds"]
    assert hold["kind"] == "exception" and "unknown SKU 'MYSTERY-1'" in hold["reason"]
    mystery = next(line for line in order["lines"] if line["sku"] == "MYSTERY-1")
    shirt = next(line for line in order["lines"] if line["sku"] == "TSHIRT-M")

    fixed = api.post(f"{url}/edit-lines/", {"update": [{"line_id": mystery["id"], "sku": "CAP-RED"}]})
    assert fixed.status_code == 200, fixed.json()
    assert fixed.json()["lines"][1]["sku_known"] is True
    released = api.post(f"{url}/holds/{hold['id']}/release/", {"reason": "SKU fixed"})
    assert released.json()["status"] == "new"
    assert [kwargs["order"].number for kwargs in signals.named("order_released")] == [order["number"]]

    cancelled = api.post(
        f"{url}/cancel-lines/", {"reason": "out of stock", "lines": [{"line_id": shirt["id"], "quantity": 1}]}
    )
    assert cancelled.json()["lines"][0]["quantities"]["cancelled"] == 1

    address = {**payload["shipping_address"], "line1": "1 New Street"}
    final = api.post(f"{url}/edit-address/", {"shipping_address": address, "reason": "customer moved"}).json()
    assert final["shipping_address"]["line1"] == "1 New Street"

    steps = [
        "accepted",
        "hold_opened",
        "status_changed",
        "lines_edited",
        "hold_released",
        "status_changed",
        "lines_cancelled",
        "address_changed",
    ]
    assert [event["kind"] for event in final["timeline"]] == steps
    outbox = OutboxEvent.objects.filter(aggregate_id=order["number"]).order_by("id")
    assert [row.topic for row in outbox] == [f"order.{step}" for step in steps]
    assert final["status"] == "new"
