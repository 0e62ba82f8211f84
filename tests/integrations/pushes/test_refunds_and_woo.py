"""Refunds reach Shopify and WooCommerce (returns' own task and retries); WooCommerce hears of
shipments and cancellations."""

import pytest

from oms.integrations.pushes.models import ChannelPush
from orders import services as order_services
from returns import services as returns
from returns.models import Refund
from tests.returns.factories import authorized, receive_return

from .conftest import ACTOR, UPS, channel_order, fresh, ship

pytestmark = [pytest.mark.django_db]


def refunded(order, east, units: int) -> Refund:
    line = order.lines.get()
    rma = authorized(order, (line, units))
    receive_return(rma, east, (rma.lines.get(), units, "new", "restock"))
    return fresh(returns.return_refund(rma=rma, actor=ACTOR))


def test_a_refund_reaches_shopify_once_with_its_lines_and_the_payment_it_refunds(
    shopify_store, shopify_channel, east
):
    order = channel_order(shopify_channel, shopify_store, east, [("SOCK-M", 2, "111")])
    ship(order)
    refund = fresh(refunded(order, east, 2))
    assert refund.status == "succeeded"
    (made,) = shopify_store.orders["6001"]["refunds"]
    assert refund.external_reference == made["id"]
    assert made["refundLineItems"] == [
        {"lineItemId": "gid://shopify/LineItem/111", "quantity": 2, "restockType": "NO_RESTOCK"}
    ]
    assert made["transactions"] == [
        {
            "orderId": "gid://shopify/Order/6001",
            "parentId": "gid://shopify/OrderTransaction/1",
            "gateway": "shopify_payments",
            "kind": "REFUND",
            "amount": "20.00",
        }
    ]
    assert f"oms-refund-{refund.pk}" in made["note"]
    # sent again (a resend after a lost answer): Shopify's refund is found by its note
    assert fresh(shopify_channel).adapter_kind == "shopify"
    from oms.core.adapters import get_adapter
    from returns.services.refunds import refund_payload

    assert get_adapter(order.channel).request_refund(refund_payload(refund)) == made["id"]
    assert len(shopify_store.orders["6001"]["refunds"]) == 1


def test_a_refund_reaches_woocommerce_through_its_gateway(woo_store, woo_channel, east, worker_like_retries):
    order = channel_order(woo_channel, woo_store, east, [("SOCK-M", 2, "7001")], external_id="901")
    ship(order)
    woo_store.fail_next(503)  # the refund task retries it (returns' own backoff), then it goes
    refund = refunded(order, east, 1)
    refund = fresh(refund)
    assert refund.status == "succeeded"
    (made,) = woo_store.orders["901"]["refunds"]
    assert refund.external_reference == str(made["id"])
    assert made["api_refund"] is True and made["amount"] == "10.00"
    assert made["line_items"] == [{"id": "7001", "quantity": 1, "refund_total": "10.00"}]


def test_a_refund_woocommerce_refuses_fails_and_shows_on_the_order(
    woo_store, woo_channel, east, worker_like_retries
):
    order = channel_order(woo_channel, woo_store, east, [("SOCK-M", 1, "7001")], external_id="902")
    ship(order)
    woo_store.fail_next(
        400, body={"code": "woocommerce_rest_invalid_refund", "message": "Invalid refund amount."}
    )
    refund = fresh(refunded(order, east, 1))
    assert refund.status == "failed"
    assert "Invalid refund amount" in refund.failure_reason
    assert order.events.filter(kind="refund_failed").exists()


def test_woocommerce_hears_of_a_shipment_with_its_tracking_and_completes_the_order(
    woo_store, woo_channel, east, collecting
):
    order = channel_order(woo_channel, woo_store, east, [("SOCK-M", 2, "7001")], external_id="903")
    woo_store.fail_next(429, retry_after="1")
    ship(order)
    push = ChannelPush.objects.get(order=order)
    assert (push.status, push.attempts) == ("sent", 2)
    (note,) = woo_store.orders["903"]["notes"]
    assert UPS in note["note"] and push.push_id in note["note"] and note["customer_note"] is True
    assert woo_store.orders["903"]["status"] == "completed"
    assert push.reference == f"note:{note['id']}"


def test_woocommerce_hears_of_a_cancelled_order(woo_store, woo_channel, east, collecting):
    order = channel_order(woo_channel, woo_store, east, [("SOCK-M", 2, "7001")], external_id="904")
    order_services.order_cancel(order=order, reason="Customer asked", actor=ACTOR)
    push = ChannelPush.objects.get(order=order)
    assert push.status == "sent" and push.payload["lines"] == []
    assert woo_store.orders["904"]["status"] == "cancelled"
