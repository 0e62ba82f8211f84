"""Webhooks in at POST /api/v1/channels/{code}/webhooks/ (issue 17): authenticated by the
channel's signature over the raw body (no token, no session); stored in the inbox and answered
at once; a repeated delivery creates nothing; orders, updates, cancellations and refunds land
through the orders services."""

import json
import time
from decimal import Decimal

import pytest

from oms.integrations.inbox.models import InboxDocument
from oms.integrations.shopify.adapter import ShopifyAdapter
from orders.models import ChannelRefund, Order
from tests.integrations.channels import doc, make_channel, open_holds, post_delivery
from tests.integrations.channels import raw as raw_fixture

pytestmark = pytest.mark.django_db
SHOPIFY_SKUS = ("SOCK-MER-CH-M", "INS-TRAIL-42", "48123456854549")
WOO_SKUS = ("DRIP-CER-WHT", "130", "FILTER-PAPER-100", "KETTLE-GOOSE")


@pytest.fixture
def shopify(db):
    return make_channel("shopify-ca", "shopify", skus=SHOPIFY_SKUS)


@pytest.fixture
def woo(db):
    return make_channel("woo-us", "woocommerce", skus=WOO_SKUS)


def shopify_delivery(name: str, order: dict, topic: str, webhook_id: str) -> dict:
    """A Shopify delivery of `order` signed as Shopify signs: the HMAC of exactly these bytes."""
    from oms.integrations.common.signatures import hmac_sha256_b64

    body = json.dumps(order, separators=(",", ":"))
    secret = "oms-test-shopify-webhook-secret"
    return {
        "path": "/api/v1/channels/shopify-ca/webhooks/",
        "headers": {
            "Content-Type": "application/json",
            "X-Shopify-Topic": topic,
            "X-Shopify-Hmac-Sha256": hmac_sha256_b64(secret, body.encode()),
            "X-Shopify-Webhook-Id": webhook_id,
        },
        "body": body,
    }


# --- signatures ----------------------------------------------------------------------------


def test_a_signed_shopify_order_is_stored_answered_at_once_and_becomes_the_order(anon_api, shopify):
    delivery = doc("shopify", "webhook_orders_create.json")
    response = post_delivery(anon_api, delivery)  # no token, no session: the signature is the proof
    assert response.status_code == 202, response.content
    stored = InboxDocument.objects.get(pk=response.json()["document"])
    assert stored.body == delivery["body"] and stored.source == "webhook"
    assert (stored.topic, stored.delivery_id) == ("orders/create", "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043")
    assert "X-Shopify-Hmac-Sha256" in stored.headers
    order = Order.objects.get(channel=shopify, external_id="6183729104917")
    assert order.total == Decimal("74.46") and order.currency == "CAD"
    assert open_holds(order) == []  # the channel's totals add up as we compute them: no false hold
    assert stored.status == "processed" and stored.order == order


@pytest.mark.parametrize(
    "signature",
    [
        None,
        "",
        "dsqHmcGoMdjnh8Y6gDgzGHtoOEkIuYEEnCGOxf2Wmm9=",
        "+ihUB5l+D7QrohDEi/6NcBcJRyKssyWqos13LmnsBbs=",
    ],
    ids=["missing", "empty", "one-character-off", "another-body's"],
)
def test_a_missing_or_wrong_shopify_signature_gets_401_and_stores_nothing(anon_api, shopify, signature):
    delivery = doc("shopify", "webhook_orders_create.json")
    response = post_delivery(anon_api, delivery, headers={"X-Shopify-Hmac-Sha256": signature})
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "invalid_signature"
    assert InboxDocument.objects.count() == 0 and Order.objects.count() == 0


def test_a_body_changed_after_signing_gets_401(anon_api, shopify):
    delivery = doc("shopify", "webhook_orders_create.json")
    tampered = delivery["body"].replace('"total_price":"74.46"', '"total_price":"0.01"')
    assert tampered != delivery["body"]
    assert post_delivery(anon_api, delivery, body=tampered).status_code == 401
    assert InboxDocument.objects.count() == 0


def test_the_previous_secret_still_verifies_during_rotation(anon_api, shopify):
    connection = shopify.connection
    connection.previous_webhook_secret, connection.webhook_secret = (
        connection.webhook_secret,
        "a-new-secret-1",
    )
    connection.save()
    assert post_delivery(anon_api, doc("shopify", "webhook_orders_create.json")).status_code == 202


def test_a_channel_without_a_webhook_secret_accepts_no_delivery(anon_api, db):
    make_channel("shopify-ca", "shopify", skus=SHOPIFY_SKUS, secret="")
    assert post_delivery(anon_api, doc("shopify", "webhook_orders_create.json")).status_code == 401
    assert InboxDocument.objects.count() == 0


