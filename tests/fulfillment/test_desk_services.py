"""The warehouse desk's services: scan picking, short picks, packages, the carrier registry,
changes after packing, pickups (ready, collected, not collected), batches and drop-ship."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fulfillment import services
from fulfillment.errors import FulfillmentConflict, FulfillmentError
from fulfillment.models import Carrier, FulfillmentChange, FulfillmentOrder, Package, PickBatch, Shipment
from inventory.models import Location, StockLevel
from inventory.services import stock_set_bin
from oms.core.models import OutboxEvent
from orders import services as order_services
from orders.models import Order, OrderEvent

from .factories import ACTOR, UPS, accept, fresh, make_order, receive
from .invariants import assert_invariants

pytestmark = pytest.mark.django_db


def fo_of(order, **filters) -> FulfillmentOrder:
    return FulfillmentOrder.objects.filter(order=order, **filters).get()


def scanned(fo, code, quantity=1):
    return services.fulfillment_scan_pick(fo=fo, code=code, quantity=quantity, actor=ACTOR)


def reserved(sku, location) -> int:
    return StockLevel.objects.get(sku=sku, location=location).reserved


@pytest.fixture
def shirts(east, sku_a, sku_b):
    sku_a.barcode = "4001234567890"
    sku_a.save()
    receive(sku_a, east, 10)
    receive(sku_b, east, 10)
    return accept(make_order([(sku_a, 3), (sku_b, 1)]))


def test_scans_pick_units_refuse_wrong_items_and_over_picks_and_complete_the_pick(shirts, sku_a, sku_b):
    fo = fo_of(shirts)
    result = scanned(fo, "4001234567890", 2)  # the barcode, two units: picking starts with the scan
    assert (result.line.quantity_picked, result.complete, fresh(fo).state) == (2, False, "picking")
    with pytest.raises(FulfillmentError, match="Wrong item: MUG-X is not on pick list") as wrong:
        scanned(fo, "MUG-X")
    assert wrong.value.code == "wrong_item"
    with pytest.raises(FulfillmentError, match="Too many SHIRT-A: 2 of 3 picked, 1 more") as over:
        scanned(fo, "shirt-a", 2)
    assert over.value.code == "over_pick"
    scanned(fo, " shirt-a ")
    assert fresh(fo).picked_at is None
    assert scanned(fo, sku_b.code).complete
    fo = fresh(fo)
    assert fo.picked_at is not None
    assert OrderEvent.objects.filter(order=shirts, kind="picked").exists()
    with pytest.raises(FulfillmentConflict, match="picked already"):
        scanned(fo, sku_b.code)


def test_a_short_pick_is_sourced_elsewhere_at_once(shirts, west, sku_a, sku_b):
    receive(sku_a, west, 5)
    fo = fo_of(shirts)
    scanned(fo, sku_b.code)
    line = fo.lines.get(sku=sku_a)
    result = services.fulfillment_short_pick(fo=fo, line_id=line.pk, found=1, actor=ACTOR)
    assert result.complete  # the other line was scanned: the pick is done
    assert [(a.location_id, a.quantity) for a in result.plan.allocations] == [(west.pk, 2)]
    line.refresh_from_db()
    assert (line.quantity, line.quantity_picked) == (1, 1)
    assert fo_of(shirts, location=west).lines.get().quantity == 2
    assert fresh(fo).picked_at is not None
    assert_invariants()


def test_a_short_pick_with_nowhere_else_backorders(shirts, sku_a):
    fo = fo_of(shirts)
    line = fo.lines.get(sku=sku_a)
    result = services.fulfillment_short_pick(fo=fo, line_id=line.pk, found=0, actor=ACTOR)
    assert result.plan.backordered == {line.order_line_id: 3}
    assert not result.complete  # SHIRT-A is gone, MUG-B is still to scan
    assert fresh(shirts).status == "backordered"
    with pytest.raises(FulfillmentError, match="fewer than that"):
        services.fulfillment_short_pick(
            fo=fo, line_id=fo.lines.exclude(pk=line.pk).get().pk, found=1, actor=ACTOR
        )


def picked(order) -> FulfillmentOrder:
    fo = fo_of(order)
    for line in fo.lines.select_related("sku"):
        scanned(fo, line.sku.code, line.quantity)
    return fresh(fo)


def two_packages(fo, sku_a):
    lines = {line.sku_id: line.pk for line in fo.lines.all()}
    return [
        {"weight_grams": 1200, "lines": {lines[sku_a.pk]: 2}},
        {
            "weight_grams": 800,
            "length_mm": 300,
            "width_mm": 200,
            "height_mm": 100,
            "lines": {lines[sku_a.pk]: 1, **{pk: 1 for sku, pk in lines.items() if sku != sku_a.pk}},
        },
    ]


def test_packing_puts_every_picked_unit_in_a_weighed_package(shirts, sku_a):
    fo = picked(shirts)
    lines = {line.sku_id: line.pk for line in fo.lines.all()}
    with pytest.raises(FulfillmentError, match="3 picked, 2 packed"):
        services.fulfillment_pack(
            fo=fo, packages=[{"weight_grams": 5, "lines": {lines[sku_a.pk]: 2}}], actor=ACTOR
        )
    with pytest.raises(FulfillmentError, match="Package 1: weigh it"):
        services.fulfillment_pack(fo=fo, packages=[{"lines": dict.fromkeys(lines.values(), 9)}], actor=ACTOR)
    with pytest.raises(FulfillmentError, match="length, width and height, or none"):
        services.fulfillment_pack(
            fo=fo,
            packages=[{"weight_grams": 5, "length_mm": 10, "lines": dict.fromkeys(lines.values(), 1)}],
            actor=ACTOR,
        )
    services.fulfillment_pack(fo=fo, packages=two_packages(fo, sku_a), actor=ACTOR)
    packages = list(Package.objects.filter(fulfillment_order=fo).order_by("pk"))
    assert [(p.number, p.weight_kg, p.dimensions) for p in packages] == [
        (f"{fo.number}-P1", "1.2 kg", ""),
        (f"{fo.number}-P2", "0.8 kg", "30 x 20 x 10 cm"),
    ]
    assert "into 2 packages (1.2 kg, 0.8 kg)" in OrderEvent.objects.get(order=shirts, kind="packed").message


def test_packages_ship_with_registry_carriers_checked_tracking_and_links(shirts, sku_a):
    fo = picked(shirts)
    services.fulfillment_pack(fo=fo, packages=two_packages(fo, sku_a), actor=ACTOR)
    first, second = Package.objects.filter(fulfillment_order=fo).order_by("pk")

    def ship(*packages):
        return services.fulfillment_ship(fo=fresh(fo), packages=list(packages), actor=ACTOR)

    with pytest.raises(FulfillmentError, match="'Acme Post' is not a carrier we ship with") as unknown:
        ship({"carrier": "Acme Post", "package": first.pk})
    assert unknown.value.code == "unknown_carrier"
    with pytest.raises(FulfillmentError, match="1Z123 is not a UPS tracking number") as wrong:
        ship({"carrier": "ups", "tracking_number": "1z 123", "package": first.pk})
    assert wrong.value.details["field"] == "packages.0.tracking_number"
    with pytest.raises(FulfillmentError, match="UPS needs a tracking number"):
        ship({"carrier": "UPS", "package": first.pk})
    with pytest.raises(FulfillmentError, match="UPS has no service 'Teleport'"):
        ship({"carrier": "UPS", "service": "Teleport", "tracking_number": UPS, "package": first.pk})
    ship(
        {
            "carrier": "ups",
            "service": "Ground",
            "tracking_number": "1z999aa1 0123456784",
            "package": first.pk,
        },
        {"carrier": "FedEx", "tracking_number": "123456789012", "package": second.pk},
    )
    shipments = list(Shipment.objects.filter(fulfillment_order=fo).order_by("pk"))
    assert [(s.carrier, s.tracking_number, s.tracking_url) for s in shipments] == [
        ("UPS", UPS, f"https://www.ups.com/track?tracknum={UPS}"),
        ("FedEx", "123456789012", "https://www.fedex.com/fedextrack/?trknbr=123456789012"),
    ]
    assert [p.shipment_id for p in Package.objects.filter(fulfillment_order=fo).order_by("pk")] == [
        s.pk for s in shipments
    ]
    assert fresh(fo).state == "shipped"
    event = OrderEvent.objects.get(order=shirts, kind="shipped")
    assert event.message == f"Shipped at wh-east ({fo.number}): UPS Ground {UPS}; FedEx 123456789012."
    assert_invariants()


def test_an_admin_added_carrier_is_checked_like_the_others(shirts):
    carrier = Carrier(
        code="lasership", name="LaserShip", tracking_pattern="1LS[0-9", tracking_url_template="x"
    )
    with pytest.raises(ValidationError) as refused:
        carrier.full_clean()
    assert {"tracking_pattern", "tracking_url_template"} <= set(refused.value.message_dict)
    Carrier.objects.create(
        code="lasership",
        name="LaserShip",
        tracking_pattern=r"1LS\d{12}",
        tracking_url_template="https://t.example/{tracking_number}",
    )
    fo = picked(shirts)
    services.fulfillment_pack(fo=fo, actor=ACTOR)
    package = Package.objects.get(fulfillment_order=fo)
    services.fulfillment_ship(
        fo=fresh(fo),
        packages=[{"carrier": "LaserShip", "tracking_number": "1LS000000000042", "package": package.pk}],
        actor=ACTOR,
    )
    assert Shipment.objects.get().tracking_url == "https://t.example/1LS000000000042"


# --- work changed after packing (issue 13 and 15) ---


def packed_shirts(shirts, sku_a) -> FulfillmentOrder:
    fo = picked(shirts)
    return services.fulfillment_pack(fo=fo, packages=two_packages(fo, sku_a), actor=ACTOR)


def test_units_cancelled_from_packed_work_must_be_confirmed_before_it_ships(shirts, east, sku_a):
    fo = packed_shirts(shirts, sku_a)
    line = shirts.lines.get(sku=sku_a)
    order_services.order_cancel_lines(
        order=shirts, quantities={line.pk: 1}, reason="customer asked", actor=ACTOR
    )
    change = FulfillmentChange.objects.get(fulfillment_order=fo)
    assert change.kind == "cancelled" and change.confirmed_at is None
    assert "1 x SHIRT-A" in change.message and "put them back on the shelf" in change.message
    assert reserved(sku_a, east) == 2  # the cancelled unit is back on sale
    assert OrderEvent.objects.filter(order=shirts, kind="fulfillment_change_pending").exists()
    with pytest.raises(FulfillmentConflict, match="changed after it was packed") as refused:
        services.fulfillment_ship(
            fo=fresh(fo), packages=[{"carrier": "UPS", "tracking_number": UPS, "lines": {}}], actor=ACTOR
        )
    assert refused.value.code == "change_unconfirmed"

    fo_lines = {line.sku_id: line.pk for line in fo.lines.all()}
    with pytest.raises(FulfillmentError, match="3 packed, but only 2 picked"):
        services.fulfillment_confirm_changes(fo=fresh(fo), packages=two_packages(fo, sku_a), actor=ACTOR)
    repacked = [
        {
            "weight_grams": 900,
            "lines": {fo_lines[sku_a.pk]: 2, **{pk: 1 for s, pk in fo_lines.items() if s != sku_a.pk}},
        }
    ]
    services.fulfillment_confirm_changes(fo=fresh(fo), packages=repacked, actor=ACTOR)
    assert FulfillmentChange.objects.get().confirmed_at is not None
    package = Package.objects.get(fulfillment_order=fo)  # the old two are gone
    services.fulfillment_ship(
        fo=fresh(fo),
        packages=[{"carrier": "UPS", "tracking_number": UPS, "package": package.pk}],
        actor=ACTOR,
    )
    assert fresh(fo).state == "shipped"
    assert_invariants()


def test_a_packed_order_cancelled_whole_is_unpacked_on_confirmation(shirts, east, sku_a, sku_b):
    fo = packed_shirts(shirts, sku_a)
    order_services.order_cancel(order=shirts, reason="fraud", actor=ACTOR)
    assert fresh(fo).state == "cancelled"
    assert (reserved(sku_a, east), reserved(sku_b, east)) == (0, 0)
    services.fulfillment_confirm_changes(fo=fresh(fo), actor=ACTOR)
    assert not Package.objects.filter(fulfillment_order=fo).exists()
    assert (
        "unpacked; the items are back on the shelf"
        in OrderEvent.objects.get(order=shirts, kind="fulfillment_change_confirmed").message
    )
    with pytest.raises(FulfillmentConflict, match="no change waiting"):
        services.fulfillment_confirm_changes(fo=fresh(fo), actor=ACTOR)


def test_a_new_address_on_packed_work_asks_for_a_new_label(shirts, sku_a):
    fo = packed_shirts(shirts, sku_a)
    address = {**fresh(shirts).shipping_address, "line1": "9 Elm St", "latitude": None, "longitude": None}
    order_services.order_edit_address(order=shirts, address=address, actor=ACTOR, reason="moved")
    change = FulfillmentChange.objects.get(fulfillment_order=fo)
    assert change.kind == "address" and "9 Elm St" in change.message
    assert fresh(fo).state == "packed"  # the box stays packed: only its label changes
    services.fulfillment_confirm_changes(fo=fresh(fo), actor=ACTOR)  # nothing posted: packages kept
    assert Package.objects.filter(fulfillment_order=fo).count() == 2


def test_packed_work_released_when_the_order_becomes_a_pickup(shirts, store, sku_a, sku_b):
    fo = packed_shirts(shirts, sku_a)
    receive(sku_a, store, 5)
    receive(sku_b, store, 5)
    order_services.order_edit_address(order=shirts, address=None, pickup_location=store.code, actor=ACTOR)
    assert fresh(fo).state == "cancelled"
    assert FulfillmentChange.objects.get(fulfillment_order=fo).kind == "delivery"
    assert fo_of(shirts, location=store).kind == "pickup"
    assert_invariants()


def ready_pickup(store, sku_a) -> FulfillmentOrder:
    receive(sku_a, store, 5)
    order = accept(make_order([(sku_a, 2)], delivery_method="pickup", pickup_location=store))
    fo = picked(order)
    return services.fulfillment_prepare_pickup(fo=fo, actor=ACTOR)


def test_a_ready_pickup_notifies_the_customer_and_is_collected(store, sku_a):
    fo = ready_pickup(store, sku_a)
    assert (fo.state, fo.ready_at is not None) == ("ready_for_pickup", True)
    notice = OutboxEvent.objects.get(topic="order.ready_for_pickup")
    assert notice.payload["notify_customer"] is True
    assert notice.payload["customer"]["email"] == "pat@example.com"
    assert notice.payload["store"]["code"] == store.code
    assert notice.payload["collect_by"].startswith((fo.ready_at + timedelta(days=7)).date().isoformat())
    services.fulfillment_collect(fo=fresh(fo), collected_by="Pat Doe", actor=ACTOR)
    assert fresh(fo).state == "collected"


def test_a_cancelled_ready_pickup_cannot_be_handed_over_until_confirmed(store, sku_a):
    fo = ready_pickup(store, sku_a)
    line = fo.order.lines.get()
    order_services.order_cancel_lines(order=fo.order, quantities={line.pk: 1}, reason="only one", actor=ACTOR)
    with pytest.raises(FulfillmentConflict, match="Confirm the change"):
        services.fulfillment_collect(fo=fresh(fo), collected_by="Pat", actor=ACTOR)
    services.fulfillment_confirm_changes(fo=fresh(fo), actor=ACTOR)
    services.fulfillment_collect(fo=fresh(fo), collected_by="Pat", actor=ACTOR)
    assert Shipment.objects.get().lines.get().quantity == 1


def test_uncollected_pickups_go_back_on_sale_after_the_stores_days(store, sku_a):
    store.pickup_hold_days = 3
    store.save()
    fo = ready_pickup(store, sku_a)
    assert services.fulfillment_return_uncollected_pickups(now=timezone.now() + timedelta(days=2)) == []
    assert reserved(sku_a, store) == 2
    assert services.fulfillment_return_uncollected_pickups(now=timezone.now() + timedelta(days=4)) == [
        fo.number
    ]
    assert (fresh(fo).state, reserved(sku_a, store)) == ("cancelled", 0)
    assert fresh(fo.order).status == "cancelled"
    assert (
        "Not collected within 3 days"
        in OrderEvent.objects.get(order=fo.order, kind="lines_cancelled").message
    )
    assert (
        FulfillmentChange.objects.get(fulfillment_order=fo).confirmed_at is None
    )  # take the bag off the shelf
    assert_invariants()


def test_the_beat_task_returns_uncollected_pickups(store, sku_a):
    from fulfillment.tasks import return_uncollected_pickups

    fo = ready_pickup(store, sku_a)
    FulfillmentOrder.objects.filter(pk=fo.pk).update(ready_at=timezone.now() - timedelta(days=8))
    assert return_uncollected_pickups.apply().get() == [fo.number]


# --- batches ---


def test_a_batch_gives_each_order_a_tote_and_sends_scans_to_the_tote_that_needs_them(east, sku_a, sku_b):
    receive(sku_a, east, 20)
    receive(sku_b, east, 20)
    orders = [accept(make_order(lines)) for lines in ([(sku_a, 1)], [(sku_a, 2), (sku_b, 1)], [(sku_b, 1)])]
    held = accept(make_order([(sku_a, 1)]))
    order_services.order_hold(order=held, kind="manual", reason="check", actor=ACTOR)
    fos = [fo_of(order) for order in [*orders, held]]
    batch, refusals = services.pick_batch_create(location=east, fulfillment_orders=fos, actor=ACTOR)
    assert batch.number.startswith("PB-")
    assert len(refusals) == 1 and "on hold" in refusals[0]
    assert [fresh(fo).tote for fo in fos] == ["T1", "T2", "T3", ""]
    with pytest.raises(FulfillmentError, match="needs 3 more; 4 scanned"):
        services.pick_batch_scan(batch=batch, code=sku_a.code, quantity=4, actor=ACTOR)
    with pytest.raises(FulfillmentError, match="Wrong item"):
        services.pick_batch_scan(batch=batch, code="NOPE", actor=ACTOR)
    results = services.pick_batch_scan(batch=batch, code=sku_a.code, quantity=2, actor=ACTOR)
    assert [(r.fo.tote, r.quantity) for r in results] == [("T1", 1), ("T2", 1)]
    services.pick_batch_scan(batch=batch, code=sku_a.code, actor=ACTOR)
    services.pick_batch_scan(batch=batch, code=sku_b.code, quantity=2, actor=ACTOR)
    assert PickBatch.objects.get().closed_at is not None
    assert all(fresh(fo).picked_at for fo in fos[:3])


def test_a_vendor_ships_everything_with_one_tracking_number(vendor, sku_a):
    sku_a.dropship_vendor = vendor
    sku_a.save()
    receive(sku_a, vendor, 5)
    fo = fo_of(accept(make_order([(sku_a, 2)])))
    services.fulfillment_send_to_vendor(fo=fo, actor=ACTOR)
    services.fulfillment_ship_all(fo=fo, carrier="DHL", service="", tracking_number="1234567890", actor=ACTOR)
    assert (fresh(fo).state, Shipment.objects.get().lines.get().quantity) == ("shipped", 2)


def test_bins_are_set_imported_and_walk_the_pick_list(east, sku_a, sku_b):
    from fulfillment.selectors import bins_at

    stock_set_bin(sku=sku_a, location=east, bin=" b-02-1 ")
    stock_set_bin(sku=sku_b, location=east, bin="A-09-3")
    assert bins_at(east.pk, [sku_a.pk, sku_b.pk]) == {sku_a.pk: "B-02-1", sku_b.pk: "A-09-3"}
    assert Location.objects.get(pk=east.pk).pickup_hold_days == 7
    assert Order.objects.count() == 0
