"""Every order-page action calls the service the API calls; a refusal comes back on the form,
beside the field it is about (422), and a success reloads the page with a message."""

import pytest

from fulfillment.models import FulfillmentOrder
from oms.core.actor import Actor
from oms.core.models import Channel
from orders import services
from orders.models import Hold, Order
from returns.models import Refund, ReturnAuthorization
from tests.returns.factories import receive_return

from .conftest import ACTOR, HTMX

pytestmark = pytest.mark.django_db


def post(client, order, path, data=None):
    return client.post(f"/orders/{order.number}/{path}", data or {}, **HTMX)


def refused(response, form_id: str) -> str:
    """The answer's HTML from the refused form on (the page answers whole; htmx picks the form)."""
    assert response.status_code == 422
    html = response.content.decode()
    start = html.index(f'id="{form_id}"')
    return html[start : html.index("</form>", start)]


def succeeded(response):
    assert response.status_code == 200, response.content[:500]
    assert response["HX-Refresh"] == "true"


def test_a_note_is_added_and_an_empty_one_is_refused_beside_the_field(agent, order_with):
    order = order_with(1)
    form = refused(post(agent, order, "notes/", {"message": ""}), "form-note")
    assert 'class="field invalid"' in form and "This field is required." in form
    succeeded(post(agent, order, "notes/", {"message": "Customer called"}))
    html = agent.get(f"/orders/{order.number}/").content.decode()
    assert "Note added." in html and "Customer called" in html


def test_hold_opened_and_released_with_a_reason(agent, order_with):
    order = order_with(1)
    succeeded(post(agent, order, "hold/", {"kind": "fraud", "reason": "odd address"}))
    hold = Hold.objects.get(order=order)
    form = refused(post(agent, order, f"holds/{hold.pk}/release/", {"reason": ""}), f"form-release-{hold.pk}")
    assert "This field is required." in form
    succeeded(post(agent, order, f"holds/{hold.pk}/release/", {"reason": "checked with the bank"}))
    hold.refresh_from_db()
    assert hold.release_reason == "checked with the bank" and hold.released_by_label == "carla"


def test_the_services_refusal_is_shown_beside_the_sku_field(agent, web, catalog):
    from tests.orders.factories import make_order

    order = make_order(web, lines=[(catalog[0].code, 1, "10.00"), ("LEGACY-1", 1, "5.00")], actor=ACTOR)
    unknown = order.lines.get(sku__isnull=True)
    form = refused(
        post(agent, order, f"lines/{unknown.pk}/sku/", {"sku": "NOPE-9"}), f"form-sku-{unknown.pk}"
    )
    assert "Unknown or inactive SKU: NOPE-9." in form and 'class="field invalid"' in form
    succeeded(post(agent, order, f"lines/{unknown.pk}/sku/", {"sku": catalog[1].code}))
    unknown.refresh_from_db()
    assert unknown.sku == catalog[1]


def test_lines_change_quantity_add_remove_and_cancel_units(agent, order_with, catalog):
    order = order_with(3)
    first, second, third = order.lines.order_by("line_number")
    succeeded(post(agent, order, f"lines/{first.pk}/quantity/", {"quantity": 3}))
    succeeded(
        post(agent, order, "lines/add/", {"sku": catalog[10].code, "quantity": 2, "unit_price": "4.50"})
    )
    succeeded(post(agent, order, f"lines/{third.pk}/remove/", {"reason": "out of range"}))
    form = refused(
        post(agent, order, "cancel-lines/", {"reason_code": "customer_request"}), "form-cancel_lines"
    )
    assert "Enter the units to cancel on at least one line." in form
    succeeded(
        post(
            agent, order, "cancel-lines/", {f"line_{second.pk}": 1, "reason_code": "out_of_stock", "note": ""}
        )
    )
    first.refresh_from_db()
    second.refresh_from_db()
    third.refresh_from_db()
    assert first.quantity == 3 and second.quantity_cancelled == 1 and third.removed_at is not None
    assert order.lines.filter(sku=catalog[10], quantity=2).exists()
    assert order.events.filter(kind="lines_cancelled", message="Out of stock").exists()