def test_unknown_channels_and_channels_without_webhooks_get_the_same_401(anon_api, db):
    delivery = doc("shopify", "webhook_orders_create.json")
    unknown = post_delivery(anon_api, delivery, path="/api/v1/channels/nope/webhooks/")
    make_channel("amz", "amazon")  # Amazon notifies through SQS/EventBridge, not HTTP
    no_webhooks = post_delivery(anon_api, delivery, path="/api/v1/channels/amz/webhooks/")
    assert unknown.status_code == no_webhooks.status_code == 401
    assert unknown.json()["detail"] == no_webhooks.json()["detail"]  # nothing learnt about channels
    assert InboxDocument.objects.count() == 0


def test_a_signature_for_one_channel_does_not_open_another(anon_api, shopify):
    make_channel("shopify-eu", "shopify", secret="the-eu-shop-secret")
    delivery = doc("shopify", "webhook_orders_create.json")
    assert post_delivery(anon_api, delivery, path="/api/v1/channels/shopify-eu/webhooks/").status_code == 401


# --- duplicates ----------------------------------------------------------------------------


def test_a_repeated_shopify_delivery_creates_nothing_new(anon_api, shopify):
    delivery = doc("shopify", "webhook_orders_create.json")
    first = post_delivery(anon_api, delivery)
    again = post_delivery(anon_api, delivery)  # Shopify retries with the same X-Shopify-Webhook-Id
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json() == {"document": first.json()["document"], "duplicate": True}
    assert InboxDocument.objects.count() == 1 and Order.objects.count() == 1
    assert InboxDocument.objects.get().times_received == 2


def test_two_woocommerce_orders_in_one_second_share_a_delivery_id_and_both_land(anon_api, woo):
    created = doc("woocommerce", "webhook_order_created.json")
    assert post_delivery(anon_api, created).status_code == 202
    other = json.loads(created["body"])
    other["id"], other["number"] = 4299, "4299"
    other_body = json.dumps(other, separators=(",", ":"))
    from oms.integrations.common.signatures import hmac_sha256_b64

    signature = hmac_sha256_b64("oms-test-woocommerce-webhook-secret", other_body.encode())
    # WooCommerce's delivery id is wp_hash(webhook id + the second): the same for both.
    second = post_delivery(anon_api, created, body=other_body, headers={"X-WC-Webhook-Signature": signature})
    assert second.status_code == 202
    assert set(Order.objects.values_list("external_id", flat=True)) == {"4211", "4299"}


# --- WooCommerce ---------------------------------------------------------------------------


def test_the_woocommerce_ping_on_saving_a_webhook_gets_200_and_stores_nothing(anon_api, woo):
    assert post_delivery(anon_api, doc("woocommerce", "webhook_ping.json")).status_code == 200
    assert InboxDocument.objects.count() == 0


def test_an_unsigned_woocommerce_order_is_not_a_ping(anon_api, woo):
    delivery = doc("woocommerce", "webhook_order_created.json")
    response = post_delivery(anon_api, delivery, headers={"X-WC-Webhook-Signature": None})
    assert response.status_code == 401 and InboxDocument.objects.count() == 0


def test_a_signed_woocommerce_order_and_its_update(anon_api, woo):
    assert post_delivery(anon_api, doc("woocommerce", "webhook_order_created.json")).status_code == 202
    order = Order.objects.get(channel=woo, external_id="4211")
    assert order.total == Decimal("68.24") and open_holds(order) == []
    assert order.customer_note == "Please ring twice & leave with the doorman"  # entities decoded
    assert post_delivery(anon_api, doc("woocommerce", "webhook_order_updated.json")).status_code == 202
    order.refresh_from_db()
    updated = json.loads(doc("woocommerce", "webhook_order_updated.json")["body"])
    assert order.ship_line1 == updated["shipping"]["address_1"]
    assert InboxDocument.objects.filter(outcome="applied").count() == 1


# --- BigCommerce (Standard Webhooks) -----------------------------------------------------------


@pytest.fixture
def bigcommerce(db):
    return make_channel("bigc-us", "bigcommerce")


def test_a_signed_bigcommerce_notification_is_stored(anon_api, bigcommerce, monkeypatch):
    delivery = doc("bigcommerce", "webhook_order_created.json")
    monkeypatch.setattr(time, "time", lambda: int(delivery["headers"]["webhook-timestamp"]) + 30)
    response = post_delivery(anon_api, delivery)
    assert response.status_code == 202, response.content
    stored = InboxDocument.objects.get()
    assert stored.delivery_id == delivery["headers"]["webhook-id"]
    assert stored.status == "ignored"  # a notification names the order; the order is fetched


def test_an_old_bigcommerce_signature_is_a_replay(anon_api, bigcommerce, monkeypatch):
    delivery = doc("bigcommerce", "webhook_order_created.json")
    monkeypatch.setattr(time, "time", lambda: int(delivery["headers"]["webhook-timestamp"]) + 3600)
    assert post_delivery(anon_api, delivery).status_code == 401
    assert InboxDocument.objects.count() == 0


