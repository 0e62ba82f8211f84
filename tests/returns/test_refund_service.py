"""Refunds through the service: amounts to the cent, payment status, closing, refusals."""

from decimal import Decimal as D

import pytest

from oms.core.errors import DomainError
from oms.core.models import OutboxEvent
from orders import services as order_services
from orders.models import OrderEvent
from returns import services
from returns.models import Refund

from .factories import ACTOR, authorized, fresh, make_order, receive_return, request, ship, shipped_order

pytestmark = pytest.mark.django_db


def refused(code, call, *args, **kwargs):
    with pytest.raises(DomainError) as error:
        call(*args, **kwargs)
    assert error.value.code == code, error.value.message
    return error.value


def refund(rma, *items, **options):
    lines = None if not items else [{"return_line": line, "quantity": units} for line, units in items]
    return services.return_refund(rma=rma, lines=lines, actor=ACTOR, **options)


@pytest.fixture
def order(east, shirt, mug):
    """3 shirts at 9.99 with 1.00 off the line and 2.00 tax (30.97), 1 mug at 12.00 + 0.96 tax
    (12.96), shipping 4.95: total 48.88, paid."""
    return shipped_order(
        east,
        [
            {"sku": shirt, "quantity": 3, "unit_price": "9.99", "discount": "1.00", "tax": "2.00"},
            {"sku": mug, "quantity": 1, "unit_price": "12.00", "tax": "0.96"},
        ],
        shipping_price="4.95",
    )


def received(order, east, *items):
    """An authorized RMA for (order line, units) pairs, all received new and restocked."""
    rma = authorized(order, *items)
    lines = {line.order_line_id: line for line in rma.lines.all()}
    receive_return(rma, east, *[(lines[ol.pk], units, "new", "restock") for ol, units in items])
    return fresh(rma)


def test_three_partial_refunds_of_a_line_add_up_to_the_cent_and_the_order_ends_refunded(order, east):
    assert order.total == D("48.88")
    shirts, mugs = order.lines.order_by("line_number")
    rma = received(order, east, (shirts, 3), (mugs, 1))
    shirt_line, _mug_line = rma.lines.order_by("pk")

    first = refund(rma, (shirt_line, 1))
    assert (first.lines_amount, first.total, first.status) == (D("10.32"), D("10.32"), "requested")
    order = fresh(order)
    assert (order.payment_status, order.refunded_total) == ("partially_refunded", D("10.32"))

    second = refund(rma, (shirt_line, 1))
    assert second.total == D("10.33")  # the rounding cent comes back here

    third = refund(rma, include_shipping=True)  # everything left: 1 shirt + the mug + shipping
    assert (third.lines_amount, third.shipping_amount, third.total) == (D("23.28"), D("4.95"), D("28.23"))
    assert sorted(third.lines.values_list("amount", flat=True)) == [D("10.32"), D("12.96")]

    order = fresh(order)
    assert first.total + second.total + third.total == order.total
    assert (order.payment_status, order.refunded_total) == ("refunded", D("48.88"))
    assert fresh(rma).status == "closed"
    assert fresh(shirt_line).quantity_refunded == 3
    events = list(OrderEvent.objects.filter(order=order, kind="refunded").values_list("payload", flat=True))
    assert [e["amount"] for e in events] == ["10.32", "10.33", "28.23"]
    assert events[0]["rma"] == rma.number and events[0]["refund"] == first.pk
    assert OutboxEvent.objects.filter(topic="order.refunded", aggregate_id=order.number).count() == 3
    assert OrderEvent.objects.filter(order=order, kind="return_closed").count() == 1


def test_restocking_fee_is_taken_off_the_refund(order, east):
    shirts, _ = order.lines.order_by("line_number")
    rma = received(order, east, (shirts, 2))
    result = refund(rma, restocking_fee=D("3.00"))
    assert (result.lines_amount, result.restocking_fee, result.total) == (D("20.65"), D("3.00"), D("17.65"))
    assert fresh(order).refunded_total == D("17.65")


def test_a_fee_larger_than_the_refund_leaves_nothing_to_pay_and_nothing_to_ask(order, east):
    _, mugs = order.lines.order_by("line_number")
    rma = received(order, east, (mugs, 1))
    result = refund(rma, restocking_fee=D("20"))
    assert (result.lines_amount, result.restocking_fee, result.total, result.status) == (
        D("12.96"),
        D("12.96"),
        D("0.00"),
        "succeeded",
    )
    order = fresh(order)
    assert (order.payment_status, order.refunded_total) == ("paid", D("0"))
    assert OrderEvent.objects.filter(order=order, kind="refund_waived").count() == 1
    assert fresh(rma).status == "closed"


