"""Cancellation of lines and orders; edits of address and lines before shipping."""

import pytest

from oms.core.actor import Actor
from oms.core.errors import ConflictError
from oms.core.roles import CUSTOMER_SERVICE
from orders import services
from orders.errors import OrderConflict, OrderError
from orders.models import Order
from orders.signals import order_lines_cancelled

from .factories import SkuFactory, make_order
from .helpers import fresh, kinds, topics

pytestmark = pytest.mark.django_db
AGENT = Actor("user", 7, "carla", frozenset({CUSTOMER_SERVICE}))
FULFILLMENT = Actor.system("fulfillment")


@pytest.fixture
def fulfillment_frees_units():
    """Stands in for fulfillment's receiver: frees allocated units before they are cancelled."""

    def receiver(sender, order, quantities, **kwargs):
        lines = {line.pk: line for line in order.lines.all()}
        take = {}
        for line_id, units in quantities.items():
            line = lines[line_id]
            excess = units - line.quantity_unallocated
            if excess > 0:
                take[line_id] = min(excess, line.quantity_allocated)
        if take:
            services.order_record_deallocation(
                order=order, quantities=take, actor=FULFILLMENT, reason="cancel"
            )

    order_lines_cancelled.connect(receiver, sender=Order, weak=False)
    yield
    order_lines_cancelled.disconnect(receiver, sender=Order)


def two_line_order(channel, **kwargs):
    return make_order(channel, lines=[("TSHIRT-M", 3, "10.00"), ("CAP-RED", 1, "5.00")], **kwargs)


def test_cancel_line_quantities_sends_the_signal_first_and_keeps_the_order_open(web, skus, signals):
    order = two_line_order(web)
    shirt, _cap = order.lines.order_by("line_number")
    services.order_cancel_lines(order=order, quantities={shirt.pk: 2}, reason="out of size", actor=AGENT)
    [sent] = signals.named("order_lines_cancelled")
    assert sent["quantities"] == {shirt.pk: 2}
    shirt.refresh_from_db()
    assert (shirt.quantity_cancelled, shirt.quantity_open) == (2, 1)
    assert fresh(order).status == "new"
    assert kinds(order)[-1] == "lines_cancelled"
    assert topics(order)[-1] == "order.lines_cancelled"


def test_cancelling_everything_left_makes_the_order_cancelled(web, skus, fulfillment_frees_units):
    order = two_line_order(web)
    shirt, cap = order.lines.order_by("line_number")
    services.order_record_allocation(order=order, allocated={shirt.pk: 3, cap.pk: 1}, actor=FULFILLMENT)
    services.order_cancel_lines(order=order, quantities={cap.pk: 1}, reason="r", actor=AGENT)
    assert fresh(order).status == "allocated"
    services.order_cancel(order=order, reason="customer changed mind", actor=AGENT)
    order = fresh(order)
    assert order.status == "cancelled"
    assert [(li.quantity_cancelled, li.quantity_allocated) for li in order.lines.order_by("line_number")] == [
        (3, 0),
        (1, 0),
    ]
    assert kinds(order)[-4:] == ["deallocated", "status_changed", "cancelled", "status_changed"]
    with pytest.raises(OrderConflict, match="cancelled"):
        services.order_cancel(order=order, reason="again", actor=AGENT)


def test_allocated_units_nobody_frees_cannot_be_cancelled(web, skus):
    order = two_line_order(web)
    shirt = order.lines.get(line_number=1)
    services.order_record_allocation(order=order, allocated={shirt.pk: 3}, actor=FULFILLMENT)
    with pytest.raises(OrderConflict) as error:
        services.order_cancel_lines(order=order, quantities={shirt.pk: 1}, reason="r", actor=AGENT)
    assert error.value.code == "still_allocated"
    assert order.lines.get(pk=shirt.pk).quantity_cancelled == 0


def test_fulfillment_can_refuse_and_nothing_changes(web, skus):
    order = two_line_order(web)

    def refuse(sender, **kwargs):
        raise ConflictError("picking", "Already being packed.")

    order_lines_cancelled.connect(refuse, sender=Order, weak=False)
    try:
        with pytest.raises(ConflictError, match="packed"):
            services.order_cancel(order=order, reason="r", actor=AGENT)
    finally:
        order_lines_cancelled.disconnect(refuse, sender=Order)
    assert fresh(order).status == "new"