# --- updates, cancellations, refunds through the orders services --------------------------------


def test_a_shopify_update_cancellation_and_refund_are_applied(anon_api, shopify):
    order_json = doc("shopify", "order_create.json")
    assert (
        post_delivery(anon_api, shopify_delivery("c", order_json, "orders/create", "w-1")).status_code == 202
    )
    order = Order.objects.get(external_id="6183729104917")

    moved = doc("shopify", "order_updated_address.json")
    assert post_delivery(anon_api, shopify_delivery("u", moved, "orders/updated", "w-2")).status_code == 202
    order.refresh_from_db()
    assert order.ship_line1 == moved["shipping_address"]["address1"]

    refunded = dict(
        moved,
        refunds=[doc("shopify", "refund_create.json")],
        financial_status="partially_refunded",
        updated_at="2025-03-16T10:00:00-07:00",
    )
    assert (
        post_delivery(anon_api, shopify_delivery("r", refunded, "orders/updated", "w-3")).status_code == 202
    )
    refund = ChannelRefund.objects.get(order=order)
    assert refund.recorded_amount == Decimal("24.69")  # what the refund transaction returned
    order.refresh_from_db()
    assert order.payment_status == "partially_refunded" and order.refunded_total == Decimal("24.69")

    # refunds/create alone is no order: stored, ignored, the refund recorded once
    refund_delivery = doc("shopify", "webhook_refunds_create.json")
    assert (
        post_delivery(anon_api, refund_delivery, path="/api/v1/channels/shopify-ca/webhooks/").status_code
        == 202
    )
    assert InboxDocument.objects.get(topic="refunds/create").status == "ignored"
    assert ChannelRefund.objects.filter(order=order).count() == 1


def test_a_shopify_cancellation_cancels_the_order(anon_api, shopify):
    created = dict(
        doc("shopify", "order_cancelled.json"),
        cancelled_at=None,
        cancel_reason=None,
        financial_status="paid",
        updated_at="2025-03-14T10:00:00-07:00",
    )
    for line in created["line_items"]:
        line["current_quantity"] = line["quantity"]
    assert post_delivery(anon_api, shopify_delivery("c", created, "orders/create", "w-1")).status_code == 202
    order = Order.objects.get(external_id=str(created["id"]))
    assert order.status != "cancelled"
    delivery = doc("shopify", "webhook_orders_cancelled.json")
    assert post_delivery(anon_api, delivery, path="/api/v1/channels/shopify-ca/webhooks/").status_code == 202
    order.refresh_from_db()
    assert order.status == "cancelled"


def test_the_adapter_reads_the_body_it_was_signed_over(shopify):
    """The stored body is the signed bytes, and the adapter reads it as Shopify sent it."""
    body = doc("shopify", "webhook_orders_create.json")["body"]
    assert (
        ShopifyAdapter(shopify).normalize_order(body, topic="orders/create")["external_id"] == "6183729104917"
    )
    assert raw_fixture("shopify", "order_create.json")


# --- races (PostgreSQL) ----------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_retries_of_one_shopify_delivery_and_its_update_make_one_order():
    from rest_framework.test import APIClient

    from tests.concurrency import run_together

    make_channel("shopify-ca", "shopify", skus=SHOPIFY_SKUS)
    created = doc("shopify", "webhook_orders_create.json")
    updated = shopify_delivery("u", doc("shopify", "order_updated_address.json"), "orders/updated", "w-upd")

    def deliver(index):
        return post_delivery(APIClient(), created if index % 2 else updated).status_code

    codes = run_together(deliver, 8)
    assert all(code in (200, 202) for code in codes), codes
    assert InboxDocument.objects.count() == 2  # one per delivery id, however often it came
    order = Order.objects.get(external_id="6183729104917")
    assert order.ship_line1 == doc("shopify", "order_updated_address.json")["shipping_address"]["address1"]
    assert InboxDocument.objects.filter(status="processed").count() == 2


def test_a_staff_token_is_no_signature(api, shopify):
    """The endpoint is authenticated by the channel's signature only: an admin's token without one
    gets the same 401."""
    delivery = doc("shopify", "webhook_orders_create.json")
    assert post_delivery(api, delivery, headers={"X-Shopify-Hmac-Sha256": None}).status_code == 401


def test_a_repeated_bigcommerce_delivery_creates_nothing_new(anon_api, bigcommerce, monkeypatch):
    delivery = doc("bigcommerce", "webhook_order_updated.json")
    monkeypatch.setattr(time, "time", lambda: int(delivery["headers"]["webhook-timestamp"]) + 30)
    assert post_delivery(anon_api, delivery).status_code == 202
    assert post_delivery(anon_api, delivery).status_code == 200  # retried with the same webhook-id
    assert InboxDocument.objects.count() == 1
