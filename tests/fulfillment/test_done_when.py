"""The issue's "Done when", end to end through the services, checking that stock,
reservations, ledger and order status agree at every step."""

import pytest

from fulfillment import services
from fulfillment.models import FulfillmentOrder, Shipment
from inventory.models import StockLevel
from oms.core.models import OutboxEvent
from orders.models import OrderEvent

from .factories import ACTOR, LocationFactory, SkuFactory, accept, fresh, make_order, receive
from .invariants import assert_invariants

pytestmark = pytest.mark.django_db


def level(sku, location):
    row = StockLevel.objects.get(sku=sku, location=location)
    return row.on_hand, row.reserved


def test_two_line_order_split_short_picked_resourced_packed_and_shipped(east, west, sku_a, sku_b):
    backup = LocationFactory(code="wh-south", latitude="33.748995", longitude="-84.387982", priority=30)
    receive(sku_a, east, 5)
    receive(sku_b, west, 4)
    receive(sku_b, backup, 2)
    order = accept(make_order([(sku_a, 2), (sku_b, 2)]))
    line_a, line_b = order.lines.order_by("line_number")

    # Split in two: A from east; B from west (no rule: fewest shipments, ties by priority)
    assert order.status == "allocated"
    fos = {fo.location.code: fo for fo in FulfillmentOrder.objects.filter(order=order)}
    assert set(fos) == {"wh-east", "wh-west"}
    fo_a, fo_b = fos["wh-east"], fos["wh-west"]
    assert level(sku_a, east) == (5, 2)
    assert level(sku_b, west) == (4, 2)
    assert level(sku_b, backup) == (2, 0)
    assert_invariants()
    allocated = OrderEvent.objects.filter(order=order, kind="allocated").last()
    assert "split over 2 locations" in allocated.message

    # Pick: A complete, B short by one -> the missing unit is sourced elsewhere
    for fo in (fo_a, fo_b):
        services.fulfillment_start_picking(fo=fo, actor=ACTOR)
    services.fulfillment_confirm_pick(fo=fo_a, picked={}, actor=ACTOR)
    line_fo_b = fo_b.lines.get()
    _, plan = services.fulfillment_confirm_pick(fo=fo_b, picked={line_fo_b.pk: 1}, actor=ACTOR)
    assert plan is not None and plan.allocations
    other = FulfillmentOrder.objects.filter(order=order, state="pending").get()
    assert other.location == backup
    assert other.lines.get().quantity == 1
    assert level(sku_b, west) == (4, 1)  # the missing unit's reservation is released
    assert level(sku_b, backup) == (2, 1)
    assert "Not considered: wh-west (short-picked there)" in (
        OrderEvent.objects.filter(order=order, kind="allocated").last().message
    )
    order = fresh(order)
    assert order.status == "allocated"
    assert_invariants()

    # Pack and ship the first two with tracking numbers (east in two packages)
    services.fulfillment_pack(fo=fo_a, actor=ACTOR)
    services.fulfillment_pack(fo=fo_b, actor=ACTOR)
    line_fo_a = fo_a.lines.get()
    services.fulfillment_ship(
        fo=fo_a,
        packages=[
            {
                "carrier": "UPS",
                "service": "Ground",
                "tracking_number": "1Z0000000000000001",
                "lines": {line_fo_a.pk: 1},
            },
            {
                "carrier": "UPS",
                "service": "Ground",
                "tracking_number": "1Z0000000000000002",
                "lines": {line_fo_a.pk: 1},
            },
        ],
        actor=ACTOR,
    )
    assert level(sku_a, east) == (3, 0)
    order = fresh(order)
    assert order.status == "partially_shipped"
    fo_a = fresh(fo_a)
    assert fo_a.state == "shipped"
    assert_invariants()

    services.fulfillment_ship(
        fo=fo_b,
        packages=[
            {"carrier": "USPS", "tracking_number": "9400111899223197428490", "lines": {line_fo_b.pk: 1}}
        ],
        actor=ACTOR,
    )
    order = fresh(order)
    assert order.status == "partially_shipped"
    assert_invariants()

    # The re-sourced unit goes through its own pick / pack / ship
    services.fulfillment_start_picking(fo=other, actor=ACTOR)
    services.fulfillment_confirm_pick(fo=other, picked={}, actor=ACTOR)
    services.fulfillment_pack(fo=other, actor=ACTOR)
    services.fulfillment_ship(
        fo=other,
        packages=[
            {"carrier": "FedEx", "tracking_number": "123456789012", "lines": {other.lines.get().pk: 1}}
        ],
        actor=ACTOR,
    )
    order = fresh(order)
    assert order.status == "shipped"
    line_a = fresh(line_a)
    line_b = fresh(line_b)
    assert (line_a.quantity_shipped, line_b.quantity_shipped) == (2, 2)
    assert sorted(Shipment.objects.values_list("tracking_number", flat=True)) == [
        "123456789012",
        "1Z0000000000000001",
        "1Z0000000000000002",
        "9400111899223197428490",
    ]
    shipped_events = OrderEvent.objects.filter(order=order, kind="shipped")
    assert shipped_events.first().payload["tracking_numbers"] == ["1Z0000000000000001", "1Z0000000000000002"]
    assert_invariants()

    kinds = list(OrderEvent.objects.filter(order=order).values_list("kind", flat=True))
    for kind in ("allocated", "picking_started", "picked", "deallocated", "packed", "shipped"):
        assert kind in kinds, kind
    assert OutboxEvent.objects.filter(topic="order.packed", aggregate_id=order.number).count() == 3

    for fo in FulfillmentOrder.objects.filter(order=order, state="shipped"):
        services.fulfillment_mark_delivered(fo=fo, actor=ACTOR)
    order = fresh(order)
    assert order.status == "completed"
    assert_invariants()


