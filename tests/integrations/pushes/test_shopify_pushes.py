"""Shipments, cancellations and refunds reach Shopify once, through failures and repeats."""

import pytest

from oms.core.models import OutboxEvent
from oms.integrations.pushes import services
from oms.integrations.pushes.models import ChannelPush
from oms.integrations.pushes.tasks import push_send
from orders import services as order_services
from orders.models import OrderEvent

from .conftest import ACTOR, UPS, channel_order, fresh, ship

pytestmark = [pytest.mark.django_db]


def timeline(order, kind):
    return list(OrderEvent.objects.filter(order=order, kind=kind).values_list("message", flat=True))


def test_a_shipment_reaches_shopify_once_with_its_tracking_through_a_503_and_a_429(
    shopify_store, shopify_channel, east, collecting
):
    order = channel_order(shopify_channel, shopify_store, east, [("SOCK-M", 2, "111"), ("CAP-1", 1, "112")])
    shopify_store.fail_next(503)
    shopify_store.fail_next(429, retry_after="2")
    ship(order)

    push = ChannelPush.objects.get(order=order)
    assert (push.kind, push.status, push.attempts) == ("fulfillment", "sent", 3)
    fulfillments = shopify_store.orders["6001"]["fulfillments"]
    assert len(fulfillments) == 1
    assert fulfillments[0]["numbers"] == [UPS] and fulfillments[0]["company"] == "UPS"
    assert fulfillments[0]["notify"] is True
    assert shopify_store.orders["6001"]["fulfilled"] == {"111": 2, "112": 1}
    assert push.reference == fulfillments[0]["id"]
    (created,) = shopify_store.operations("fulfillmentCreate")
    items = created["variables"]["fulfillment"]["lineItemsByFulfillmentOrder"]
    assert items == [
        {
            "fulfillmentOrderId": "gid://shopify/FulfillmentOrder/6001",
            "fulfillmentOrderLineItems": [
                {"id": "gid://shopify/FulfillmentOrderLineItem/9111", "quantity": 2},
                {"id": "gid://shopify/FulfillmentOrderLineItem/9112", "quantity": 1},
            ],
        }
    ]
    (sent,) = timeline(order, "channel_push_sent")
    assert f"sent to shopify-us: {fulfillments[0]['id']}" in sent and UPS in sent
    assert not timeline(order, "channel_push_failed")


def test_duplicate_outbox_reads_and_task_reruns_make_no_second_push_nor_fulfillment(
    shopify_store, shopify_channel, east, collecting
):
    order = channel_order(shopify_channel, shopify_store, east, [("SOCK-M", 1, "111")])
    ship(order)
    push = ChannelPush.objects.get(order=order)
    shipped = list(OutboxEvent.objects.filter(topic="order.shipped"))
    # the same outbox rows read again (a crashed collector, a rewound cursor): nothing new
    assert services.pushes_create(events=shipped) == []
    assert ChannelPush.objects.filter(order=order).count() == 1
    # the task delivered again, for the attempt it made or for any: nothing sent again
    assert push_send.apply(args=[push.pk, 0]).get() == "skipped"
    assert push_send.apply(args=[push.pk]).get() == "skipped"
    assert len(shopify_store.orders["6001"]["fulfillments"]) == 1
    assert len(shopify_store.operations("fulfillmentCreate")) == 1


def test_a_lost_answer_is_not_a_second_fulfillment(shopify_store, shopify_channel, east, collecting):
    """Shopify made the fulfillment but the answer never came (a 502 from a proxy after it):
    the retry finds the tracking number on the order and answers that fulfillment."""
    order = channel_order(shopify_channel, shopify_store, east, [("SOCK-M", 1, "111")])
    real = shopify_store._OmsFulfillmentCreate

    def made_then_lost(variables):
        shopify_store.lose_answer = True
        return real(variables)

    shopify_store._OmsFulfillmentCreate = made_then_lost
    shopify_store.fail_next(503)  # the state query fails once first
    ship(order)
    push = fresh(ChannelPush.objects.get(order=order))
    assert push.status == "sent"
    assert len(shopify_store.orders["6001"]["fulfillments"]) == 1
    assert push.reference == shopify_store.orders["6001"]["fulfillments"][0]["id"]
    assert push.attempts == 3  # the state query's 503, the lost answer, the retry that found it
    assert len(shopify_store.operations("fulfillmentCreate")) == 1