def test_shipped_units_cannot_be_cancelled_and_the_rest_ends_shipped(web, skus, fulfillment_frees_units, api):
    order = two_line_order(web)
    shirt, cap = order.lines.order_by("line_number")
    services.order_record_allocation(order=order, allocated={shirt.pk: 3, cap.pk: 1}, actor=FULFILLMENT)
    services.order_record_shipment(order=order, quantities={shirt.pk: 3}, actor=FULFILLMENT, shipment={})
    url = f"/api/v1/orders/{order.number}/cancel-lines/"
    refused = api.post(url, {"reason": "r", "lines": [{"line_id": shirt.pk, "quantity": 1}]})
    assert refused.status_code == 409
    assert refused.json()["code"] == "already_shipped"
    body = api.post(f"/api/v1/orders/{order.number}/cancel/", {"reason": "cap lost"}).json()
    assert body["status"] == "shipped"
    assert [li["quantities"]["cancelled"] for li in body["lines"]] == [0, 1]


def test_cancel_needs_a_reason_and_real_lines(web, skus, api):
    order = two_line_order(web)
    assert api.post(f"/api/v1/orders/{order.number}/cancel/", {}).status_code == 400
    response = api.post(
        f"/api/v1/orders/{order.number}/cancel-lines/",
        {"reason": "r", "lines": [{"line_id": 999, "quantity": 1}]},
    )
    assert response.status_code == 409
    assert response.json()["code"] == "line_not_found"


def test_cancelling_a_held_order_closes_its_holds(prepaid, skus):
    order = make_order(prepaid, payment_status="pending")
    services.order_cancel(order=order, reason="fraud", actor=AGENT)
    order = fresh(order)
    assert order.status == "cancelled"
    assert not order.holds.filter(released_at__isnull=True).exists()


def test_edit_address_keeps_before_and_after_and_signals(web, skus, signals, api):
    order = make_order(web)
    new = {"name": "Jane Doe", "line1": "1 Infinite Loop", "city": "Cupertino", "postal_code": "95014"}
    new["country_code"] = "us"
    body = api.post(
        f"/api/v1/orders/{order.number}/edit-address/", {"shipping_address": new, "reason": "moved"}
    )
    assert body.status_code == 200, body.json()
    body = body.json()
    assert body["shipping_address"]["line1"] == "1 Infinite Loop"
    event = body["timeline"][-1]
    assert event["kind"] == "address_changed"
    assert event["payload"]["changes"]["line1"] == {"before": "350 5th Ave", "after": "1 Infinite Loop"}
    assert event["payload"]["changes"]["region"] == {"before": "NY", "after": ""}
    assert "name" not in event["payload"]["changes"]
    [edited] = signals.named("order_edited")
    assert (edited["line_ids"], edited["address_changed"]) == ([], True)
    incomplete = api.post(
        f"/api/v1/orders/{order.number}/edit-address/", {"shipping_address": {"line1": "x"}}
    )
    assert incomplete.status_code == 422


def test_address_cannot_change_after_shipping_started(web, skus):
    order = make_order(web)
    line = order.lines.get()
    services.order_record_allocation(order=order, allocated={line.pk: 2}, actor=FULFILLMENT)
    services.order_record_shipment(order=order, quantities={line.pk: 1}, actor=FULFILLMENT, shipment={})
    with pytest.raises(OrderConflict, match="shipping started"):
        services.order_edit_address(order=order, address={"line1": "x"}, actor=AGENT)


def test_switch_to_pickup(web, skus, store, api):
    order = make_order(web)
    body = api.post(f"/api/v1/orders/{order.number}/edit-address/", {"pickup_location": "store-nyc"}).json()
    assert body["delivery"] == {"method": "pickup", "pickup_location": "store-nyc", "instructions": ""}