def test_cancel_the_order_and_nothing_is_offered_on_a_cancelled_one(agent, order_with):
    order = order_with(2)
    succeeded(post(agent, order, "cancel/", {"reason_code": "duplicate", "note": "twice by mistake"}))
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    html = agent.get(f"/orders/{order.number}/").content.decode()
    for form in ("form-cancel", "form-cancel_lines", "form-hold", "form-add_line", "form-address"):
        assert f'id="{form}"' not in html
    form = refused(post(agent, order, "cancel/", {"reason_code": "duplicate"}), "form-cancel")
    assert f"Order {order.number} is cancelled." in form  # the service's word, on the form


def test_the_address_changes_and_the_order_is_sourced_again(agent, order_with):
    order = order_with(1)
    data = {
        "delivery": "ship",
        "name": "Jane Doe",
        "line1": "1 Market St",
        "postal_code": "94105",
        "city": "San Francisco",
        "region": "CA",
        "country_code": "US",
        "reason": "moved",
    }
    succeeded(post(agent, order, "address/", data))
    order.refresh_from_db()
    assert order.ship_city == "San Francisco"
    kinds = list(order.events.order_by("pk").values_list("kind", flat=True))
    assert "address_changed" in kinds and kinds.index("deallocated") > kinds.index("address_changed")
    assert kinds[-2:] == ["allocated", "status_changed"] or "allocated" in kinds[kinds.index("deallocated") :]
    form = refused(post(agent, order, "address/", {**data, "line1": ""}), "form-address")
    assert "errorlist" in form


def test_payment_is_recorded_and_an_impossible_one_refused(agent, web, catalog):
    order = __import__("tests.orders.factories", fromlist=["make_order"]).make_order(
        web, lines=[(catalog[0].code, 1, "10.00")], payment_status="pending", actor=ACTOR
    )
    succeeded(post(agent, order, "payment/", {"status": "paid", "reference": "PSP-1"}))
    order.refresh_from_db()
    assert order.payment_status == "paid"
    form = refused(post(agent, order, "payment/", {"status": "voided"}), "form-payment")
    assert "it cannot become voided" in form


def _shipped(order):
    from fulfillment import services as fulfillment_services

    fo = FulfillmentOrder.objects.get(order=order)
    fulfillment_services.fulfillment_start_picking(fo=fo, actor=ACTOR)
    fulfillment_services.fulfillment_confirm_pick(
        fo=FulfillmentOrder.objects.get(pk=fo.pk), picked={}, actor=ACTOR
    )
    fulfillment_services.fulfillment_pack(fo=FulfillmentOrder.objects.get(pk=fo.pk), actor=ACTOR)
    lines = {line.pk: line.quantity_open for line in fo.lines.all() if line.quantity_open}
    fulfillment_services.fulfillment_ship(
        fo=FulfillmentOrder.objects.get(pk=fo.pk),
        packages=[
            {
                "carrier": "UPS",
                "service": "Ground",
                "tracking_number": "1Z999AA10123456784",
                "lines": lines,
                "tracking_url": "https://example.com/t/1Z999AA10123456784",
            }
        ],
        actor=ACTOR,
    )
    order.refresh_from_db()
    return order


