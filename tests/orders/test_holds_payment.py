"""Holds stop progress; releasing the last lets the order continue. Payment status updates."""

import pytest

from oms.core.actor import Actor
from oms.core.roles import CUSTOMER_SERVICE
from orders import services
from orders.errors import OrderConflict
from orders.models import Hold
from tests.conftest import client_for

from .factories import make_order
from .helpers import fresh, kinds, topics

pytestmark = pytest.mark.django_db
AGENT = Actor("user", 7, "carla", frozenset({CUSTOMER_SERVICE}))


def test_holds_stack_and_the_last_release_restores_progress_and_signals(web, skus, signals):
    order = make_order(web)
    services.order_record_allocation(order=order, allocated={order.lines.get().pk: 2}, actor=AGENT)
    fraud = services.order_hold(order=order, kind="fraud", reason="velocity check", actor=AGENT)
    manual = services.order_hold(order=order, kind="manual", reason="customer called", actor=AGENT)
    order = fresh(order)
    assert (order.status, order.held_from) == ("on_hold", "allocated")
    assert fraud.opened_by_label == "carla"

    services.order_release_hold(order=order, hold_id=fraud.pk, actor=AGENT, reason="ok")
    assert fresh(order).status == "on_hold"
    assert signals.named("order_released") == []

    services.order_release_hold(order=order, hold_id=manual.pk, actor=AGENT, reason="called back")
    order = fresh(order)
    assert (order.status, order.held_from) == ("allocated", "")
    [released] = signals.named("order_released")
    assert released["order"].pk == order.pk
    assert kinds(order)[-6:] == [
        "hold_opened",
        "status_changed",
        "hold_opened",
        "hold_released",
        "hold_released",
        "status_changed",
    ]
    assert topics(order)[-1] == "order.status_changed"
    hold = Hold.objects.get(pk=fraud.pk)
    assert (hold.released_by_label, hold.release_reason) == ("carla", "ok")


def test_a_held_order_does_not_ship(web, skus):
    order = make_order(web)
    line = order.lines.get()
    services.order_record_allocation(order=order, allocated={line.pk: 2}, actor=AGENT)
    services.order_hold(order=order, kind="manual", reason="wait", actor=AGENT)
    with pytest.raises(OrderConflict, match="on hold"):
        services.order_record_shipment(order=order, quantities={line.pk: 2}, actor=AGENT, shipment={})


def test_released_hold_cannot_be_released_again_and_closed_orders_cannot_be_held(web, skus):
    order = make_order(web)
    hold = services.order_hold(order=order, kind="manual", reason="x", actor=AGENT)
    services.order_release_hold(order=order, hold_id=hold.pk, actor=AGENT, reason="done")
    with pytest.raises(OrderConflict):
        services.order_release_hold(order=order, hold_id=hold.pk, actor=AGENT, reason="again")
    services.order_cancel(order=order, reason="customer", actor=AGENT)
    with pytest.raises(OrderConflict, match="cancelled"):
        services.order_hold(order=order, kind="manual", reason="x", actor=AGENT)


def test_hold_and_release_through_the_api(web, skus, cs_user):
    order = make_order(web)
    api = client_for(cs_user)
    body = api.post(
        f"/api/v1/orders/{order.number}/hold/", {"kind": "address", "reason": "check flat"}
    ).json()
    assert body["status"] == "on_hold"
    [hold] = body["holds"]
    assert hold["opened_by"] == {"kind": "user", "label": "carla"}
    response = api.post(f"/api/v1/orders/{order.number}/holds/{hold['id']}/release/", {"reason": "verified"})
    assert response.status_code == 200
    assert response.json()["status"] == "new"
    assert api.post(f"/api/v1/orders/{order.number}/holds/99999/release/", {"reason": "x"}).status_code == 404
    assert (
        api.post(f"/api/v1/orders/{order.number}/hold/", {"kind": "bogus", "reason": "x"}).status_code == 400
    )


