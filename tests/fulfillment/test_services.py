"""Each fulfillment step, its refusals, re-route and reject, cancellations and edits."""

import pytest

from fulfillment import services
from fulfillment.errors import FulfillmentConflict, FulfillmentError
from fulfillment.models import FulfillmentOrder, RoutingRule
from inventory.errors import InsufficientStock
from inventory.models import Reservation, StockLevel
from inventory.services import stock_set_safety
from oms.core.errors import ConflictError
from orders import services as order_services
from orders.models import OrderEvent

from .factories import ACTOR, UPS, LocationFactory, SkuFactory, accept, fresh, make_order, receive
from .invariants import assert_invariants

pytestmark = pytest.mark.django_db


def level(sku, location):
    row = StockLevel.objects.get(sku=sku, location=location)
    return row.on_hand, row.reserved


def put_on_hold(order):
    order_services.order_hold(order=order, kind="manual", reason="customer called", actor=ACTOR)
    return fresh(order)


def release_hold(order):
    hold = order.holds.get(released_at__isnull=True)
    return order_services.order_release_hold(order=order, hold_id=hold.pk, actor=ACTOR, reason="sorted")


def packed(fo):
    services.fulfillment_start_picking(fo=fo, actor=ACTOR)
    services.fulfillment_confirm_pick(fo=fo, picked={}, actor=ACTOR)
    return services.fulfillment_pack(fo=fo, actor=ACTOR)


def only_fo(order, **filters):
    return FulfillmentOrder.objects.filter(order=order, **filters).get()


def test_nearest_rule_routes_to_the_nearest_location(east, west, sku_a):
    RoutingRule.objects.create(name="US default", position=10, country_code="US", strategy="nearest")
    receive(sku_a, east, 5)
    receive(sku_a, west, 5)
    order = accept(make_order([(sku_a, 1)]))
    assert only_fo(order).location == east
    event = OrderEvent.objects.get(order=order, kind="allocated")
    assert "wh-east can ship all 1 line (" in event.message
    assert "chosen by rule 'US default' (nearest)" in event.message
    assert event.payload["rule"] == "US default"


def test_rule_excluding_a_kind_keeps_orders_away_from_it(east, store, sku_a):
    rule = RoutingRule.objects.create(
        name="No stores", position=1, exclude_kinds=["store"], strategy="nearest"
    )
    receive(sku_a, store, 5)  # the store is nearer
    receive(sku_a, east, 5)
    assert only_fo(accept(make_order([(sku_a, 1)]))).location == east
    rule.exclude_kinds = []
    rule.save()
    assert only_fo(accept(make_order([(sku_a, 1)]))).location == store


def test_safety_stock_is_not_offered(east, sku_a):
    receive(sku_a, east, 3)
    stock_set_safety(sku=sku_a, location=east, safety_stock=2)
    order = accept(make_order([(sku_a, 2)]))
    assert order.status == "backordered"
    assert order.lines.get().quantity_allocated == 1
    assert_invariants()


def test_nothing_in_stock_is_backordered_with_an_explanation(east, sku_a):
    order = accept(make_order([(sku_a, 2)]))
    assert order.status == "backordered"
    assert not FulfillmentOrder.objects.filter(order=order).exists()
    assert "Backordered" in OrderEvent.objects.get(order=order, kind="allocated").message


def test_order_on_hold_is_reserved_but_not_worked(east, sku_a):
    receive(sku_a, east, 5)
    order = put_on_hold(make_order([(sku_a, 2)]))
    order = accept(order)
    assert (order.status, order.held_from) == ("on_hold", "allocated")
    assert level(sku_a, east) == (5, 2)
    fo = only_fo(order)
    with pytest.raises(FulfillmentConflict, match="on hold"):
        services.fulfillment_start_picking(fo=fo, actor=ACTOR)
    order = release_hold(order)
    assert order.status == "allocated"
    packed(fo)
    assert fresh(fo).state == "packed"
    put_on_hold(order)
    with pytest.raises(FulfillmentConflict, match="on hold"):
        services.fulfillment_ship(
            fo=fo, packages=[{"carrier": "UPS", "tracking_number": UPS, "lines": {}}], actor=ACTOR
        )


def test_released_hold_sources_what_is_still_unallocated(east, sku_a):
    order = put_on_hold(make_order([(sku_a, 2)]))
    receive(sku_a, east, 5)
    release_hold(order)
    order.refresh_from_db()
    assert order.status == "allocated"  # sourced once the release committed
    assert level(sku_a, east) == (5, 2)


