"""Issue 6's "Done when", end to end with the whole system live: an order taken in through
intake, sourced and shipped by fulfillment, partly returned, received with one unit damaged
(scrapped) and one restocked (which a waiting backorder then gets), refunded to the cent,
and exchanged."""

from decimal import Decimal as D

import pytest
from django.utils import timezone

from fulfillment import services as fulfillment
from fulfillment.models import FulfillmentOrder
from inventory.models import StockLevel, StockMovement
from oms.core.models import OutboxEvent
from orders import services as order_services
from orders.models import Order, OrderEvent
from returns import services
from returns.models import Refund
from tests.inventory.invariants import assert_stock_invariants

from .factories import ACTOR, ChannelFactory, LocationFactory, SkuFactory, fresh, receive

pytestmark = pytest.mark.django_db


def intake(channel, external_id, lines, *, shipping_price="0", payment_status="paid") -> Order:
    order, created = order_services.order_intake(
        data={
            "external_id": external_id,
            "placed_at": timezone.now(),
            "currency": "USD",
            "customer": {"email": "Pat@Example.com", "name": "Pat Doe", "phone": "+1 215 555 0100"},
            "shipping_address": {
                "line1": "1 Main St",
                "city": "Philadelphia",
                "region": "PA",
                "postal_code": "19103",
                "country_code": "US",
            },
            "lines": [
                {"sku": sku, "quantity": q, "unit_price": D(price), "discount": D(off), "tax": D(tax)}
                for sku, q, price, off, tax in lines
            ],
            "shipping_price": D(shipping_price),
            "payment_status": payment_status,
        },
        channel=channel,
        actor=ACTOR,
    )
    assert created
    return fresh(order)


def ship_everything(order: Order) -> None:
    for fo in FulfillmentOrder.objects.filter(order=order, state="pending"):
        fulfillment.fulfillment_start_picking(fo=fo, actor=ACTOR)
        fulfillment.fulfillment_confirm_pick(fo=fo, picked={}, actor=ACTOR)
        fulfillment.fulfillment_pack(fo=fo, actor=ACTOR)
        fulfillment.fulfillment_ship(
            fo=fo,
            packages=[
                {
                    "carrier": "UPS",
                    "tracking_number": f"1Z{fo.pk:016d}",
                    "lines": {line.pk: line.quantity for line in fo.lines.all()},
                }
            ],
            actor=ACTOR,
        )


def level(sku, location):
    row = StockLevel.objects.get(sku=sku, location=location)
    return row.on_hand, row.reserved


