"""Exchanges: a replacement order through intake, linked, with the price difference."""

from decimal import Decimal as D

import pytest

from fulfillment.models import FulfillmentOrder
from oms.core.errors import DomainError
from orders.models import Order, OrderEvent
from returns import services

from .factories import ACTOR, SkuFactory, authorized, fresh, receive, receive_return, request, shipped_order

pytestmark = pytest.mark.django_db


def refused(code, call, *args, **kwargs):
    with pytest.raises(DomainError) as error:
        call(*args, **kwargs)
    assert error.value.code == code, error.value.message
    return error.value


@pytest.fixture
def large(db):
    return SkuFactory(code="SHIRT-L", name="Shirt L")


@pytest.fixture
def order(east, shirt):
    """2 shirts M at 20.00 with 2.00 off and 3.24 tax: 41.24 paid (20.62 a unit)."""
    return shipped_order(
        east, [{"sku": shirt, "quantity": 2, "unit_price": "20.00", "discount": "2.00", "tax": "3.24"}]
    )


def exchange(rma, *lines):
    return services.return_exchange(
        rma=rma,
        lines=[{"sku": sku, "quantity": quantity, "unit_price": price} for sku, quantity, price in lines],
        actor=ACTOR,
    )


def test_a_size_exchange_creates_a_paid_replacement_that_is_sourced(order, east, large):
    receive(large, east, 5)
    rma = authorized(order, (order.lines.get(), 1))
    replacement = exchange(rma, (large, 1, "20.00"))

    assert replacement.external_id == f"{rma.number}-EXCHANGE"
    assert replacement.channel == order.channel
    assert (replacement.customer_email, replacement.ship_line1, replacement.ship_postal_code) == (
        "pat@example.com",
        "1 Main St",
        "19103",
    )
    assert replacement.total == D("20.00")
    assert replacement.payment_status == "paid"  # 20.62 returned covers 20.00
    line = replacement.lines.get()
    assert (line.sku, line.quantity, line.unit_price) == (large, 1, D("20.00"))
    rma = fresh(rma)
    assert rma.exchange_order == replacement
    assert rma.exchange_difference == D("-0.62")
    assert list(replacement.exchange_for.all()) == [rma]
    # sourced like any other order
    replacement = fresh(replacement)
    assert replacement.status == "allocated"
    assert FulfillmentOrder.objects.get(order=replacement).location == east
    event = OrderEvent.objects.get(order=order, kind="return_exchanged")
    assert event.payload["exchange_order"] == replacement.number
    assert (event.payload["returned_value"], event.payload["difference"]) == ("20.62", "-0.62")
    assert OrderEvent.objects.get(order=replacement, kind="exchange_for_return").payload["rma"] == rma.number
    assert rma.status == "authorized"  # closes once the goods are in

    receive_return(rma, east, (rma.lines.get(), 1, "new", "restock"))
    assert fresh(rma).status == "closed"


def test_a_dearer_replacement_waits_for_the_difference(order, east, large):
    receive(large, east, 5)
    rma = authorized(order, (order.lines.get(), 2))
    replacement = exchange(rma, (large, 2, "25.00"))
    assert replacement.total == D("50.00")
    assert fresh(rma).exchange_difference == D("8.76")  # 50.00 - 41.24
    assert replacement.payment_status == "pending"
    assert fresh(replacement).status == "on_hold"  # web does not allow pay later: a payment hold


def test_a_received_return_is_exchanged_and_closed_at_once(order, east, large):
    rma = authorized(order, (order.lines.get(), 1))
    receive_return(rma, east, (rma.lines.get(), 1, "opened", "restock"))
    assert fresh(rma).status == "received"
    exchange(rma, (large, 1, "20.00"))
    assert fresh(rma).status == "closed"
    assert OrderEvent.objects.filter(order=order, kind="return_closed").count() == 1


def test_exchange_refusals(order, east, large):
    line = order.lines.get()
    requested = request(order, (line, 1))
    refused("invalid_transition", exchange, requested, (large, 1, "20.00"))
    services.return_cancel(rma=requested, actor=ACTOR)

    rma = authorized(order, (line, 1))
    refused("no_exchange_lines", exchange, rma)
    refused("unknown_sku", exchange, rma, ("NOPE-1", 1, "20.00"))
    refused("invalid_amount", exchange, rma, (large, 1, "-1"))
    refused("invalid_amount", exchange, rma, (large, 1, "cheap"))
    refused("invalid_quantity", exchange, rma, (large, 0, "20.00"))
    assert not Order.objects.filter(external_id__endswith="-EXCHANGE").exists()

    exchange(rma, (large, 1, "20.00"))
    refused("already_exchanged", exchange, rma, (large, 1, "20.00"))
    receive_return(rma, east, (rma.lines.get(), 1, "new", "restock"))
    refused("invalid_transition", services.return_refund, rma=rma, actor=ACTOR)  # closed


def test_an_exchanged_open_return_cannot_be_refunded(order, east, large):
    rma = authorized(order, (order.lines.get(), 2))
    receive_return(rma, east, (rma.lines.get(), 1, "new", "restock"))
    exchange(rma, (large, 1, "20.00"))
    refused("already_exchanged", services.return_refund, rma=rma, actor=ACTOR)


def test_a_partly_refunded_return_cannot_be_exchanged(order, east, large):
    rma = authorized(order, (order.lines.get(), 2))
    receive_return(rma, east, (rma.lines.get(), 1, "new", "restock"))
    services.return_refund(rma=rma, actor=ACTOR)
    refused("already_refunded", exchange, rma, (large, 1, "20.00"))
