"""Business-rule guards in the orders services, shared by the API, the staff pages, the admin and
tasks: a hold release needs a reason; a payment hold needs the payment (or a recorded override);
an exception hold releases only once its problem is fixed; a pickup order ships only by an
explicit re-route."""

import pytest

from inventory.models import Location
from oms.core.actor import Actor
from oms.core.errors import ForbiddenError
from oms.core.roles import CUSTOMER_SERVICE
from orders import services
from orders.errors import OrderConflict, OrderError
from orders.models import Hold
from tests.conftest import client_for

from .factories import SkuFactory, make_order
from .helpers import fresh

pytestmark = pytest.mark.django_db

AGENT = Actor("user", 7, "carla", frozenset({CUSTOMER_SERVICE}))
SYSTEM = Actor.system("test")


def open_hold(order, kind: str) -> Hold:
    return order.holds.get(kind=kind, released_at__isnull=True)


def released_event(order):
    return order.events.filter(kind="hold_released").last()


# --- a reason ---------------------------------------------------------------------------


def test_a_hold_release_needs_a_reason(web, skus, cs_user):
    order = make_order(web)
    hold = services.order_hold(order=order, kind="manual", reason="customer called", actor=AGENT)
    for reason in ("", "   "):
        with pytest.raises(OrderError) as error:
            services.order_release_hold(order=order, hold_id=hold.pk, actor=AGENT, reason=reason)
        assert error.value.code == "reason_required"
    url = f"/api/v1/orders/{order.number}/holds/{hold.pk}/release/"
    api = client_for(cs_user)
    assert api.post(url, {}).status_code == 400
    assert api.post(url, {"reason": ""}).status_code == 400
    assert open_hold(order, "manual")
    assert api.post(url, {"reason": "called back, all fine"}).status_code == 200
    assert fresh(order).status == "new"


# --- payment holds ------------------------------------------------------------------------


def test_a_payment_hold_waits_for_the_payment(prepaid, skus, cs_user):
    order = make_order(prepaid, payment_status="pending")
    hold = open_hold(order, "payment")
    with pytest.raises(OrderConflict) as error:
        services.order_release_hold(order=order, hold_id=hold.pk, actor=AGENT, reason="customer says paid")
    assert error.value.code == "payment_not_authorized"
    assert "payment is pending" in error.value.message
    response = client_for(cs_user).post(
        f"/api/v1/orders/{order.number}/holds/{hold.pk}/release/", {"reason": "customer says paid"}
    )
    assert (response.status_code, response.json()["code"]) == (409, "payment_not_authorized")
    assert fresh(order).status == "on_hold"