def test_partly_returned_received_restocked_for_a_backorder_refunded_and_exchanged(
    django_capture_on_commit_callbacks,
):
    web = ChannelFactory(code="web")
    east = LocationFactory(code="wh-east")
    shirt_m = SkuFactory(code="SHIRT-M", name="Shirt M")
    shirt_l = SkuFactory(code="SHIRT-L", name="Shirt L")
    mug = SkuFactory(code="MUG-1", name="Mug")
    receive(shirt_m, east, 3)
    receive(shirt_l, east, 2)
    receive(mug, east, 1)

    # 3 shirts M at 19.99 with 3.00 off the line and 4.56 tax (61.53), a mug at 12.00 + 0.96 tax,
    # shipping 5.95: 80.44, paid; fulfillment sources and ships it all from east
    order = intake(
        web,
        "WEB-1001",
        [("SHIRT-M", 3, "19.99", "3.00", "4.56"), ("MUG-1", 1, "12.00", "0", "0.96")],
        shipping_price="5.95",
    )
    assert (order.total, order.status) == (D("80.44"), "allocated")
    ship_everything(order)
    order = fresh(order)
    assert order.status == "shipped"
    assert level(shirt_m, east) == (0, 0)
    shirts = order.lines.get(sku=shirt_m)

    # a second customer's order waits: no shirt M left anywhere
    waiting = intake(web, "WEB-1002", [("SHIRT-M", 1, "19.99", "0", "0")])
    assert waiting.status == "backordered"

    # Partly returned: 2 of the 3 shirts
    rma = services.return_create(
        order=order,
        lines=[{"order_line": shirts, "quantity": 2, "reason_code": "size_or_fit", "comment": "Too small"}],
        actor=ACTOR,
        carrier="UPS",
        tracking_number="1ZRETURN",
    )
    rma = services.return_authorize(rma=rma, actor=ACTOR, receiving_location=east)
    line = rma.lines.get()

    # Received: one damaged (scrapped), one new (restocked); the backorder task runs after commit
    with django_capture_on_commit_callbacks(execute=True):
        services.return_receive(
            rma=rma,
            location=east,
            lines=[
                {"return_line": line, "quantity": 1, "condition": "damaged", "disposition": "scrap"},
                {"return_line": line, "quantity": 1, "condition": "new", "disposition": "restock"},
            ],
            actor=ACTOR,
        )
    restock = StockMovement.objects.get(kind="return_restock")
    assert (restock.sku, restock.location, restock.on_hand_delta, restock.reference) == (
        shirt_m,
        east,
        1,
        rma.number,
    )
    assert fresh(waiting).status == "allocated"  # the waiting backorder got the restocked unit
    assert level(shirt_m, east) == (1, 1)
    assert FulfillmentOrder.objects.get(order=waiting).location == east
    assert_stock_invariants()
    assert fresh(shirts).quantity_returned == 2
    assert fresh(rma).status == "received"

    # Refunded: the 2 shirts (each 19.99 + (4.56 - 3.00) / 3 = 20.51) + shipping - a 2.00 fee
    with django_capture_on_commit_callbacks(execute=True):
        refund = services.return_refund(rma=rma, include_shipping=True, restocking_fee=D("2.00"), actor=ACTOR)
    refund = fresh(refund)
    assert (refund.lines_amount, refund.shipping_amount, refund.restocking_fee, refund.total) == (
        D("41.02"),
        D("5.95"),
        D("2.00"),
        D("44.97"),
    )
    assert (refund.status, refund.external_reference) == ("succeeded", f"manual:{refund.pk}")
    order = fresh(order)
    assert (order.payment_status, order.refunded_total) == ("partially_refunded", D("44.97"))
    assert fresh(rma).status == "closed"

    # Exchanged: the third shirt, for a size L at the same price, sourced like any order
    second = services.return_authorize(
        rma=services.return_create(
            order=order,
            lines=[{"order_line": shirts, "quantity": 1, "reason_code": "size_or_fit"}],
            actor=ACTOR,
        ),
        actor=ACTOR,
    )
    replacement = services.return_exchange(
        rma=second, lines=[{"sku": "SHIRT-L", "quantity": 1, "unit_price": "19.99"}], actor=ACTOR
    )
    replacement = fresh(replacement)
    assert (replacement.external_id, replacement.channel, replacement.customer_email) == (
        f"{second.number}-EXCHANGE",
        web,
        "pat@example.com",
    )
    assert (replacement.total, replacement.payment_status, replacement.status) == (
        D("19.99"),
        "paid",
        "allocated",
    )
    assert level(shirt_l, east) == (2, 1)
    second = fresh(second)
    assert (second.exchange_order, second.exchange_difference) == (replacement, D("-0.52"))  # 19.99 - 20.51
    services.return_receive(
        rma=second,
        location=east,
        lines=[
            {
                "return_line": second.lines.get(),
                "quantity": 1,
                "condition": "opened",
                "disposition": "restock",
            }
        ],
        actor=ACTOR,
    )
    assert fresh(second).status == "closed"
    assert fresh(shirts).quantity_returned == 3
    assert_stock_invariants()

    # The timeline and the outbox tell the whole story
    kinds = list(OrderEvent.objects.filter(order=order).values_list("kind", flat=True))
    for kind in (
        "return_requested",
        "return_authorized",
        "returned",
        "return_received",
        "refunded",
        "refund_succeeded",
        "return_closed",
        "return_exchanged",
    ):
        assert kind in kinds, kind
    assert OutboxEvent.objects.filter(
        aggregate_id=order.number, topic__startswith="order.return"
    ).count() == (
        kinds.count("return_requested")
        + kinds.count("return_authorized")
        + kinds.count("return_received")
        + kinds.count("return_closed")
        + kinds.count("return_exchanged")
        + kinds.count("returned")
    )
    assert Refund.objects.filter(order=order).count() == 1