def test_shipping_is_refunded_once_per_order(order, east):
    shirts, mugs = order.lines.order_by("line_number")
    first = received(order, east, (shirts, 1))
    assert refund(first, include_shipping=True).shipping_amount == D("4.95")
    second = received(order, east, (mugs, 1))
    refused("shipping_already_refunded", refund, second, include_shipping=True)
    assert refund(second).total == D("12.96")


def test_only_received_units_are_refunded(order, east):
    shirts, _ = order.lines.order_by("line_number")
    rma = authorized(order, (shirts, 3))
    line = rma.lines.get()
    refused("nothing_to_refund", refund, rma)
    receive_return(rma, east, (line, 1, "new", "restock"))
    error = refused("refund_too_many", refund, rma, (line, 2))
    assert error.details == {"return_line": line.pk, "requested": 2, "received": 1, "refunded": 0}
    assert refund(rma, (line, 1)).total == D("10.32")
    refused("refund_too_many", refund, rma, (line, 1))
    refused("nothing_to_refund", refund, rma)
    assert fresh(rma).status == "authorized"  # two units still expected: not closed


def test_refund_refusals_by_state(order, east):
    shirts, mugs = order.lines.order_by("line_number")
    requested = request(order, (shirts, 1))
    refused("invalid_transition", refund, requested)
    rejected = services.return_reject(rma=request(order, (mugs, 1)), reason="no", actor=ACTOR)
    refused("invalid_transition", refund, rejected)
    other = authorized(order, (mugs, 1))
    receive_return(other, east, (other.lines.get(), 1, "new", "restock"))
    refund(other)
    refused("invalid_transition", refund, other)  # closed


def test_a_line_of_another_return_is_refused(order, east):
    shirts, mugs = order.lines.order_by("line_number")
    rma = received(order, east, (shirts, 1))
    other = received(order, east, (mugs, 1))
    refused("line_not_on_return", refund, rma, (other.lines.get(), 1))


def test_unpaid_orders_are_not_refunded(east, shirt):
    order = make_order([{"sku": shirt, "quantity": 1}], payment_status="authorized")
    ship(order, east)
    rma = received(order, east, (order.lines.get(), 1))
    error = refused("order_not_paid", refund, rma)
    assert error.details == {"payment_status": "authorized"}


def test_a_refund_never_exceeds_what_is_left_on_the_order(order, east):
    _, mugs = order.lines.order_by("line_number")
    order_services.order_record_refund(order=order, amount=D("40.00"), actor=ACTOR)  # a goodwill refund
    rma = received(order, east, (mugs, 1))
    error = refused("refund_exceeds_order", refund, rma)
    assert error.details == {"total": "12.96", "remaining": "8.88", "currency": "USD"}
    assert not Refund.objects.exists()
    assert refund(rma, restocking_fee=D("4.08")).total == D("8.88")
    assert fresh(order).payment_status == "refunded"


def test_refunds_across_returns_of_one_line_still_add_up(east, shirt):
    order = shipped_order(
        east, [{"sku": shirt, "quantity": 3, "unit_price": "9.99", "discount": "1.00", "tax": "2.00"}]
    )
    line = order.lines.get()
    amounts = []
    for _ in range(3):
        rma = received(order, east, (line, 1))
        amounts.append(refund(rma).total)
    assert amounts == [D("10.32"), D("10.33"), D("10.32")]
    assert fresh(order).payment_status == "refunded"


def test_yen_refunds_have_no_minor_unit(east, shirt):
    order = shipped_order(
        east,
        [{"sku": shirt, "quantity": 3, "unit_price": "1000", "discount": "100", "tax": "90"}],
        currency="JPY",
    )
    rma = received(order, east, (order.lines.get(), 3))
    line = rma.lines.get()
    assert [refund(rma, (line, 1)).total for _ in range(3)] == [D("997"), D("996"), D("997")]
    assert fresh(order).refunded_total == D("2990")


def test_a_price_that_includes_its_tax_is_refunded_as_paid_not_with_the_tax_again(east, shirt):
    """2 shirts at 12.00 VAT included (4.00 of VAT inside): the customer paid 24.00."""
    order = shipped_order(
        east, [{"sku": shirt, "quantity": 2, "unit_price": "12.00", "tax": "4.00"}], taxes_included=True
    )
    order.total = D("24.00")  # the factory adds tax on top; with tax included the channel says 24.00
    order.save(update_fields=["total"])
    (shirts,) = order.lines.all()
    rma = received(order, east, (shirts, 2))
    (line,) = rma.lines.all()

    assert refund(rma, (line, 1)).total == D("12.00")
    assert refund(rma, (line, 1)).total == D("12.00")
