"""A known (channel, external id) arriving again is an update (issue 16): each difference applied
through the service that owns it, on the timeline as done by the channel; what cannot be applied
goes on an exception hold with the difference; an older update is ignored."""

import copy

import pytest

from inventory.models import Location, StockLevel
from inventory.services import StockLine, stock_receive
from oms.core.actor import Actor
from orders import services
from orders.models import ChannelRefund, Hold, Order, OrderEvent
from tests.fulfillment.invariants import assert_invariants

from .factories import LocationFactory, SkuFactory, order_payload

pytestmark = pytest.mark.django_db
URL = "/api/v1/orders/"


def document(**overrides) -> dict:
    """A channel's order: two lines with channel line ids, stated at 10:00."""
    body = order_payload(
        lines=[("TSHIRT-M", 2, "10.00"), ("CAP-RED", 1, "5.00")], updated_at="2026-03-02T10:00:00Z"
    )
    body["lines"][0]["channel_line_id"] = "L1"
    body["lines"][1]["channel_line_id"] = "L2"
    body.update(overrides)
    return body


def later(body: dict, minutes: int = 5) -> dict:
    body = copy.deepcopy(body)
    body["updated_at"] = f"2026-03-02T10:{minutes:02d}:00Z"
    return body


def send(api, body, status=200) -> dict:
    response = api.post(URL, body)
    assert response.status_code == status, response.json()
    return response.json()


def events(order: dict, kind: str) -> list[dict]:
    return [event for event in order["timeline"] if event["kind"] == kind]


def exception_reason(order: dict) -> str:
    return " ".join(hold["reason"] for hold in order["holds"] if hold["kind"] == "exception" and hold["open"])


def line(order: dict, channel_line_id: str) -> dict:
    return next(line for line in order["lines"] if line["channel"]["line_id"] == channel_line_id)


CHANNEL = {"kind": "channel", "label": "web"}


def test_an_address_the_channel_changed_is_applied_by_the_channel(api, web, skus):
    first = send(api, document(), 201)
    changed = later(document())
    changed["shipping_address"]["line1"] = "1 New Street"
    order = send(api, changed)
    assert order["shipping_address"]["line1"] == "1 New Street"
    [event] = events(order, "address_changed")
    assert event["actor"] == CHANNEL
    assert order["number"] == first["number"] and Order.objects.count() == 1


def test_an_address_customer_service_changed_is_not_undone_by_a_resend(api, web, skus):
    first = send(api, document(), 201)
    fixed = {**document()["shipping_address"], "line1": "2 Agent Road"}
    api.post(
        f"{URL}{first['number']}/edit-address/", {"shipping_address": fixed, "reason": "customer called"}
    )
    again = later(document())
    again["channel_status"] = "processing"
    order = send(api, again)
    assert order["shipping_address"]["line1"] == "2 Agent Road"
    assert order["channel_facts"]["status"] == "processing"


def test_a_quantity_the_channel_changed_is_an_edit_with_its_money_as_stated(api, web, skus):
    send(api, document(), 201)
    changed = later(document())
    changed["lines"][0].update(quantity=1, unit_price="10.00", tax="0.50")
    changed["totals"] = {"total": "21.50"}
    order = send(api, changed)
    shirt = line(order, "L1")
    assert (shirt["quantities"]["ordered"], shirt["tax"]) == (1, "0.50")
    assert order["totals"]["total"] == "21.50"
    assert events(order, "lines_edited")[0]["actor"] == CHANNEL
    assert order["holds"] == []


def test_lines_the_channel_added_and_removed(api, web, skus):
    send(api, document(), 201)
    changed = later(document())
    changed["lines"] = [
        changed["lines"][0],
        {"channel_line_id": "L3", "sku": "MUG-01", "quantity": 1, "unit_price": "7.00", "tax": "0.00"},
    ]
    changed["totals"] = {"total": "33.00"}
    order = send(api, changed)
    assert [(li["channel"]["line_id"], li["removed"]) for li in order["lines"]] == [
        ("L1", False),
        ("L2", True),
        ("L3", False),
    ]
    assert order["totals"]["total"] == "33.00" and order["holds"] == []