def test_a_return_is_started_authorized_received_and_refunded(agent, order_with, east):
    order = _shipped(order_with(2, payment_status="paid"))
    html = agent.get(f"/orders/{order.number}/").content.decode()
    assert (
        "1Z999AA10123456784" in html
        and "https://example.com/t/1Z999AA10123456784" in html
        and "UPS Ground" in html
    )
    line = order.lines.order_by("line_number").first()
    form = refused(post(agent, order, "returns/", {f"line_{line.pk}": 1}), "form-return")
    assert "Choose why this line comes back." in form
    succeeded(post(agent, order, "returns/", {f"line_{line.pk}": 1, f"reason_{line.pk}": "defective"}))
    rma = ReturnAuthorization.objects.get(order=order)
    succeeded(post(agent, order, f"returns/{rma.pk}/authorize/"))
    receive_return(rma, east, (rma.lines.get(), 1, "new", "restock"))
    return_line = rma.lines.get()
    succeeded(post(agent, order, f"returns/{rma.pk}/refund/", {f"line_{return_line.pk}": 1}))
    refund = Refund.objects.get(rma=rma)
    assert refund.status == Refund.Status.SUCCEEDED  # the manual adapter answered at once
    page = agent.get(f"/orders/{order.number}/").context["page"]
    assert page.refunded_confirmed == refund.total and page.refund_pending == 0
    assert agent.get("/orders/", {"q": rma.number}).context["orders"] == [order]
    assert agent.get("/orders/", {"q": "1Z999AA10123456784"}).context["orders"] == [order]


def test_a_failed_refund_is_shown_pending_and_sent_again(
    agent, order_with, east, failing_adapter, worker_like_retries
):
    order = _shipped(order_with(1, payment_status="paid"))
    rma = __import__("tests.returns.factories", fromlist=["authorized"]).authorized(
        order, (order.lines.get(), 1)
    )
    receive_return(rma, east, (rma.lines.get(), 1, "new", "restock"))
    from returns import services as return_services

    Channel.objects.filter(pk=order.channel_id).update(adapter_kind="test-fail")  # the provider is down
    refund = return_services.return_refund(rma=rma, actor=ACTOR)
    refund.refresh_from_db()
    assert refund.status == Refund.Status.FAILED and failing_adapter
    page = agent.get(f"/orders/{order.number}/").context["page"]
    assert page.refund_pending == refund.total and page.refunded_confirmed == 0
    Channel.objects.filter(pk=order.channel_id).update(adapter_kind="manual")  # the channel is fixed
    succeeded(post(agent, order, f"refunds/{refund.pk}/resend/"))
    refund.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED
    page = agent.get(f"/orders/{order.number}/").context["page"]
    assert page.refund_pending == 0 and page.refunded_confirmed == refund.total


def test_a_fulfillment_order_is_rerouted(agent, order_with, west, catalog):
    from tests.fulfillment.factories import receive

    order = order_with(1)
    receive(catalog[0], west, 10)
    fo = FulfillmentOrder.objects.get(order=order)
    form = refused(
        post(agent, order, f"fulfillment/{fo.pk}/reroute/", {"location": "wh-west", "reason": ""}),
        f"form-reroute-{fo.pk}",
    )
    assert "This field is required." in form
    succeeded(
        post(agent, order, f"fulfillment/{fo.pk}/reroute/", {"location": "wh-west", "reason": "closer"})
    )
    assert FulfillmentOrder.objects.filter(order=order, location=west, state="pending").exists()
    assert order.events.filter(kind="rerouted").exists()


def test_without_htmx_a_success_redirects_and_a_refusal_is_the_page(agent, order_with):
    order = order_with(1)
    response = agent.post(f"/orders/{order.number}/notes/", {"message": "plain form"})
    assert response.status_code == 302 and response["Location"] == f"/orders/{order.number}/#notes"
    response = agent.post(f"/orders/{order.number}/notes/", {"message": ""})
    assert response.status_code == 422 and b"<h1>" in response.content


def test_warehouse_staff_cannot_act_on_orders(client, warehouse_user, order_with):
    order = order_with(1)
    client.force_login(warehouse_user)
    assert client.post(f"/orders/{order.number}/notes/", {"message": "x"}).status_code == 403
    assert not order.events.filter(kind="note").exists()
    services.order_add_note(order=order, message="ok", actor=Actor.system())
