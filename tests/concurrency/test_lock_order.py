"""Every path that writes stock or order state, raced on PostgreSQL with real threads.

Each race goes through the REST API (what callers see: no 5xx, no deadlock) and ends with
the books whole: on_hand equals the ledger, reserved equals the open reservations,
0 <= reserved <= on_hand, and each piece of fulfillment work holds exactly its open units.
"""

import threading

import pytest
from django.contrib.auth.models import User
from django.db import connection, transaction
from rest_framework.test import APIClient

from fulfillment import services as fulfillment
from fulfillment.models import FulfillmentOrder
from inventory.models import Location, StockLevel
from oms.core.actor import Actor
from orders import services as orders
from orders.api.serializers import OrderIntakeSerializer
from orders.models import Order
from returns import services as returns
from tests.concurrency import run_together
from tests.conftest import api_token
from tests.fulfillment.factories import ChannelFactory, LocationFactory, SkuFactory, receive
from tests.fulfillment.invariants import assert_invariants

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ACTOR = Actor.system("race")
FO_URL = "/api/v1/fulfillment-orders"


@pytest.fixture
def world(transactional_db):
    """A channel with its token, an admin token, two warehouses and two SKUs."""
    channel = ChannelFactory(code="web", pay_later_allowed=True)
    channel_token = channel.issue_token()
    channel.save()
    admin = User.objects.create_superuser("race-admin", password="pass-1234-word")
    east = LocationFactory(code="wh-east", latitude="40.7", longitude="-74.0", priority=10)
    west = LocationFactory(code="wh-west", latitude="34.0", longitude="-118.2", priority=20)
    sku_a, sku_b = SkuFactory(code="RACE-A"), SkuFactory(code="RACE-B")
    return {
        "channel": channel,
        "channel_token": channel_token,
        "admin_token": api_token(admin),
        "east": east,
        "west": west,
        "a": sku_a,
        "b": sku_b,
    }