def test_steps_refuse_out_of_order(east, vendor, sku_a):
    receive(sku_a, east, 5)
    fo = only_fo(accept(make_order([(sku_a, 2)])))
    with pytest.raises(FulfillmentConflict, match="cannot pack"):
        services.fulfillment_pack(fo=fo, actor=ACTOR)
    with pytest.raises(FulfillmentConflict, match="ship order; cannot send it to a vendor"):
        services.fulfillment_send_to_vendor(fo=fo, actor=ACTOR)
    with pytest.raises(FulfillmentConflict, match="cannot offer it for pickup"):
        services.fulfillment_ready_for_pickup(fo=fo, actor=ACTOR)
    services.fulfillment_start_picking(fo=fo, actor=ACTOR)
    with pytest.raises(FulfillmentConflict, match="Confirm the picked quantities"):
        services.fulfillment_pack(fo=fo, actor=ACTOR)
    line = fo.lines.get()
    with pytest.raises(FulfillmentError, match="picked 3"):
        services.fulfillment_confirm_pick(fo=fo, picked={line.pk: 3}, actor=ACTOR)
    services.fulfillment_confirm_pick(fo=fo, picked={}, actor=ACTOR)
    with pytest.raises(FulfillmentConflict, match="is picking; cannot ship"):
        services.fulfillment_ship(
            fo=fo, packages=[{"carrier": "UPS", "tracking_number": UPS, "lines": {line.pk: 1}}], actor=ACTOR
        )
    services.fulfillment_pack(fo=fo, actor=ACTOR)
    with pytest.raises(FulfillmentError, match="needs a carrier"):
        services.fulfillment_ship(
            fo=fo, packages=[{"carrier": "", "tracking_number": UPS, "lines": {line.pk: 1}}], actor=ACTOR
        )
    with pytest.raises(FulfillmentError, match="cannot ship 3"):
        services.fulfillment_ship(
            fo=fo, packages=[{"carrier": "UPS", "tracking_number": UPS, "lines": {line.pk: 3}}], actor=ACTOR
        )
    with pytest.raises(FulfillmentConflict, match="cannot mark it delivered"):
        services.fulfillment_mark_delivered(fo=fo, actor=ACTOR)
    assert level(sku_a, east) == (5, 2)
    assert_invariants()


def test_partial_shipment_keeps_the_fo_packed(east, sku_a):
    receive(sku_a, east, 5)
    order = accept(make_order([(sku_a, 3)]))
    fo = packed(only_fo(order))
    line = fo.lines.get()
    services.fulfillment_ship(
        fo=fo, packages=[{"carrier": "UPS", "tracking_number": UPS, "lines": {line.pk: 1}}], actor=ACTOR
    )
    assert fresh(fo).state == "packed"
    assert fresh(order).status == "partially_shipped"
    assert level(sku_a, east) == (4, 2)
    assert_invariants()
    services.fulfillment_ship(
        fo=fo, packages=[{"carrier": "UPS", "tracking_number": UPS, "lines": {line.pk: 2}}], actor=ACTOR
    )
    assert fresh(fo).state == "shipped"
    assert fresh(order).status == "shipped"
    assert level(sku_a, east) == (2, 0)
    assert_invariants()


def test_short_pick_with_no_stock_elsewhere_backorders_the_rest(east, sku_a):
    receive(sku_a, east, 5)
    order = accept(make_order([(sku_a, 3)]))
    fo = only_fo(order)
    services.fulfillment_start_picking(fo=fo, actor=ACTOR)
    services.fulfillment_confirm_pick(fo=fo, picked={fo.lines.get().pk: 0}, actor=ACTOR)
    assert fresh(fo).state == "cancelled"
    assert fresh(order).status == "backordered"
    assert level(sku_a, east) == (5, 0)  # on hand unchanged: a count, not the pick, corrects the shelf
    assert_invariants()


def test_store_that_cannot_fill_rejects_and_the_order_is_sourced_again(store, east, sku_a):
    receive(sku_a, store, 5)
    receive(sku_a, east, 5)
    RoutingRule.objects.create(name="Nearest", strategy="nearest")
    order = accept(make_order([(sku_a, 2)]))
    fo = only_fo(order)
    assert fo.location == store
    with pytest.raises(FulfillmentError, match="reason"):
        services.fulfillment_reject(fo=fo, reason=" ", actor=ACTOR)
    services.fulfillment_reject(fo=fo, reason="damaged shelf", actor=ACTOR)
    assert fresh(fo).state == "cancelled"
    assert only_fo(order, state="pending").location == east
    assert level(sku_a, store) == (5, 0)
    assert level(sku_a, east) == (5, 2)
    assert fresh(order).status == "allocated"
    assert OrderEvent.objects.filter(
        order=order, kind="deallocated", message__contains="damaged shelf"
    ).exists()
    assert_invariants()


def test_customer_service_reroutes_open_work_with_a_reason(east, west, sku_a):
    receive(sku_a, east, 5)
    receive(sku_a, west, 1)
    order = accept(make_order([(sku_a, 2)]))
    fo = only_fo(order)
    with pytest.raises(InsufficientStock, match="wh-west does not have the stock"):
        services.fulfillment_reroute(fo=fo, to_location=west, reason="closer to carrier", actor=ACTOR)
    assert level(sku_a, east) == (5, 2)
    receive(sku_a, west, 5)
    target = services.fulfillment_reroute(fo=fo, to_location=west, reason="east is flooded", actor=ACTOR)
    assert target.location == west
    assert fresh(fo).state == "cancelled"
    assert target.lines.get().quantity == 2
    assert (level(sku_a, east), level(sku_a, west)) == ((5, 0), (6, 2))
    event = OrderEvent.objects.get(order=order, kind="rerouted")
    assert "east is flooded" in event.message
    assert fresh(order).status == "allocated"
    assert_invariants()
    with pytest.raises(FulfillmentConflict):
        services.fulfillment_reroute(fo=fo, to_location=east, reason="again", actor=ACTOR)