def test_pickup_order_ends_collected(store, east, sku_a):
    receive(sku_a, store, 3)
    receive(sku_a, east, 10)
    order = accept(make_order([(sku_a, 2)], delivery_method="pickup", pickup_location=store))
    fo = FulfillmentOrder.objects.get(order=order)
    assert (fo.location, fo.kind) == (store, "pickup")
    assert level(sku_a, store) == (3, 2)
    services.fulfillment_start_picking(fo=fo, actor=ACTOR)
    services.fulfillment_confirm_pick(fo=fo, picked={}, actor=ACTOR)
    services.fulfillment_pack(fo=fo, actor=ACTOR)
    services.fulfillment_ready_for_pickup(fo=fo, actor=ACTOR)
    assert_invariants()
    services.fulfillment_collect(fo=fo, collected_by="Pat Doe (ID checked)", actor=ACTOR)
    fo = fresh(fo)
    order = fresh(order)
    assert fo.state == "collected"
    assert fo.collected_by == "Pat Doe (ID checked)"
    assert order.status == "completed"
    assert level(sku_a, store) == (1, 0)
    assert level(sku_a, east) == (10, 0)
    assert_invariants()


def test_dropship_line_goes_to_its_vendor(east, vendor):
    regular = SkuFactory(code="REG-1")
    special = SkuFactory(code="VEND-1", dropship_vendor=vendor)
    receive(regular, east, 5)
    receive(special, vendor, 50)
    receive(special, east, 50)  # ignored: only the vendor ships it
    order = accept(make_order([(regular, 1), (special, 2)]))
    fos = {fo.location.code: fo for fo in FulfillmentOrder.objects.filter(order=order)}
    assert set(fos) == {"wh-east", "vendor-acme"}
    drop = fos["vendor-acme"]
    assert drop.kind == "dropship"
    assert level(special, vendor) == (50, 2)
    assert level(special, east) == (50, 0)
    assert (
        "drop-shipped by its vendor vendor-acme"
        in OrderEvent.objects.get(order=order, kind="allocated").message
    )

    services.fulfillment_send_to_vendor(fo=drop, actor=ACTOR)
    services.fulfillment_ship(
        fo=drop,
        packages=[{"carrier": "DHL", "tracking_number": "1234567890", "lines": {drop.lines.get().pk: 2}}],
        actor=ACTOR,
    )
    drop = fresh(drop)
    order = fresh(order)
    assert drop.state == "shipped"
    assert order.status == "partially_shipped"
    assert level(special, vendor) == (48, 0)
    assert_invariants()
