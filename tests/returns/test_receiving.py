"""Receiving and inspection: restock through the ledger, scrap and vendor move no stock."""

import pytest

from inventory.models import StockLevel, StockMovement
from inventory.signals import stock_received
from oms.core.errors import DomainError
from orders.models import OrderEvent
from returns import services
from returns.models import ReturnReceipt
from tests.inventory.invariants import assert_stock_invariants

from .factories import ACTOR, authorized, fresh, receive_return, request, shipped_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(east, shirt, mug):
    return shipped_order(east, [{"sku": shirt, "quantity": 3}, {"sku": mug, "quantity": 2}])


@pytest.fixture
def signals():
    sent = []

    def listener(sender, sku_ids, location_id, **kwargs):
        sent.append((sku_ids, location_id))

    stock_received.connect(listener, dispatch_uid="returns-test")
    yield sent
    stock_received.disconnect(dispatch_uid="returns-test")


def on_hand(sku, location):
    level = StockLevel.objects.filter(sku=sku, location=location).first()
    return level.on_hand if level else 0


def refused(code, call, *args, **kwargs):
    with pytest.raises(DomainError) as error:
        call(*args, **kwargs)
    assert error.value.code == code, error.value.message
    return error.value


def test_one_damaged_unit_scrapped_and_one_restocked(order, east, west, shirt, signals):
    shirts, _ = order.lines.order_by("line_number")
    rma = authorized(order, (shirts, 2))
    line = rma.lines.get()
    assert on_hand(shirt, west) == 0

    receipts = receive_return(rma, west, (line, 1, "damaged", "scrap"), (line, 1, "new", "restock"))

    # stock and ledger: one unit back on the shelf at west, by a return movement the receipt holds
    assert on_hand(shirt, west) == 1
    movement = StockMovement.objects.get(kind="return_restock")
    restock = next(r for r in receipts if r.disposition == "restock")
    assert (movement.sku, movement.location, movement.on_hand_delta) == (shirt, west, 1)
    assert movement.holder == restock and movement.reference == rma.number
    assert list(restock.movements.all()) == [movement]
    scrap = next(r for r in receipts if r.disposition == "scrap")
    assert not scrap.movements.exists()
    assert signals == [([shirt.pk], west.pk)]
    assert_stock_invariants()

    line = fresh(line)
    assert (line.quantity_received, line.quantity_restocked, line.quantity_scrapped) == (2, 1, 1)
    assert fresh(shirts).quantity_returned == 2
    rma = fresh(rma)
    assert (rma.status, rma.receiving_location, rma.received_at is not None) == ("received", west, True)
    received = OrderEvent.objects.get(order=order, kind="return_received")
    assert received.payload["complete"] is True
    assert [r["disposition"] for r in received.payload["receipts"]] == ["scrap", "restock"]
    returned = OrderEvent.objects.get(order=order, kind="returned")
    assert returned.payload == {"quantities": {str(shirts.pk): 2}, "rma": rma.number}


def test_partial_receipts_until_everything_arrived(order, east, shirt, mug):
    shirts, mugs = order.lines.order_by("line_number")
    rma = authorized(order, (shirts, 3), (mugs, 1))
    shirt_line, mug_line = rma.lines.order_by("pk")
    receive_return(rma, east, (shirt_line, 1, "opened", "restock"))
    assert fresh(rma).status == "authorized"
    assert fresh(shirts).quantity_returned == 1
    receive_return(rma, east, (shirt_line, 2, "wrong_item", "vendor"), (mug_line, 1, "new", "restock"))
    assert fresh(rma).status == "received"
    shirt_line = fresh(shirt_line)
    assert (shirt_line.quantity_received, shirt_line.quantity_restocked, shirt_line.quantity_to_vendor) == (
        3,
        1,
        2,
    )
    assert (fresh(shirts).quantity_returned, fresh(mugs).quantity_returned) == (3, 1)
    assert ReturnReceipt.objects.filter(line__rma=rma).count() == 3
    # 3 shirts shipped from east; 1 came back to the shelf; 2 went to the vendor
    assert on_hand(shirt, east) == 1
    assert on_hand(mug, east) == 1
    assert_stock_invariants()


def test_more_than_authorized_is_refused_within_one_receipt_and_across_receipts(order, east):
    shirts, _ = order.lines.order_by("line_number")
    rma = authorized(order, (shirts, 2))
    line = rma.lines.get()
    error = refused(
        "receive_too_many", receive_return, rma, east, (line, 2, "new", "restock"), (line, 1, "new", "scrap")
    )
    assert error.details == {"return_line": line.pk, "received": 3, "authorized": 2, "expected": 2}
    assert not StockMovement.objects.filter(kind="return_restock").exists()  # nothing half-done
    receive_return(rma, east, (line, 1, "new", "restock"))
    refused("receive_too_many", receive_return, rma, east, (line, 2, "new", "restock"))
    assert fresh(shirts).quantity_returned == 1


def test_only_authorized_returns_are_received(order, east):
    shirts, _ = order.lines.order_by("line_number")
    rma = request(order, (shirts, 1))
    error = refused("invalid_transition", receive_return, rma, east, (rma.lines.get(), 1, "new", "restock"))
    assert "authorize it first" in error.message
    services.return_cancel(rma=rma, actor=ACTOR)
    refused("invalid_transition", receive_return, rma, east, (rma.lines.get(), 1, "new", "restock"))


def test_a_fully_received_return_takes_no_more(order, east):
    shirts, _ = order.lines.order_by("line_number")
    rma = authorized(order, (shirts, 1))
    receive_return(rma, east, (rma.lines.get(), 1, "new", "restock"))
    refused("invalid_transition", receive_return, rma, east, (rma.lines.get(), 1, "new", "restock"))


@pytest.mark.parametrize(
    ("item", "code"),
    [
        ({"quantity": 1, "condition": "mint", "disposition": "restock"}, "invalid_condition"),
        ({"quantity": 1, "condition": "new", "disposition": "sell"}, "invalid_disposition"),
        ({"quantity": 0, "condition": "new", "disposition": "restock"}, "invalid_quantity"),
    ],
)
def test_malformed_receipts_are_refused(order, east, item, code):
    shirts, _ = order.lines.order_by("line_number")
    rma = authorized(order, (shirts, 1))
    refused(
        code,
        services.return_receive,
        rma=rma,
        location=east,
        lines=[{"return_line": rma.lines.get(), **item}],
        actor=ACTOR,
    )
    refused("no_lines", services.return_receive, rma=rma, location=east, lines=[], actor=ACTOR)


def test_a_line_of_another_return_is_refused(order, east):
    shirts, mugs = order.lines.order_by("line_number")
    rma = authorized(order, (shirts, 1))
    other = authorized(order, (mugs, 1))
    refused("line_not_on_return", receive_return, rma, east, (other.lines.get(), 1, "new", "restock"))
