"""Requesting a return, and its life before the goods arrive: every refusal has a code."""

import pytest

from oms.core.actor import Actor
from oms.core.errors import DomainError
from oms.core.models import OutboxEvent
from orders.models import OrderEvent
from returns import services
from returns.models import ReturnAuthorization

from .factories import ACTOR, ChannelFactory, fresh, make_order, request, ship, shipped_order

pytestmark = pytest.mark.django_db


def refused(code, call, *args, **kwargs):
    with pytest.raises(DomainError) as error:
        call(*args, **kwargs)
    assert error.value.code == code, error.value.message
    return error.value


@pytest.fixture
def order(east, shirt, mug):
    """3 shirts and 1 mug, all shipped."""
    return shipped_order(east, [{"sku": shirt, "quantity": 3}, {"sku": mug, "quantity": 1}])


def lines_of(order):
    return list(order.lines.order_by("line_number"))


def test_a_return_is_requested_for_shipped_units_with_a_number_timeline_and_outbox(order):
    shirts, _mug = lines_of(order)
    rma = request(order, (shirts, 2), carrier="UPS", tracking_number=" 1ZBACK ")
    assert rma.status == "requested"
    assert rma.number.startswith("RMA-") and len(rma.number) == 12
    assert (rma.return_carrier, rma.tracking_number) == ("UPS", "1ZBACK")
    line = rma.lines.get()
    assert (line.order_line, line.quantity, line.reason_code) == (shirts, 2, "size_or_fit")
    event = OrderEvent.objects.get(order=order, kind="return_requested")
    assert event.payload["rma"] == rma.number
    assert event.payload["lines"] == {str(shirts.pk): 2}
    outbox = OutboxEvent.objects.get(topic="order.return_requested")
    assert outbox.aggregate_id == order.number and outbox.payload["rma"] == rma.number
    assert (rma.created_by_kind, rma.created_by_label) == ("system", "tests")


def test_numbers_are_unique(order):
    shirts, mug = lines_of(order)
    first, second = request(order, (shirts, 1)), request(order, (mug, 1))
    assert first.number != second.number


def test_unshipped_order_cannot_be_returned(east, shirt):
    order = make_order([{"sku": shirt, "quantity": 2}])
    error = refused("order_not_shipped", request, order, (order.lines.get(), 1))
    assert "has not shipped anything" in error.message


def test_unshipped_line_of_a_partly_shipped_order_is_not_returnable(east, shirt, mug):
    order = make_order([{"sku": shirt, "quantity": 1}, {"sku": mug, "quantity": 1}])
    shirts, mugs = lines_of(order)
    ship(order, east, {shirts.pk: 1})
    error = refused("not_returnable", request, order, (mugs, 1))
    assert error.details["shipped"] == 0


def test_more_than_shipped_is_refused(east, shirt):
    order = make_order([{"sku": shirt, "quantity": 3}])
    line = order.lines.get()
    ship(order, east, {line.pk: 2})
    error = refused("quantity_too_high", request, order, (line, 3))
    assert error.details == {
        "index": 0,
        "order_line": line.pk,
        "requested": 3,
        "shipped": 2,
        "returned": 0,
        "on_open_returns": 0,
        "returnable": 2,
    }


def test_units_on_an_open_return_cannot_be_asked_for_again(order):
    shirts, _ = lines_of(order)
    request(order, (shirts, 2))
    error = refused("quantity_too_high", request, order, (shirts, 2))
    assert error.details["on_open_returns"] == 2 and error.details["returnable"] == 1
    rma = request(order, (shirts, 1))
    refused("not_returnable", request, order, (shirts, 1))
    # a rejected or cancelled return frees its units again
    services.return_cancel(rma=rma, actor=ACTOR)
    assert request(order, (shirts, 1)).status == "requested"


def test_rejected_returns_free_their_units(order):
    shirts, _ = lines_of(order)
    rma = request(order, (shirts, 3))
    services.return_reject(rma=rma, reason="Outside the 30-day window", actor=ACTOR)
    assert request(order, (shirts, 3)).lines.get().quantity == 3


def test_units_already_returned_cannot_be_returned_again(order, east):
    shirts, _ = lines_of(order)
    rma = services.return_authorize(rma=request(order, (shirts, 3)), actor=ACTOR)
    services.return_receive(
        rma=rma,
        location=east,
        lines=[{"return_line": rma.lines.get(), "quantity": 3, "condition": "new", "disposition": "restock"}],
        actor=ACTOR,
    )
    assert fresh(shirts).quantity_returned == 3
    error = refused("not_returnable", request, order, (shirts, 1))
    assert error.details["returned"] == 3