def test_an_older_update_after_a_newer_one_is_ignored(api, web, skus):
    send(api, document(), 201)
    newer = later(document(), 10)
    newer["channel_status"] = "shipped"
    send(api, newer)
    older = later(document(), 5)
    older["channel_status"] = "processing"
    order = send(api, older)
    assert order["channel_facts"]["status"] == "shipped"
    assert order["channel_facts"]["updated_at"] == "2026-03-02T10:10:00Z"


def test_a_change_to_a_line_already_shipped_is_held_with_the_difference(api, web, skus):
    first = send(api, document(), 201)
    stored = Order.objects.get(number=first["number"])
    shirt = stored.lines.get(channel_line_id="L1")
    services.order_record_allocation(order=stored, allocated={shirt.pk: 2}, actor=Actor.system("test"))
    services.order_record_shipment(
        order=stored, quantities={shirt.pk: 2}, actor=Actor.system("test"), shipment={}
    )
    changed = later(document())
    changed["lines"][0]["quantity_cancelled"] = 1
    order = send(api, changed)
    reason = exception_reason(order)
    assert "Line 1 (TSHIRT-M): 1 units cancelled by the channel: not applied" in reason
    assert line(order, "L1")["quantities"] == {
        **line(order, "L1")["quantities"],
        "shipped": 2,
        "cancelled": 0,
    }
    # the same document again holds nothing new
    again = later(changed, 6)
    send(api, again)
    assert Hold.objects.filter(order=stored, kind="exception", released_at__isnull=True).count() == 1


def test_refunds_are_recorded_once_by_their_id_and_payment_follows(api, web, skus):
    first = send(api, document(payment_status="paid"), 201)
    refunded = later(document(payment_status="partially_refunded"))
    refunded["refunds"] = [
        {
            "channel_refund_id": "R1",
            "amount": "5.00",
            "lines": [{"channel_line_id": "L2", "quantity": 1, "amount": "5.00"}],
        }
    ]
    order = send(api, refunded)
    assert (order["payment_status"], order["totals"]["refunded"]) == ("partially_refunded", "5.00")
    assert events(order, "refunded")[0]["actor"] == CHANNEL
    send(api, later(refunded, 7))  # the same refund stated again
    assert ChannelRefund.objects.filter(order__number=first["number"]).count() == 1
    whole = later(refunded, 8)
    whole["payment_status"] = "refunded"
    whole["refunds"].append({"channel_refund_id": "R2", "amount": first["totals"]["total"]})
    order = send(api, whole)
    # R2 is more than is left: not recorded, held with the difference; R1 stays
    assert order["payment_status"] == "partially_refunded"
    assert "Refund R2" in exception_reason(order) and "left to refund" in exception_reason(order)


def test_a_refunded_sum_alone_is_recorded_by_its_difference_once(api, web, skus):
    send(api, document(payment_status="paid"), 201)
    body = later(document(payment_status="partially_refunded"))
    body["totals"] = {**body["totals"], "refunded": "4.0000"}
    order = send(api, body)
    assert order["totals"]["refunded"] == "4.00"
    body = later(body, 9)
    body["totals"]["refunded"] = "6.0000"
    order = send(api, body)
    assert order["totals"]["refunded"] == "6.00"
    assert sorted(r["recorded"] for r in order["refunds"]) == ["2.00", "4.00"]


def test_payment_the_channel_captured_is_recorded(api, prepaid, skus):
    first = send(api, document(channel="prepaid", payment_status="pending"), 201)
    assert first["status"] == "on_hold"
    order = send(api, later(document(channel="prepaid", payment_status="paid")))
    assert order["payment_status"] == "paid" and order["status"] == "new"


def test_lines_the_channel_fulfils_ship_when_the_channel_says_so(api, web, skus):
    body = document(fulfilled_by_channel=True)
    first = send(api, body, 201)
    assert first["status"] == "new"
    shipped = later(body)
    shipped["lines"][0]["quantity_shipped"] = 2
    order = send(api, shipped)
    assert order["status"] == "partially_shipped"
    shipped = later(shipped, 6)
    shipped["lines"][1]["quantity_shipped"] = 1
    order = send(api, shipped)
    assert order["status"] == "shipped"
    assert events(order, "shipped_by_channel")[0]["actor"] == CHANNEL


def test_a_document_that_does_not_add_up_is_held_on_update_too(api, web, skus):
    send(api, document(), 201)
    wrong = later(document())
    wrong["totals"] = {"total": "1.00"}
    order = send(api, wrong)
    assert "Totals do not add up" in exception_reason(order)