def test_an_override_releases_it_and_is_recorded_with_its_reason(prepaid, skus, cs_user):
    order = make_order(prepaid, payment_status="pending")
    hold = open_hold(order, "payment")
    response = client_for(cs_user).post(
        f"/api/v1/orders/{order.number}/holds/{hold.pk}/release/",
        {"reason": "bank transfer seen on the statement", "override": True},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "new"
    hold.refresh_from_db()
    assert (hold.release_reason, hold.released_by_label) == (
        "Override: bank transfer seen on the statement",
        "carla",
    )
    event = released_event(order)
    assert event.payload["override"] is True and event.payload["payment_status"] == "pending"


def test_a_task_cannot_override_a_payment_hold(prepaid, skus):
    order = make_order(prepaid, payment_status="pending")
    with pytest.raises(ForbiddenError):
        services.order_release_hold(
            order=order, hold_id=open_hold(order, "payment").pk, actor=SYSTEM, reason="x", override=True
        )


def test_a_payment_hold_on_a_paid_order_releases_with_a_reason(web, skus):
    order = make_order(web, payment_status="paid")
    hold = services.order_hold(order=order, kind="payment", reason="chargeback check", actor=AGENT)
    services.order_release_hold(order=order, hold_id=hold.pk, actor=AGENT, reason="no chargeback")
    assert fresh(order).status == "new"
    assert "override" not in released_event(order).payload


# --- exception holds ------------------------------------------------------------------------


def test_an_unknown_sku_must_be_fixed_before_its_exception_hold_releases(web, skus):
    order = make_order(web, lines=[("NOPE-9", 1, "10.00")], totals={"total": "16.00"})
    hold = open_hold(order, "exception")
    with pytest.raises(OrderConflict) as error:
        services.order_release_hold(order=order, hold_id=hold.pk, actor=AGENT, reason="looked at it")
    assert error.value.code == "problem_not_fixed"
    assert "unknown SKU 'NOPE-9'" in error.value.message
    with pytest.raises(OrderConflict):  # an override does not make a SKU known
        services.order_release_hold(order=order, hold_id=hold.pk, actor=AGENT, reason="x", override=True)
    line = order.lines.get()
    services.order_edit_lines(order=order, update=[{"line_id": line.pk, "sku": "CAP-RED"}], actor=AGENT)
    services.order_release_hold(order=order, hold_id=hold.pk, actor=AGENT, reason="SKU fixed")
    assert fresh(order).status == "new"


def test_a_sku_created_since_intake_is_linked_on_release(web, skus):
    order = make_order(web, lines=[("LATE-1", 1, "10.00")], totals={"total": "16.00"})
    SkuFactory(code="LATE-1")
    services.order_release_hold(
        order=order, hold_id=open_hold(order, "exception").pk, actor=AGENT, reason="SKU added to the catalog"
    )
    assert order.lines.get().sku.code == "LATE-1"
    assert released_event(order).payload["linked_skus"] == {"1": "LATE-1"}
    assert fresh(order).status == "new"


def test_an_incomplete_address_must_be_completed_first(web, skus):
    address = {"name": "Jane Doe", "line1": "350 5th Ave", "country_code": "US"}
    order = make_order(web, shipping_address=address)
    hold = open_hold(order, "exception")
    with pytest.raises(OrderConflict, match="missing city, postal code"):
        services.order_release_hold(order=order, hold_id=hold.pk, actor=AGENT, reason="checked")
    services.order_edit_address(
        order=order, address={**address, "city": "New York", "postal_code": "10118"}, actor=AGENT
    )
    services.order_release_hold(order=order, hold_id=hold.pk, actor=AGENT, reason="address completed")
    assert fresh(order).status == "new"


def test_a_pickup_location_that_stopped_offering_pickup_keeps_the_hold(web, skus, store):
    order = make_order(web, delivery={"method": "pickup", "pickup_location": "store-nyc"})
    hold = services.order_hold(order=order, kind="exception", reason="store check", actor=AGENT)
    Location.objects.filter(pk=store.pk).update(can_pickup=False)
    with pytest.raises(OrderConflict, match="'store-nyc' does not offer pickup"):
        services.order_release_hold(order=order, hold_id=hold.pk, actor=AGENT, reason="checked")


def test_totals_that_do_not_add_up_release_only_by_a_recorded_override(web, skus):
    order = make_order(web, totals={"total": "99.00"})
    hold = open_hold(order, "exception")
    with pytest.raises(OrderConflict, match="Totals do not add up"):
        services.order_release_hold(order=order, hold_id=hold.pk, actor=AGENT, reason="checked")
    services.order_release_hold(
        order=order, hold_id=hold.pk, actor=AGENT, reason="the channel charged 99.00", override=True
    )
    assert fresh(order).status == "new"
    assert released_event(order).payload["override"] is True


def test_a_sourcing_failure_hold_is_released_to_try_again(web, skus, signals):
    order = make_order(web)
    hold = services.order_hold(
        order=order,
        kind="exception",
        reason="Sourcing failed: an unexpected error (OperationalError). Release this hold to source the "
        "order again.",
        actor=Actor.system("fulfillment"),
    )
    services.order_release_hold(order=order, hold_id=hold.pk, actor=AGENT, reason="database is back")
    assert fresh(order).status == "new"
    assert len(signals.named("order_released")) == 1  # fulfillment sources it again


# --- pickup orders ------------------------------------------------------------------------


def test_a_pickup_orders_address_does_not_turn_it_into_a_shipment(web, skus, store, api):
    order = make_order(web, delivery={"method": "pickup", "pickup_location": "store-nyc"})
    new_address = {
        "name": "Jane Doe",
        "line1": "1 Elm St",
        "city": "Boston",
        "postal_code": "02108",
        "country_code": "US",
    }
    with pytest.raises(OrderConflict) as error:
        services.order_edit_address(order=order, address=new_address, actor=AGENT)
    assert error.value.code == "pickup_order" and 're-route it explicitly (delivery_method "ship")' in (
        error.value.message
    )
    refused = api.post(f"/api/v1/orders/{order.number}/edit-address/", {"shipping_address": new_address})
    assert (refused.status_code, refused.json()["code"]) == (409, "pickup_order")
    order = fresh(order)
    assert (order.delivery_method, order.pickup_location.code) == ("pickup", "store-nyc")

    rerouted = api.post(
        f"/api/v1/orders/{order.number}/edit-address/",
        {"shipping_address": new_address, "delivery_method": "ship", "reason": "customer moved"},
    )
    assert rerouted.status_code == 200, rerouted.json()
    assert rerouted.json()["delivery"] == {"method": "ship", "pickup_location": None, "instructions": ""}
    change = rerouted.json()["timeline"][-1]["payload"]["changes"]["delivery"]
    assert change == {"before": "pickup:store-nyc", "after": "ship"}


def test_a_reroute_to_ship_needs_a_complete_address(web, skus, store):
    order = make_order(
        web, delivery={"method": "pickup", "pickup_location": "store-nyc"}, shipping_address={"name": "Jane"}
    )
    with pytest.raises(OrderError, match="Shipping address incomplete"):
        services.order_edit_address(order=order, address=None, delivery_method="ship", actor=AGENT)
    assert fresh(order).delivery_method == "pickup"


@pytest.mark.with_fulfillment
def test_the_address_of_a_pickup_order_ready_at_the_store_cannot_be_edited_into_a_shipment(web, skus, store):
    """The issue's case: the parcel waits at the store; an address edit must not make it a shipment."""
    from fulfillment import services as fulfillment
    from fulfillment.models import FulfillmentOrder
    from inventory.services import StockLine, stock_receive

    stock_receive(lines=[StockLine(skus["TSHIRT-M"], store, 5)], actor=SYSTEM)
    order = make_order(web, delivery={"method": "pickup", "pickup_location": "store-nyc"})
    fo = FulfillmentOrder.objects.get(order=order)
    fulfillment.fulfillment_start_picking(fo=fo, actor=SYSTEM)
    fulfillment.fulfillment_confirm_pick(fo=fo, picked={}, actor=SYSTEM)
    fulfillment.fulfillment_pack(fo=fo, actor=SYSTEM)
    fulfillment.fulfillment_ready_for_pickup(fo=fo, actor=SYSTEM)
    with pytest.raises(OrderConflict, match="collected at store-nyc"):
        services.order_edit_address(
            order=order,
            address={
                "name": "J",
                "line1": "1 Elm St",
                "city": "Boston",
                "postal_code": "02108",
                "country_code": "US",
            },
            actor=AGENT,
        )
    order = fresh(order)
    assert (order.delivery_method, order.pickup_location.code) == ("pickup", "store-nyc")
    assert FulfillmentOrder.objects.get(pk=fo.pk).state == "ready_for_pickup"
