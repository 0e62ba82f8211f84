"""Issue 4's scenario with the whole system live: fulfillment sources and reserves on every
order signal, so each step is also visible in stock, reservations and the ledger."""

import pytest

from inventory.models import Location, StockLevel
from inventory.services import StockLine, stock_receive
from oms.core.actor import Actor
from oms.core.models import OutboxEvent
from orders.models import Order
from tests.fulfillment.invariants import assert_invariants

from .factories import LocationFactory, order_payload

pytestmark = [pytest.mark.django_db, pytest.mark.with_fulfillment]


def reserved(sku, location) -> int:
    level = StockLevel.objects.filter(sku=sku, location=location).first()
    return level.reserved if level else 0


def test_every_step_moves_stock_and_lands_on_the_timeline(api, web, skus):
    east = LocationFactory(code="wh-east", kind=Location.Kind.WAREHOUSE, can_pickup=False)
    shirt, cap = skus["TSHIRT-M"], skus["CAP-RED"]
    stock_receive(lines=[StockLine(shirt, east, 5), StockLine(cap, east, 5)], actor=Actor.system("test"))

    payload = order_payload(lines=[("TSHIRT-M", 2, "10.00"), ("MYSTERY-1", 1, "5.00")])
    payload["totals"] = {"total": "32.00"}
    created = api.post("/api/v1/orders/", payload, HTTP_IDEMPOTENCY_KEY="live-1")
    assert created.status_code == 201
    assert api.post("/api/v1/orders/", payload, HTTP_IDEMPOTENCY_KEY="live-1").json() == created.json()
    order = created.json()
    url = f"/api/v1/orders/{order['number']}"

    # Accepted on an exception hold, yet the known line is already reserved: no oversell while CS fixes it.
    assert order["status"] == "on_hold"
    assert reserved(shirt, east) == 2
    assert_invariants()

    [hold] = order["holds"]
    mystery = next(line for line in order["lines"] if line["sku"] == "MYSTERY-1")
    shirt_line = next(line for line in order["lines"] if line["sku"] == "TSHIRT-M")
    fixed = api.post(f"{url}/edit-lines/", {"update": [{"line_id": mystery["id"], "sku": "CAP-RED"}]})
    assert fixed.status_code == 200, fixed.json()
    released = api.post(f"{url}/holds/{hold['id']}/release/", {"reason": "SKU fixed"}).json()
    assert released["status"] == "allocated"
    assert (reserved(shirt, east), reserved(cap, east)) == (2, 1)
    assert_invariants()

    body = {"reason": "customer changed mind", "lines": [{"line_id": shirt_line["id"], "quantity": 1}]}
    cancelled = api.post(f"{url}/cancel-lines/", body).json()
    assert cancelled["lines"][0]["quantities"]["cancelled"] == 1
    assert reserved(shirt, east) == 1
    assert_invariants()

    address = {**payload["shipping_address"], "line1": "1 New Street"}
    final = api.post(f"{url}/edit-address/", {"shipping_address": address, "reason": "moved"}).json()
    assert final["status"] == "allocated"
    assert (reserved(shirt, east), reserved(cap, east)) == (1, 1)
    assert_invariants()

    kinds = [event["kind"] for event in final["timeline"]]
    for step in (
        "accepted",
        "hold_opened",
        "allocated",
        "lines_edited",
        "hold_released",
        "lines_cancelled",
        "deallocated",
        "address_changed",
    ):
        assert step in kinds, step
    topics = set(OutboxEvent.objects.filter(aggregate_id=order["number"]).values_list("topic", flat=True))
    assert {f"order.{kind}" for kind in kinds} == topics
    assert Order.objects.get(number=order["number"]).status == "allocated"


def _statements(queries) -> list[str]:
    """What production runs: the test's savepoint around the request stands in for the
    transaction's BEGIN and COMMIT, which Django does not count either."""
    return [q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]


def _intake_then_sourcing(api, callbacks_fixture, external_id: str, n_lines: int):
    """Queries of the intake request, then of the sourcing it left to run after its commit."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    codes = ["TSHIRT-M", "CAP-RED", "MUG-01", "SOCKS-3"]
    lines = [(codes[i % 4], 1, "1.00") for i in range(n_lines)]
    body = order_payload(external_id=external_id, lines=lines)
    with callbacks_fixture() as after_commit, CaptureQueriesContext(connection) as intake:
        response = api.post("/api/v1/orders/", body, HTTP_IDEMPOTENCY_KEY=f"key-{external_id}")
    assert response.status_code == 201
    with CaptureQueriesContext(connection) as sourcing:
        for callback in after_commit:
            callback()
    assert Order.objects.get(number=response.json()["number"]).status == "allocated"
    return _statements(intake), _statements(sourcing)


@pytest.mark.defer_on_commit  # the test runs the after-commit sourcing itself, to count it apart
def test_intake_and_its_sourcing_each_take_a_fixed_number_of_queries(
    api, web, skus, django_capture_on_commit_callbacks
):
    east = LocationFactory(code="wh-east", kind=Location.Kind.WAREHOUSE, can_pickup=False)
    stock_receive(lines=[StockLine(sku, east, 100) for sku in skus.values()], actor=Actor.system("test"))
    callbacks = django_capture_on_commit_callbacks
    _intake_then_sourcing(api, callbacks, "B-0", 1)  # warms caches (content types), as a running server has
    intake_two, sourcing_two = _intake_then_sourcing(api, callbacks, "B-2", 2)
    intake_twenty, sourcing_twenty = _intake_then_sourcing(api, callbacks, "B-20", 20)
    print(f"intake: {len(intake_two)} queries; sourcing after commit: {len(sourcing_two)} queries")
    # token, idempotency key claim, natural key check, SKUs, order, lines, event, outbox, answer stored
    assert len(intake_two) == len(intake_twenty) <= 15, "\n".join(intake_twenty)
    assert not [sql for sql in intake_two if "FOR UPDATE" in sql or "FOR NO KEY UPDATE" in sql]
    # stock locks, order lock, lines, locations, rules, fulfillment order and lines, reservations,
    # ledger, allocation report (lines, order, event, outbox); a short batch ends the run
    assert len(sourcing_two) == len(sourcing_twenty) <= 21, "\n".join(sourcing_twenty)


def test_an_unpaid_order_past_its_limit_is_cancelled_and_its_stock_released(prepaid, skus):
    from datetime import timedelta

    from django.utils import timezone

    from fulfillment.models import FulfillmentOrder
    from orders.tasks import cancel_expired_unpaid_orders

    from .factories import make_order

    east = LocationFactory(code="wh-east", kind=Location.Kind.WAREHOUSE, can_pickup=False)
    shirt = skus["TSHIRT-M"]
    stock_receive(lines=[StockLine(shirt, east, 3)], actor=Actor.system("test"))
    placed = (timezone.now() - timedelta(hours=prepaid.payment_due_hours + 1)).isoformat()
    order = make_order(prepaid, external_id="UNPAID-1", payment_status="pending", placed_at=placed)
    order = Order.objects.get(pk=order.pk)
    assert (order.status, order.held_from) == ("on_hold", "allocated")  # waits for payment, stock held
    assert reserved(shirt, east) == 2

    assert cancel_expired_unpaid_orders.delay().get() == 1

    order = Order.objects.get(pk=order.pk)
    assert order.status == "cancelled"
    assert reserved(shirt, east) == 0  # back on sale
    assert set(FulfillmentOrder.objects.filter(order=order).values_list("state", flat=True)) == {"cancelled"}
    assert_invariants()