def test_an_unchanged_resend_writes_nothing(api, web, skus):
    first = send(api, document(), 201)
    count = OrderEvent.objects.count()
    again = send(api, later(document()))
    assert OrderEvent.objects.count() == count
    assert again["lines"] == first["lines"]


def test_quantity_edits_scale_from_the_channels_values_and_come_back_exactly(api, web, skus):
    body = document()
    body["lines"][0]["tax"] = "1.00"
    body["lines"] = body["lines"][:1]
    body["lines"][0]["quantity"] = 3
    body["totals"] = {"total": "36.00"}
    first = send(api, body, 201)
    stored = Order.objects.get(number=first["number"])
    shirt = stored.lines.get()
    for quantity in (2, 3):
        services.order_edit_lines(
            order=stored, update=[{"line_id": shirt.pk, "quantity": quantity}], actor=Actor.system("test")
        )
    shirt.refresh_from_db()
    assert (str(shirt.tax), str(shirt.subtotal)) == ("1.0000", "30.0000")
    stored.refresh_from_db()
    assert str(stored.total) == "36.0000"


# --- the whole system: stock is released for what the channel cancelled --------------------


@pytest.fixture
def stocked(skus):
    east = LocationFactory(code="wh-east", kind=Location.Kind.WAREHOUSE, can_pickup=False)
    stock_receive(lines=[StockLine(sku, east, 10) for sku in skus.values()], actor=Actor.system("test"))
    return east


def reserved(sku) -> int:
    return sum(StockLevel.objects.filter(sku=sku).values_list("reserved", flat=True))


@pytest.mark.with_fulfillment
def test_units_the_channel_cancelled_release_their_stock(api, web, skus, stocked):
    send(api, document(), 201)
    assert reserved(skus["TSHIRT-M"]) == 2
    changed = later(document())
    changed["lines"][0]["quantity_cancelled"] = 1
    order = send(api, changed)
    assert line(order, "L1")["quantities"]["cancelled"] == 1
    assert reserved(skus["TSHIRT-M"]) == 1
    assert events(order, "lines_cancelled")[0]["actor"] == CHANNEL
    assert_invariants()


@pytest.mark.with_fulfillment
def test_an_order_the_channel_cancelled_is_cancelled_and_its_stock_released(api, web, skus, stocked):
    send(api, document(), 201)
    order = send(api, later(document(cancelled_at="2026-03-02T10:04:00Z", cancel_reason="customer")))
    assert order["status"] == "cancelled"
    assert reserved(skus["TSHIRT-M"]) == reserved(skus["CAP-RED"]) == 0
    assert events(order, "cancelled")[0]["message"] == "customer"
    assert_invariants()


@pytest.mark.with_fulfillment
def test_an_order_the_channel_fulfils_is_never_sourced_reserved_or_picked(api, web, skus, stocked):
    from fulfillment.models import FulfillmentOrder

    order = send(api, document(fulfilled_by_channel=True), 201)
    assert Order.objects.get(number=order["number"]).status == "new"
    assert FulfillmentOrder.objects.count() == 0
    assert reserved(skus["TSHIRT-M"]) == 0
    assert_invariants()


@pytest.mark.with_fulfillment
def test_bundle_children_are_sourced_and_the_parent_never(api, web, skus, stocked):
    from fulfillment.models import FulfillmentOrderLine

    body = document()
    body["lines"] = [
        {"channel_line_id": "P", "sku": "GIFT-BOX", "quantity": 1, "unit_price": "20.00", "tax": "2.00"},
        {"channel_line_id": "C1", "sku": "TSHIRT-M", "quantity": 1, "unit_price": "0", "bundle_parent": "P"},
        {"channel_line_id": "C2", "sku": "MUG-01", "quantity": 1, "unit_price": "0", "bundle_parent": "P"},
    ]
    body["totals"] = {"total": "27.00"}
    SkuFactory(code="GIFT-BOX")  # even a known SKU: the parent is priced, not picked
    order = send(api, body, 201)
    assert order["holds"] == []
    stored = Order.objects.get(number=order["number"])
    assert stored.status == "allocated"
    picked = set(FulfillmentOrderLine.objects.values_list("order_line__sku_code", flat=True))
    assert picked == {"TSHIRT-M", "MUG-01"}
    assert_invariants()