def cancel_lines(order, quantities):
    return order_services.order_cancel_lines(order=order, quantities=quantities, reason="test", actor=ACTOR)


def test_cancelled_units_release_their_reservations(east, sku_a, sku_b):
    receive(sku_a, east, 5)
    receive(sku_b, east, 1)
    order = accept(make_order([(sku_a, 3), (sku_b, 2)]))  # B: 1 allocated, 1 backordered
    line_a, line_b = order.lines.order_by("line_number")
    cancel_lines(order, {line_a.pk: 1, line_b.pk: 1})  # B's unit comes from the backorder
    assert level(sku_a, east) == (5, 2)
    assert level(sku_b, east) == (1, 1)
    assert_invariants()
    cancel_lines(order, {line_a.pk: 2, line_b.pk: 1})
    assert level(sku_a, east) == (5, 0)
    assert level(sku_b, east) == (1, 0)
    assert only_fo(order).state == "cancelled"
    assert_invariants()


def test_cannot_cancel_units_already_shipped(east, sku_a):
    receive(sku_a, east, 5)
    order = accept(make_order([(sku_a, 2)]))
    fo = packed(only_fo(order))
    services.fulfillment_ship(
        fo=fo,
        packages=[{"carrier": "UPS", "tracking_number": UPS, "lines": {fo.lines.get().pk: 2}}],
        actor=ACTOR,
    )
    with pytest.raises(ConflictError, match="shipped"):
        cancel_lines(fresh(order), {order.lines.get().pk: 1})
    assert fresh(order).status == "shipped"
    assert_invariants()


def test_edited_line_is_released_and_sourced_again(east, west, sku_a, sku_b):
    receive(sku_a, east, 5)
    receive(sku_b, west, 5)
    order = accept(make_order([(sku_a, 2)]))
    line = order.lines.get()
    assert only_fo(order).location == east
    # the customer swapped the SKU
    order_services.order_edit_lines(
        order=order, actor=ACTOR, update=[{"line_id": line.pk, "sku": sku_b.code}]
    )
    assert level(sku_a, east) == (5, 0)
    assert level(sku_b, west) == (5, 2)
    assert only_fo(order, state="pending").location == west
    assert fresh(order).status == "allocated"
    assert_invariants()


def test_address_change_resources_pending_work(east, west, sku_a):
    RoutingRule.objects.create(name="Nearest", strategy="nearest")
    receive(sku_a, east, 5)
    receive(sku_a, west, 5)
    order = accept(make_order([(sku_a, 1)]))
    assert only_fo(order).location == east
    moved_to_reno = {
        "line1": "1 Virginia St",
        "city": "Reno",
        "region": "NV",
        "postal_code": "89501",
        "country_code": "US",
        "latitude": "39.5",
        "longitude": "-119.8",
    }
    order_services.order_edit_address(order=order, address=moved_to_reno, actor=ACTOR, reason="moved")
    assert only_fo(order, state="pending").location == west
    assert_invariants()


def test_two_lines_in_one_location_share_one_fulfillment_order(east, sku_a, sku_b):
    receive(sku_a, east, 5)
    receive(sku_b, east, 5)
    order = accept(make_order([(sku_a, 1), (sku_b, 1)]))
    fo = only_fo(order)
    assert fo.lines.count() == 2
    assert fo.number == f"{order.number}-F1"
    assert Reservation.objects.filter(status="open").count() == 2


def test_inactive_and_non_shipping_locations_are_never_chosen(sku_a):
    LocationFactory(code="closed", active=False)
    LocationFactory(code="office", can_ship=False)
    for code in ("closed", "office"):
        receive(sku_a, LocationFactory(code=code), 5)
    assert accept(make_order([(sku_a, 1)])).status == "backordered"
    assert SkuFactory(code="X").pk


def test_empty_vendor_and_empty_store_are_named_in_the_explanation(east, store, vendor):
    drop = SkuFactory(code="DROP-9", dropship_vendor=vendor)
    plain = SkuFactory(code="PLAIN-9")
    receive(drop, east, 5)
    receive(plain, east, 5)
    order = accept(make_order([(drop, 1)]))
    assert order.status == "backordered"
    message = OrderEvent.objects.get(order=order, kind="allocated").message
    assert "drop-shipped by its vendor vendor-acme, which has only 0 of 1" in message
    pickup = accept(make_order([(plain, 1)], delivery_method="pickup", pickup_location=store))
    assert pickup.status == "backordered"
    assert "sourced from store-phl only" in OrderEvent.objects.get(order=pickup, kind="allocated").message