def client(token: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api


def order_body(external_id: str, lines: list[tuple[str, int]]) -> dict:
    return {
        "external_id": external_id,
        "placed_at": "2026-11-30T10:00:00Z",
        "currency": "USD",
        "customer": {"email": "race@example.com", "name": "Rae Cer"},
        "shipping_address": {
            "line1": "1 Main St",
            "city": "New York",
            "postal_code": "10001",
            "country_code": "US",
            "latitude": "40.75",
            "longitude": "-73.99",
        },
        "lines": [{"sku": sku, "quantity": quantity, "unit_price": "5.00"} for sku, quantity in lines],
        "totals": {"total": f"{5 * sum(q for _, q in lines):.2f}"},
        "payment_status": "paid",
    }


def post_order(world, external_id: str, lines: list[tuple[str, int]]) -> tuple[int, dict]:
    response = client(world["channel_token"]).post("/api/v1/orders/", order_body(external_id, lines))
    return response.status_code, response.json()


def place(world, external_id: str, lines: list[tuple[str, int]]) -> Order:
    status, body = post_order(world, external_id, lines)
    assert status == 201, body
    return Order.objects.get(number=body["number"])


def fos_of(order: Order) -> list[FulfillmentOrder]:
    return list(FulfillmentOrder.objects.filter(order=order).exclude(state="cancelled").order_by("pk"))


def packed(fo: FulfillmentOrder) -> FulfillmentOrder:
    fulfillment.fulfillment_start_picking(fo=fo, actor=ACTOR)
    fulfillment.fulfillment_confirm_pick(fo=fo, picked={}, actor=ACTOR)
    return fulfillment.fulfillment_pack(fo=fo, actor=ACTOR)


def ship_body(fo: FulfillmentOrder) -> dict:
    lines = [
        {"line": line.pk, "quantity": line.quantity_open} for line in fo.lines.all() if line.quantity_open
    ]
    return {"packages": [{"carrier": "UPS", "tracking_number": f"1Z{fo.pk:016d}", "lines": lines}]}


def ship_everything(order: Order) -> None:
    for fo in fos_of(order):
        fo = packed(fo)
        fulfillment.fulfillment_ship(
            fo=fo,
            packages=[
                {
                    "carrier": "UPS",
                    "tracking_number": f"1Z{fo.pk:016d}",
                    "lines": {line.pk: line.quantity_open for line in fo.lines.all()},
                }
            ],
            actor=ACTOR,
        )


def level(sku, location) -> tuple[int, int]:
    row = StockLevel.objects.get(sku=sku, location=location)
    return row.on_hand, row.reserved


def assert_no_server_errors(results) -> list[int]:
    """Every worker got an answer, and none was a 5xx (a deadlock would be a 500 or a 503)."""
    errors = [result for result in results if isinstance(result, Exception)]
    assert not errors, errors
    statuses = [status for status, _ in results]
    assert all(status < 500 for status in statuses), [r for r in results if r[0] >= 500]
    return statuses


def test_shipments_of_two_sku_orders_with_lines_in_opposite_orders(world):
    receive(world["a"], world["east"], 100)
    receive(world["b"], world["east"], 100)
    orders_placed = [
        place(world, f"SHIP-{i}", [("RACE-A", 1), ("RACE-B", 2)] if i % 2 else [("RACE-B", 2), ("RACE-A", 1)])
        for i in range(16)
    ]
    fos = [packed(fos_of(order)[0]) for order in orders_placed]
    admin = world["admin_token"]

    def ship(index):
        response = client(admin).post(f"{FO_URL}/{fos[index].pk}/ship/", ship_body(fos[index]))
        return response.status_code, response.json()

    statuses = assert_no_server_errors(run_together(ship, len(fos)))
    assert statuses == [200] * 16
    assert level(world["a"], world["east"]) == (84, 0)
    assert level(world["b"], world["east"]) == (68, 0)
    assert set(Order.objects.values_list("status", flat=True)) == {"shipped"}
    assert_invariants()


def test_shipping_while_intake_sources_the_same_skus(world):
    receive(world["a"], world["east"], 60)
    receive(world["b"], world["east"], 60)
    fos = [packed(fos_of(place(world, f"OLD-{i}", [("RACE-A", 1), ("RACE-B", 1)]))[0]) for i in range(8)]
    admin = world["admin_token"]

    def work(index):
        if index % 2:
            fo = fos[index // 2]
            response = client(admin).post(f"{FO_URL}/{fo.pk}/ship/", ship_body(fo))
            return response.status_code, response.json()
        return post_order(world, f"NEW-{index}", [("RACE-B", 2), ("RACE-A", 2)])

    statuses = assert_no_server_errors(run_together(work, 16))
    assert sorted(statuses) == [200] * 8 + [201] * 8
    new_orders = Order.objects.filter(external_id__startswith="NEW-")
    assert set(new_orders.values_list("status", flat=True)) == {"allocated"}  # every one sourced
    assert level(world["a"], world["east"]) == (52, 16)
    assert_invariants()


def test_cancels_race_receipts_of_one_sku(world):
    receive(world["a"], world["east"], 30)
    placed = [place(world, f"CXL-{i}", [("RACE-A", 1)]) for i in range(30)]
    admin = world["admin_token"]

    def work(index):
        api = client(admin)
        if index % 2:
            order = placed[index // 2]
            response = api.post(f"/api/v1/orders/{order.number}/cancel/", {"reason": "customer changed mind"})
        else:
            body = {
                "location": "wh-east",
                "lines": [{"sku": "RACE-A", "quantity": 1}],
                "reference": f"PO-{index}",
            }
            response = api.post("/api/v1/stock/receipts/", body)
        return response.status_code, response.json()

    for _round in range(2):
        statuses = assert_no_server_errors(run_together(work, 60 if _round == 0 else 30))
        assert set(statuses) <= {200, 201, 409}, statuses
    assert Order.objects.filter(external_id__startswith="CXL-", status="cancelled").count() == 30
    on_hand, reserved = level(world["a"], world["east"])
    assert (on_hand, reserved) == (30 + 30 + 15, 0)
    assert_invariants()


def test_reroute_races_cancel_of_the_same_order(world):
    receive(world["a"], world["east"], 10)
    receive(world["a"], world["west"], 10)
    placed = [place(world, f"RR-{i}", [("RACE-A", 1)]) for i in range(8)]
    admin = world["admin_token"]

    def work(index):
        order = placed[index // 2]
        api = client(admin)
        if index % 2:
            fo = fos_of(order)[0]
            response = api.post(f"{FO_URL}/{fo.pk}/reroute/", {"location": "wh-west", "reason": "closer"})
        else:
            response = api.post(f"/api/v1/orders/{order.number}/cancel/", {"reason": "duplicate"})
        return response.status_code, response.json()

    statuses = assert_no_server_errors(run_together(work, 16))
    assert set(statuses) <= {200, 409}, statuses
    assert set(Order.objects.values_list("status", flat=True)) == {"cancelled"}
    assert level(world["a"], world["east"])[1] == level(world["a"], world["west"])[1] == 0
    assert_invariants()


def test_short_picks_race_intake_of_the_same_sku(world):
    receive(world["a"], world["east"], 8)
    receive(world["a"], world["west"], 40)
    fos = []
    for i in range(8):
        fo = fos_of(place(world, f"SP-{i}", [("RACE-A", 1)]))[0]
        fos.append(fulfillment.fulfillment_start_picking(fo=fo, actor=ACTOR))
    admin = world["admin_token"]

    def work(index):
        if index % 2:
            fo = fos[index // 2]
            line = fo.lines.get()
            body = {"lines": [{"line": line.pk, "quantity": 0}]}  # nothing found on the shelf
            response = client(admin).post(f"{FO_URL}/{fo.pk}/confirm-pick/", body)
            return response.status_code, response.json()
        return post_order(world, f"SPN-{index}", [("RACE-A", 2)])

    statuses = assert_no_server_errors(run_together(work, 16))
    assert sorted(statuses) == [200] * 8 + [201] * 8
    assert set(Order.objects.values_list("status", flat=True)) == {"allocated"}  # all sourced
    for order in Order.objects.filter(external_id__startswith="SP-"):  # re-sourced away from east
        assert [fo.location.code for fo in fos_of(order)] == ["wh-west"]
    assert_invariants()


def test_return_receiving_races_intake_that_waits_for_the_units(world):
    receive(world["a"], world["east"], 8)
    shipped = [place(world, f"RET-{i}", [("RACE-A", 1)]) for i in range(8)]
    for order in shipped:
        ship_everything(order)
    rmas = []
    for order in shipped:
        line = order.lines.get()
        rma = returns.return_create(
            order=order,
            lines=[{"order_line": line, "quantity": 1, "reason_code": "size_or_fit"}],
            actor=ACTOR,
        )
        rmas.append(returns.return_authorize(rma=rma, actor=ACTOR))
    assert level(world["a"], world["east"]) == (0, 0)
    admin = world["admin_token"]

    def work(index):
        if index % 2:
            rma = rmas[index // 2]
            line = rma.lines.get()
            body = {
                "location": "wh-east",
                "lines": [
                    {"return_line": line.pk, "quantity": 1, "condition": "new", "disposition": "restock"}
                ],
            }
            response = client(admin).post(f"/api/v1/returns/{rma.number}/receive/", body)
            return response.status_code, response.json()
        return post_order(world, f"WAIT-{index}", [("RACE-A", 1)])

    statuses = assert_no_server_errors(run_together(work, 16))
    assert sorted(statuses) == [200] * 8 + [201] * 8, statuses
    assert level(world["a"], world["east"])[0] == 8  # every returned unit back on the shelf
    waiting = Order.objects.filter(external_id__startswith="WAIT-")
    # the restocked units went to the new orders, whichever came first
    assert sum(line.quantity_allocated for o in waiting for line in o.lines.all()) == 8
    assert_invariants()


def test_edits_race_shipments_of_the_same_orders(world):
    receive(world["a"], world["east"], 50)
    receive(world["b"], world["east"], 50)
    placed = [place(world, f"ED-{i}", [("RACE-A", 1), ("RACE-B", 1)]) for i in range(8)]
    fos = [packed(fos_of(order)[0]) for order in placed]
    admin = world["admin_token"]

    def work(index):
        order, fo = placed[index // 2], fos[index // 2]
        api = client(admin)
        if index % 2:
            response = api.post(f"{FO_URL}/{fo.pk}/ship/", ship_body(fo))
        else:
            line_b = order.lines.get(line_number=2)
            body = {"update": [{"line_id": line_b.pk, "quantity": 3}], "reason": "customer wants more"}
            response = api.post(f"/api/v1/orders/{order.number}/edit-lines/", body)
        return response.status_code, response.json()

    statuses = assert_no_server_errors(run_together(work, 16))
    assert set(statuses) <= {200, 409}, statuses
    for order in placed:
        line_b = order.lines.get(line_number=2)
        assert line_b.quantity_shipped + line_b.quantity_allocated == line_b.quantity  # nothing lost
    assert_invariants()


def test_writes_on_different_orders_of_one_channel_run_side_by_side(world):
    """Intakes and holds of different orders of one channel hold their transactions open at the
    same time: none waits for another (the channel row is never locked), so N of them take
    about as long as one. A hidden channel-wide lock would leave workers stuck before the
    barrier and break it."""
    existing = [place(world, f"SIDE-{i}", [("RACE-A", 1)]) for i in range(4)]
    channel = world["channel"]
    workers = 8
    all_written = threading.Barrier(workers, timeout=15)

    def work(index):
        with transaction.atomic():
            if index % 2:
                orders.order_hold(order=existing[index // 2], kind="manual", reason="check", actor=ACTOR)
            else:
                data = OrderIntakeSerializer(data=order_body(f"SIDE-NEW-{index}", [("RACE-B", 1)]))
                data.is_valid(raise_exception=True)
                orders.order_intake(data=data.validated_data, channel=channel, actor=ACTOR)
            all_written.wait()  # every transaction is past its writes, none committed yet
        return "done"

    results = run_together(work, workers)
    assert results == ["done"] * workers, results
    assert Order.objects.filter(channel=channel).count() == 8


def test_a_real_deadlock_is_retried_and_both_sides_succeed(world):
    """Two transactions that lock the same two rows in opposite orders: PostgreSQL kills one
    with `deadlock detected`; run_atomic runs it again and both finish."""
    from oms.core.transactions import run_atomic

    rows = sorted(Location.objects.values_list("pk", flat=True))[:2]
    both_hold_one = threading.Barrier(2, timeout=15)
    attempts = []

    def work(index):
        first, second = rows if index == 0 else rows[::-1]

        def locked_in_opposite_orders():
            attempts.append(index)
            with connection.cursor() as cursor:
                cursor.execute("SELECT id FROM inventory_location WHERE id = %s FOR UPDATE", [first])
                if len(attempts) <= 2:
                    both_hold_one.wait()
                cursor.execute("SELECT id FROM inventory_location WHERE id = %s FOR UPDATE", [second])
            return "committed"

        return run_atomic(locked_in_opposite_orders)

    assert run_together(work, 2) == ["committed", "committed"]
    assert len(attempts) == 3  # the victim of the deadlock ran a second time
