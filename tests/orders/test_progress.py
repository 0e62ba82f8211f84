"""What fulfillment and returns report back through orders.services."""

import pytest
from django.db import transaction

from oms.core.actor import Actor
from oms.core.models import OutboxEvent
from orders import services
from orders.errors import OrderConflict
from orders.models import OrderEvent

from .factories import make_order
from .helpers import fresh, kinds, topics

pytestmark = pytest.mark.django_db
FULFILLMENT = Actor.system("fulfillment")


@pytest.fixture
def order(web, skus):
    return make_order(
        web, lines=[("TSHIRT-M", 3, "10.00"), ("CAP-RED", 1, "5.00")], totals={"total": "42.00"}
    )


def line_ids(order):
    return list(order.lines.order_by("line_number").values_list("pk", flat=True))


def test_partial_allocation_backorders_then_full_allocation_allocates(order):
    shirt, cap = line_ids(order)
    services.order_record_allocation(
        order=order, allocated={shirt: 2}, actor=FULFILLMENT, explanation="wh-east"
    )
    assert fresh(order).status == "backordered"
    services.order_record_allocation(order=order, allocated={shirt: 1, cap: 1}, actor=FULFILLMENT)
    assert fresh(order).status == "allocated"
    event = OrderEvent.objects.filter(order=order, kind="allocated").first()
    assert (event.message, event.payload["allocated"]) == ("wh-east", {str(shirt): 2})
    with pytest.raises(OrderConflict):
        services.order_record_allocation(order=order, allocated={shirt: 1}, actor=FULFILLMENT)


def test_allocation_under_a_hold_changes_what_the_release_returns_to(order):
    shirt, cap = line_ids(order)
    hold = services.order_hold(order=order, kind="fraud", reason="check", actor=FULFILLMENT)
    services.order_record_allocation(order=order, allocated={shirt: 3, cap: 1}, actor=FULFILLMENT)
    assert (fresh(order).status, fresh(order).held_from) == ("on_hold", "allocated")
    services.order_release_hold(order=order, hold_id=hold.pk, actor=FULFILLMENT, reason="checked")
    assert fresh(order).status == "allocated"


def test_deallocation_shipment_and_delivery(order):
    shirt, cap = line_ids(order)
    services.order_record_allocation(order=order, allocated={shirt: 3, cap: 1}, actor=FULFILLMENT)
    services.order_record_deallocation(
        order=order, quantities={cap: 1}, actor=FULFILLMENT, reason="short pick"
    )
    assert fresh(order).status == "backordered"
    with pytest.raises(OrderConflict):
        services.order_record_deallocation(order=order, quantities={cap: 1}, actor=FULFILLMENT, reason="x")
    services.order_record_shipment(
        order=order, quantities={shirt: 3}, actor=FULFILLMENT, shipment={"tracking_numbers": ["1Z"]}
    )
    assert fresh(order).status == "partially_shipped"
    services.order_record_allocation(order=order, allocated={cap: 1}, actor=FULFILLMENT)
    assert fresh(order).status == "partially_shipped"
    services.order_record_shipment(order=order, quantities={cap: 1}, actor=FULFILLMENT, shipment={})
    assert fresh(order).status == "shipped"
    services.order_record_delivery(order=order, actor=FULFILLMENT, all_delivered=False)
    assert fresh(order).status == "shipped"
    services.order_record_delivery(order=order, actor=FULFILLMENT, all_delivered=True)
    assert fresh(order).status == "completed"
    shipped = OutboxEvent.objects.filter(topic="order.shipped").first()
    assert shipped.payload["tracking_numbers"] == ["1Z"]
    assert shipped.payload["order"] == order.number
    with pytest.raises(OrderConflict):
        services.order_record_shipment(order=order, quantities={cap: 1}, actor=FULFILLMENT, shipment={})


def test_unknown_lines_are_refused(order, web, skus):
    other = make_order(web, external_id="other")
    with pytest.raises(OrderConflict, match="not on this order"):
        services.order_record_allocation(order=order, allocated={line_ids(other)[0]: 1}, actor=FULFILLMENT)


def test_returns_never_exceed_shipped(order):
    shirt, _ = line_ids(order)
    services.order_record_allocation(order=order, allocated={shirt: 3}, actor=FULFILLMENT)
    services.order_record_shipment(order=order, quantities={shirt: 2}, actor=FULFILLMENT, shipment={})
    services.order_record_return(order=order, quantities={shirt: 2}, actor=FULFILLMENT, payload={"rma": "R1"})
    assert order.lines.get(pk=shirt).quantity_returned == 2
    with pytest.raises(OrderConflict, match="cannot return"):
        services.order_record_return(order=order, quantities={shirt: 1}, actor=FULFILLMENT)
    assert topics(order)[-1] == "order.returned"


def test_add_event_and_timeline_helpers_write_event_and_outbox_together(order):
    services.order_add_event(
        order=order, kind="sourcing", actor=FULFILLMENT, message="one location", payload={"a": 1}
    )
    assert kinds(order)[-1] == "sourcing"
    row = OutboxEvent.objects.filter(topic="order.sourcing").get()
    assert (row.payload["message"], row.payload["a"]) == ("one location", 1)
    with transaction.atomic():
        events = services.timeline_write(
            order,
            [
                services.timeline_event(order, "one", FULFILLMENT),
                services.timeline_event(order, "two", FULFILLMENT),
            ],
        )
        services.timeline_record(order, "three", FULFILLMENT, message="m")
    assert [event.pk is not None for event in events] == [True, True]
    assert kinds(order)[-3:] == ["one", "two", "three"]
    assert topics(order)[-3:] == ["order.one", "order.two", "order.three"]


def test_timeline_refuses_to_write_outside_a_transaction(order, settings):
    with pytest.raises(RuntimeError):
        # pytest-django wraps tests in a transaction; leave it for this check
        connection = transaction.get_connection()
        saved, connection.in_atomic_block = connection.in_atomic_block, False
        try:
            services.timeline_write(order, [services.timeline_event(order, "x", FULFILLMENT)])
        finally:
            connection.in_atomic_block = saved


def test_lock_order_returns_a_fresh_instance(order):
    with transaction.atomic():
        locked = services.lock_order(order)
    assert locked is not order
    assert locked.pk == order.pk
    assert "channel" in locked._state.fields_cache