def test_a_line_of_another_order_is_refused(order, east, shirt):
    other = shipped_order(east, [{"sku": shirt, "quantity": 1}])
    refused("line_not_on_order", request, order, (other.lines.get(), 1))


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        ([], "no_lines"),
        ([{"quantity": 0, "reason_code": "other"}], "invalid_quantity"),
        ([{"quantity": "1", "reason_code": "other"}], "invalid_quantity"),
        ([{"quantity": 1, "reason_code": "changed_my_mind"}], "invalid_reason"),
        (
            [{"quantity": 1, "reason_code": "other"}, {"quantity": 1, "reason_code": "other"}],
            "duplicate_line",
        ),
    ],
)
def test_malformed_requests_are_refused(order, lines, code):
    shirts, _ = lines_of(order)
    for line in lines:
        line["order_line"] = shirts.pk
    refused(code, services.return_create, order=order, lines=lines, actor=ACTOR)
    assert not ReturnAuthorization.objects.exists()


def test_a_channel_requests_returns_of_its_own_orders_only(order):
    own = Actor("channel", order.channel_id, order.channel.code)
    other_channel = ChannelFactory(code="market")
    other = Actor("channel", other_channel.pk, other_channel.code)
    shirts, _ = lines_of(order)
    refused("wrong_channel", request, order, (shirts, 1), actor=other)
    rma = request(order, (shirts, 1), actor=own)
    assert (rma.created_by_kind, rma.created_by_id) == ("channel", order.channel_id)


def test_authorize_then_reject_is_refused_and_vice_versa(order, east):
    shirts, mug = lines_of(order)
    rma = services.return_authorize(rma=request(order, (shirts, 1)), actor=ACTOR, receiving_location=east)
    assert (rma.status, rma.receiving_location, rma.authorized_by_label) == ("authorized", east, "tests")
    assert rma.authorized_at is not None
    refused("invalid_transition", services.return_reject, rma=rma, reason="no", actor=ACTOR)
    refused("invalid_transition", services.return_authorize, rma=rma, actor=ACTOR)

    rejected = services.return_reject(rma=request(order, (mug, 1)), reason="Final sale item", actor=ACTOR)
    assert (rejected.status, rejected.reject_reason) == ("rejected", "Final sale item")
    refused("invalid_transition", services.return_authorize, rma=rejected, actor=ACTOR)
    refused("invalid_transition", services.return_cancel, rma=rejected, actor=ACTOR)
    kinds = list(OrderEvent.objects.filter(order=order).values_list("kind", flat=True))
    assert kinds.count("return_authorized") == 1 and kinds.count("return_rejected") == 1


def test_reject_needs_a_reason(order):
    shirts, _ = lines_of(order)
    refused(
        "reason_required", services.return_reject, rma=request(order, (shirts, 1)), reason=" ", actor=ACTOR
    )


def test_cancel_before_receipt_only(order, east):
    shirts, _mug = lines_of(order)
    rma = request(order, (shirts, 1))
    assert services.return_cancel(rma=rma, actor=ACTOR, reason="Customer kept it").status == "cancelled"
    assert OrderEvent.objects.filter(order=order, kind="return_cancelled").count() == 1

    rma = services.return_authorize(rma=request(order, (shirts, 2)), actor=ACTOR)
    services.return_receive(
        rma=rma,
        location=east,
        lines=[{"return_line": rma.lines.get(), "quantity": 1, "condition": "new", "disposition": "restock"}],
        actor=ACTOR,
    )
    error = refused("already_received", services.return_cancel, rma=rma, actor=ACTOR)
    assert "can no longer be cancelled" in error.message
    assert fresh(rma).status == "authorized"


def test_tracking_is_updated_while_the_return_is_open(order):
    shirts, _ = lines_of(order)
    rma = request(order, (shirts, 1))
    rma = services.return_update_tracking(rma=rma, carrier="DHL", tracking_number="JD0001", actor=ACTOR)
    assert (fresh(rma).return_carrier, fresh(rma).tracking_number) == ("DHL", "JD0001")
    assert (
        OrderEvent.objects.get(order=order, kind="return_tracking_updated").payload["tracking_number"]
        == "JD0001"
    )
    services.return_cancel(rma=rma, actor=ACTOR)
    refused(
        "invalid_transition",
        services.return_update_tracking,
        rma=rma,
        carrier="x",
        tracking_number="y",
        actor=ACTOR,
    )