def test_an_order_cancelled_in_the_oms_is_cancelled_at_shopify(
    shopify_store, shopify_channel, east, collecting
):
    order = channel_order(shopify_channel, shopify_store, east, [("SOCK-M", 2, "111")])
    order_services.order_cancel(order=order, reason="Customer changed their mind", actor=ACTOR)
    push = ChannelPush.objects.get(order=order)
    assert (push.kind, push.aggregate, push.status) == ("cancellation", f"order:{order.number}", "sent")
    cancel = shopify_store.orders["6001"]["cancel"]
    assert cancel["reason"] == "CUSTOMER" and cancel["restock"] is True and cancel["refund"] is False
    assert push.push_id in cancel["staffNote"]
    assert push.reference == "gid://shopify/Job/77"
    assert timeline(order, "channel_push_sent")


def test_units_cancelled_are_an_order_edit_at_shopify(shopify_store, shopify_channel, east, collecting):
    order = channel_order(shopify_channel, shopify_store, east, [("SOCK-M", 3, "111"), ("CAP-1", 1, "112")])
    sock = order.lines.get(sku_code="SOCK-M")
    order_services.order_cancel_lines(
        order=order, quantities={sock.pk: 2}, reason="Out of stock", actor=ACTOR
    )
    push = ChannelPush.objects.get(order=order)
    assert push.payload["lines"] == [{"sku": "SOCK-M", "channel_line_id": "111", "quantity": 2}]
    assert push.status == "sent"
    assert shopify_store.orders["6001"]["lines"] == {"111": 1, "112": 1}
    assert shopify_store.orders["6001"]["cancelled_at"] is None


def test_a_channel_that_cancelled_itself_is_not_told_again(shopify_store, shopify_channel, east, collecting):
    from oms.core.actor import Actor

    order = channel_order(shopify_channel, shopify_store, east, [("SOCK-M", 1, "111")])
    order_services.order_cancel(
        order=order, reason="Cancelled by the channel.", actor=Actor.for_channel(shopify_channel)
    )
    assert not ChannelPush.objects.filter(order=order).exists()
    assert not shopify_store.requests


def test_a_4xx_fails_at_once_and_is_on_the_timeline(shopify_store, shopify_channel, east, collecting):
    order = channel_order(shopify_channel, shopify_store, east, [("SOCK-M", 1, "111")])
    shopify_store.fail_next(403, body={"errors": "[API] This action requires merchant approval"})
    ship(order)
    push = ChannelPush.objects.get(order=order)
    assert (push.status, push.attempts, push.last_status_code) == ("failed", 1, 403)
    assert "merchant approval" in push.last_error
    (failed,) = timeline(order, "channel_push_failed")
    assert "could not be sent to shopify-us (at once)" in failed and "HTTP 403" in failed
    assert not shopify_store.orders["6001"]["fulfillments"]


def test_retries_run_out_and_the_push_fails(shopify_store, shopify_channel, east, collecting, settings):
    settings.OMS_CHANNEL_PUSH_MAX_ATTEMPTS = 3
    order = channel_order(shopify_channel, shopify_store, east, [("SOCK-M", 1, "111")])
    shopify_store.fail_next(503, times=3)
    ship(order)
    push = ChannelPush.objects.get(order=order)
    assert (push.status, push.attempts, push.last_status_code) == ("failed", 3, 503)
    (failed,) = timeline(order, "channel_push_failed")
    assert "after 3 attempts" in failed