def test_payment_authorization_releases_the_pay_later_hold(prepaid, skus, signals):
    order = make_order(prepaid, payment_status="pending")
    assert fresh(order).status == "on_hold"
    services.order_update_payment(
        order=order, status="authorized", actor=Actor("channel", prepaid.pk, "prepaid")
    )
    order = fresh(order)
    assert (order.status, order.payment_status) == ("new", "authorized")
    assert Hold.objects.get(order=order).released_by_kind == "system"
    assert len(signals.named("order_released")) == 1
    assert kinds(order)[-3:] == ["payment_status_changed", "hold_released", "status_changed"]
    services.order_update_payment(order=order, status="paid", actor=AGENT)
    assert fresh(order).payment_status == "paid"


def test_payment_does_not_release_other_holds(prepaid, skus):
    order = make_order(prepaid, payment_status="pending")
    services.order_hold(order=order, kind="fraud", reason="review", actor=AGENT)
    services.order_update_payment(order=order, status="paid", actor=AGENT)
    order = fresh(order)
    assert order.status == "on_hold"
    assert list(order.holds.filter(released_at__isnull=True).values_list("kind", flat=True)) == ["fraud"]


def test_invalid_payment_transitions_are_409_and_resending_is_a_no_op(web, skus, api):
    order = make_order(web, payment_status="paid")
    url = f"/api/v1/orders/{order.number}/payment/"
    response = api.post(url, {"status": "authorized"})
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    events = len(kinds(order))
    assert api.post(url, {"status": "paid"}).status_code == 200
    assert len(kinds(order)) == events
    assert api.post(url, {"status": "refunded"}).status_code == 400


def test_voided_payment_puts_an_open_order_on_a_payment_hold(web, skus, api):
    order = make_order(web, payment_status="authorized")
    body = api.post(
        f"/api/v1/orders/{order.number}/payment/", {"status": "voided", "reference": "psp-1"}
    ).json()
    assert body["payment_status"] == "voided"
    assert body["status"] == "on_hold"
    assert body["holds"][0]["kind"] == "payment"
    changed = next(event for event in body["timeline"] if event["kind"] == "payment_status_changed")
    assert (changed["from_status"], changed["to_status"], changed["message"]) == (
        "authorized",
        "voided",
        "psp-1",
    )


def test_a_channel_updates_payment_of_its_own_orders_only(channel_api, web, skus):
    from .factories import ChannelFactory

    own = make_order(web, payment_status="pending")
    other = make_order(ChannelFactory(code="amazon"), payment_status="pending")
    assert channel_api.post(f"/api/v1/orders/{own.number}/payment/", {"status": "paid"}).status_code == 200
    assert channel_api.post(f"/api/v1/orders/{other.number}/payment/", {"status": "paid"}).status_code == 404
    assert channel_api.get(f"/api/v1/orders/{own.number}/").status_code == 200  # its own: readable
    assert channel_api.post(f"/api/v1/orders/{own.number}/cancel/", {"reason": "x"}).status_code == 403


def test_refunds_move_payment_to_partially_refunded_then_refunded(web, skus):
    order = make_order(web, payment_status="paid")  # total 26.00
    services.order_record_refund(order=order, amount="6.00", actor=AGENT, payload={"return": "RMA-1"})
    order = fresh(order)
    assert (order.payment_status, str(order.refunded_total)) == ("partially_refunded", "6.0000")
    with pytest.raises(OrderConflict, match=r"20\.00 is left"):
        services.order_record_refund(order=order, amount="25", actor=AGENT)
    services.order_record_refund(order=order, amount="20.00", actor=AGENT)
    assert fresh(order).payment_status == "refunded"
    assert topics(order)[-2:] == ["order.refunded", "order.refunded"]


def test_a_pending_payment_cannot_be_refunded(web, skus):
    order = make_order(web, payment_status="pending")
    with pytest.raises(OrderConflict, match="cannot become partially_refunded"):
        services.order_record_refund(order=order, amount="1.00", actor=AGENT)


def test_actions_honour_the_idempotency_key(web, skus, api):
    order = make_order(web)
    url = f"/api/v1/orders/{order.number}/hold/"
    first = api.post(url, {"kind": "manual", "reason": "x"}, HTTP_IDEMPOTENCY_KEY="h-1")
    again = api.post(url, {"kind": "manual", "reason": "x"}, HTTP_IDEMPOTENCY_KEY="h-1")
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Hold.objects.filter(order=order).count() == 1
    assert api.post(url, {"kind": "fraud", "reason": "y"}, HTTP_IDEMPOTENCY_KEY="h-1").status_code == 422