def test_edit_lines_changes_quantity_adds_and_removes_with_totals_and_signal(web, skus, signals, api):
    order = two_line_order(web)  # 3 x 10.00 + 1 x 5.00, tax 1.00 per line, shipping 5.00
    shirt, cap = order.lines.order_by("line_number")
    response = api.post(
        f"/api/v1/orders/{order.number}/edit-lines/",
        {
            "update": [{"line_id": shirt.pk, "quantity": 6}],
            "add": [{"sku": "mug-01", "quantity": 2, "unit_price": "4.00", "tax": "0.50"}],
            "remove": [cap.pk],
            "reason": "customer call",
        },
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    lines = {line["line_number"]: line for line in body["lines"]}
    assert lines[1]["quantities"]["ordered"] == 6 and lines[1]["tax"] == "2.00"
    assert lines[2]["removed"] is True and lines[2]["quantities"]["cancelled"] == 1
    assert (lines[3]["sku"], lines[3]["quantities"]["ordered"]) == ("MUG-01", 2)
    assert body["totals"]["subtotal"] == "68.00"
    assert body["totals"]["total"] == "75.50"  # 68 + 2.00 + 0.50 tax + 5 shipping
    event = body["timeline"][-1]
    assert event["kind"] == "lines_edited"
    assert {"line": 1, "field": "quantity", "before": 3, "after": 6} in event["payload"]["changes"]
    assert event["payload"]["totals"]["before"]["total"] == "42.00"
    [edited] = signals.named("order_edited")
    assert edited["line_ids"] == sorted([shirt.pk, lines[3]["id"]])
    assert edited["address_changed"] is False
    assert signals.named("order_lines_cancelled")[0]["quantities"] == {cap.pk: 1}


def test_reducing_an_allocated_line_frees_the_excess_first(web, skus, fulfillment_frees_units):
    order = two_line_order(web)
    shirt = order.lines.get(line_number=1)
    services.order_record_allocation(order=order, allocated={shirt.pk: 3}, actor=FULFILLMENT)
    services.order_edit_lines(order=order, update=[{"line_id": shirt.pk, "quantity": 1}], actor=AGENT)
    shirt.refresh_from_db()
    assert (shirt.quantity, shirt.quantity_allocated, shirt.quantity_cancelled) == (1, 1, 0)


def test_fixing_an_unknown_sku_and_refusing_unknown_ones(web, skus):
    order = make_order(web, lines=[("NOPE-9", 1, "10.00")], totals={"total": "16.00"})
    line = order.lines.get()
    assert line.sku is None
    with pytest.raises(OrderError, match="NOPE-8"):
        services.order_edit_lines(order=order, update=[{"line_id": line.pk, "sku": "NOPE-8"}], actor=AGENT)
    services.order_edit_lines(order=order, update=[{"line_id": line.pk, "sku": "cap-red"}], actor=AGENT)
    line.refresh_from_db()
    assert (line.sku.code, line.sku_code) == ("CAP-RED", "CAP-RED")


def test_lines_with_shipped_units_cannot_be_changed_below_or_removed(web, skus):
    SkuFactory(code="EXTRA")
    order = two_line_order(web)
    shirt = order.lines.get(line_number=1)
    services.order_record_allocation(order=order, allocated={shirt.pk: 3}, actor=FULFILLMENT)
    services.order_record_shipment(order=order, quantities={shirt.pk: 2}, actor=FULFILLMENT, shipment={})
    with pytest.raises(OrderConflict):
        services.order_edit_lines(order=order, update=[{"line_id": shirt.pk, "quantity": 1}], actor=AGENT)
    with pytest.raises(OrderConflict):
        services.order_edit_lines(order=order, remove=[shirt.pk], actor=AGENT)
    with pytest.raises(OrderConflict):
        services.order_edit_lines(order=order, update=[{"line_id": shirt.pk, "sku": "EXTRA"}], actor=AGENT)


def test_removing_every_line_cancels_the_order(web, skus):
    order = two_line_order(web)
    services.order_edit_lines(order=order, remove=list(order.lines.values_list("pk", flat=True)), actor=AGENT)
    order = fresh(order)
    assert order.status == "cancelled"
    assert str(order.total) == "5.0000"  # shipping only
