"""Amazon pushes (issue 19) at the adapter: shipment confirmations, cancellations and refunds as
Amazon's SP-API receives them from a local fake server (real HTTP on 127.0.0.1): the exact paths
and bodies, Amazon's OrderItemIds from the normalized order, no second package or refund after a
lost answer, and retryable (429 / 5xx / network) versus permanent (4xx) failures."""

import json
import uuid
from xml.etree import ElementTree as ET

import pytest

from oms.core.adapters import AdapterError
from oms.integrations.amazon.orders_v0 import AmazonAdapter
from oms.integrations.amazon.pushes import package_reference
from oms.integrations.common.base import AdapterConfig
from oms.integrations.common.http import ChannelRefused, ChannelUnavailable
from tests.integrations.channels import amazon_document, doc, make_channel
from tests.integrations.fake_channel import serve_fake_channel

pytestmark = pytest.mark.django_db

ORDER = "113-4079225-2317825"
CONFIRM = f"/orders/v0/orders/{ORDER}/shipmentConfirmation"
FEEDS = "/feeds/2021-06-30"


class Waits(list):
    def __call__(self, seconds):
        self.append(round(seconds, 2))


@pytest.fixture
def fake():
    with serve_fake_channel() as server:
        yield server
        assert not server.unexpected, server.unexpected


@pytest.fixture
def adapter(fake):
    channel = make_channel(
        "amazon-us", "amazon", api_base_url=fake.url, access_token="Atza|test", account="ATVPDKIKX0DER"
    )
    adapter = AmazonAdapter(channel)
    adapter.waits = Waits()
    adapter.push_client_options = {"attempts": 2, "sleep": adapter.waits}
    return adapter


def lines(**quantities) -> list[dict]:
    """The order's lines as the normalizer gave them (Amazon's OrderItemIds), as a push sends them."""
    normalized = AmazonAdapter(None, AdapterConfig()).normalize_order(json.dumps(amazon_document()))
    by_sku = {line["sku"]: line["channel_line_id"] for line in normalized["lines"]}
    return [{"sku": sku, "channel_line_id": by_sku[sku], "quantity": n} for sku, n in quantities.items()]


def fulfillment(**extra) -> dict:
    return {
        "push_id": "push-7f3a",
        "order": "SO-1001",
        "external_id": ORDER,
        "shipment": "SHP-1",
        "carrier": "UPS",
        "service": "Ground",
        "tracking_numbers": ["1Z999AA10123456784"],
        "tracking_url": "https://www.ups.com/track?tracknum=1Z999AA10123456784",
        "shipped_at": "2025-03-15T14:02:00Z",
        "lines": lines(**{"KT-BAM-3PK": 3, "CB-OAK-L": 1}),
        **extra,
    }


def order(status: str) -> dict:
    answer = doc("amazon", "getOrder_mfn_unshipped.json")
    answer["payload"]["OrderStatus"] = status
    return answer


def test_a_shipment_is_confirmed_with_its_tracking_and_amazons_item_ids(fake, adapter):
    fake.expect("GET", f"/orders/v0/orders/{ORDER}", body=order("Unshipped"))
    fake.expect("POST", CONFIRM, status=204)
    reference = adapter.push_fulfillment(fulfillment())
    sent = fake.seen[-1]
    assert sent.headers["x-amz-access-token"] == "Atza|test"
    assert sent.json() == {
        "marketplaceId": "ATVPDKIKX0DER",
        "packageDetail": {
            "packageReferenceId": package_reference("push-7f3a"),
            "carrierCode": "UPS",
            "shippingMethod": "Ground",
            "trackingNumber": "1Z999AA10123456784",
            "shipDate": "2025-03-15T14:02:00Z",
            "orderItems": [
                {"orderItemId": "04637219385517", "quantity": 3},
                {"orderItemId": "21098437650023", "quantity": 1},
            ],
        },
    }
    assert package_reference("push-7f3a").isdigit()
    assert reference == f"{ORDER}:package:{package_reference('push-7f3a')}"


def test_an_unknown_carrier_goes_as_other_with_its_name_and_extra_tracking_numbers_are_named(fake, adapter):
    fake.expect("GET", f"/orders/v0/orders/{ORDER}", body=order("Unshipped"))
    fake.expect("POST", CONFIRM, status=204)
    reference = adapter.push_fulfillment(
        fulfillment(carrier="Acme Freight", tracking_numbers=["AC-1", "AC-2"], service="")
    )
    detail = fake.seen[-1].json()["packageDetail"]
    assert (detail["carrierCode"], detail["carrierName"], detail["trackingNumber"]) == (
        "Other",
        "Acme Freight",
        "AC-1",
    )
    assert "shippingMethod" not in detail and reference.endswith("(also tracking AC-2)")


def test_packages_with_their_own_items_are_one_confirmation_each(fake, adapter):
    fake.expect("GET", f"/orders/v0/orders/{ORDER}", body=order("Unshipped"))
    fake.expect("POST", CONFIRM, status=204)
    fake.expect("POST", CONFIRM, status=204)
    packages = [
        {"tracking_number": "T1", "lines": lines(**{"KT-BAM-3PK": 3})},
        {"tracking_number": "T2", "lines": lines(**{"CB-OAK-L": 1})},
    ]
    adapter.push_fulfillment(fulfillment(tracking_numbers=["T1", "T2"], packages=packages))
    details = [seen.json()["packageDetail"] for seen in fake.seen[1:]]
    assert [(d["trackingNumber"], d["orderItems"][0]["orderItemId"]) for d in details] == [
        ("T1", "04637219385517"),
        ("T2", "21098437650023"),
    ]
    assert details[0]["packageReferenceId"] != details[1]["packageReferenceId"]


def test_a_repeat_after_a_lost_answer_adds_no_second_package(fake, adapter):
    adapter.push_client_options = {"attempts": 1}
    fake.expect("GET", f"/orders/v0/orders/{ORDER}", body=order("Unshipped"))
    fake.expect("POST", CONFIRM, drop=True)  # Amazon took it; its answer never came
    with pytest.raises(ChannelUnavailable) as lost:
        adapter.push_fulfillment(fulfillment())
    assert lost.value.retryable and lost.value.retry_after is None
    # the retry: Amazon says the order is shipped, nothing is confirmed again
    fake.expect("GET", f"/orders/v0/orders/{ORDER}", body=order("Shipped"))
    assert "already shipped" in adapter.push_fulfillment(fulfillment())
    assert [s.path for s in fake.seen].count(CONFIRM) == 1
    # partly shipped (another shipment is still open): the same package reference goes again
    fake.expect("GET", f"/orders/v0/orders/{ORDER}", body=order("PartiallyShipped"))
    fake.expect("POST", CONFIRM, status=204)
    adapter.push_fulfillment(fulfillment())
    references = {s.json()["packageDetail"]["packageReferenceId"] for s in fake.seen if s.path == CONFIRM}
    assert references == {package_reference("push-7f3a")}


def test_throttling_is_retryable_with_amazons_wait_and_a_refusal_is_permanent(fake, adapter):
    fake.expect("GET", f"/orders/v0/orders/{ORDER}", body=order("Unshipped"))
    for _ in range(2):
        fake.expect("POST", CONFIRM, status=503, headers={"Retry-After": "30"}, body={"errors": []})
    with pytest.raises(ChannelUnavailable) as busy:
        adapter.push_fulfillment(fulfillment())
    assert (busy.value.retryable, busy.value.retry_after, busy.value.status) == (True, 30.0, 503)
    assert adapter.waits == [30.0]
    invalid = {"errors": [{"code": "InvalidInput", "message": "Invalid orderItemId"}]}
    fake.expect("GET", f"/orders/v0/orders/{ORDER}", body=order("Unshipped"))
    fake.expect("POST", CONFIRM, status=400, body=invalid)
    with pytest.raises(ChannelRefused) as refused:
        adapter.push_fulfillment(fulfillment())
    assert (refused.value.retryable, refused.value.status) == (False, 400)
    assert "Invalid orderItemId" in str(refused.value) and isinstance(refused.value, AdapterError)


def test_a_429_without_retry_after_waits_what_amazons_rate_header_says(fake, adapter):
    fake.expect("GET", f"/orders/v0/orders/{ORDER}", body=order("Unshipped"))
    for _ in range(2):
        fake.expect("POST", CONFIRM, status=429, headers={"x-amzn-RateLimit-Limit": "0.5"}, body={})
    with pytest.raises(ChannelUnavailable) as throttled:
        adapter.push_fulfillment(fulfillment())
    assert throttled.value.retry_after == 2.0 and adapter.waits == [2.0]


def test_lines_without_amazons_item_id_are_refused_before_any_call(fake, adapter):
    payload = fulfillment(lines=[{"sku": "KT-BAM-3PK", "channel_line_id": "", "quantity": 1}])
    with pytest.raises(ChannelRefused, match="KT-BAM-3PK"):
        adapter.push_fulfillment(payload)
    assert fake.seen == []


# --- feeds: cancellation, refund ---------------------------------------------------------------


def expect_feed(fake, document_id: str, feed_id: str, *, drop=False):
    fake.expect(
        "POST",
        f"{FEEDS}/documents",
        status=201,
        body={"feedDocumentId": document_id, "url": f"{fake.url}/s3/{document_id}"},
    )
    fake.expect("PUT", f"/s3/{document_id}")
    fake.expect("POST", f"{FEEDS}/feeds", status=202, body={"feedId": feed_id}, drop=drop)


def uploaded(fake) -> ET.Element:
    [put] = [seen for seen in fake.seen if seen.method == "PUT"][-1:]
    assert put.headers["Content-Type"] == "text/xml; charset=UTF-8"
    assert "x-amz-access-token" not in put.headers  # a presigned URL: no SP-API token to it
    return ET.fromstring(put.body)  # noqa: S314 - the document our own code wrote


def test_a_whole_order_cancellation_is_an_order_acknowledgement_failure_feed(fake, adapter):
    fake.expect("GET", f"/orders/v0/orders/{ORDER}", body=order("Unshipped"))
    expect_feed(fake, "amzn1.tortuga.doc1", "50001")
    payload = {
        "push_id": "c-1",
        "order": "SO-1001",
        "external_id": ORDER,
        "reason": "Out of stock",
        "lines": [],
        "restock": True,
    }
    assert adapter.push_cancellation(payload) == "feed:50001"
    root = uploaded(fake)
    assert root.findtext("MessageType") == "OrderAcknowledgement"
    ack = root.find("Message/OrderAcknowledgement")
    assert (ack.findtext("AmazonOrderID"), ack.findtext("MerchantOrderID"), ack.findtext("StatusCode")) == (
        ORDER,
        "SO-1001",
        "Failure",
    )
    feed = fake.seen[-1].json()
    assert feed == {
        "feedType": "POST_ORDER_ACKNOWLEDGEMENT_DATA",
        "marketplaceIds": ["ATVPDKIKX0DER"],
        "inputFeedDocumentId": "amzn1.tortuga.doc1",
    }
    assert fake.seen[1].json() == {"contentType": "text/xml; charset=UTF-8"}


def test_a_line_cancellation_names_the_item_and_amazons_reason_and_a_cancelled_order_is_left(fake, adapter):
    expect_feed(fake, "doc2", "50002")
    payload = {
        "push_id": "c-2",
        "order": "SO-1001",
        "external_id": ORDER,
        "reason": "Customer asked to cancel: changed mind",
        "lines": lines(**{"CB-OAK-L": 1}),
        "restock": True,
    }
    adapter.push_cancellation(payload)
    ack = uploaded(fake).find("Message/OrderAcknowledgement")
    assert ack.findtext("StatusCode") == "Success"
    assert [(i.findtext("AmazonOrderItemCode"), i.findtext("CancelReason")) for i in ack.iter("Item")] == [
        ("21098437650023", "BuyerCanceled")
    ]
    fake.expect("GET", f"/orders/v0/orders/{ORDER}", body=order("Canceled"))
    assert "already cancelled" in adapter.push_cancellation({**payload, "lines": []})
    assert len([s for s in fake.seen if s.path == f"{FEEDS}/feeds"]) == 1


def refund(**extra) -> dict:
    return {
        "refund_id": f"RF-{uuid.uuid4().hex[:8]}",
        "order": "SO-1001",
        "external_id": ORDER,
        "rma": "RMA-77",
        "currency": "USD",
        "amount": "19.74",
        "lines": [
            {"sku": "CB-OAK-L", "quantity": 1, "amount": "13.75", "channel_line_id": "21098437650023"},
        ],
        "shipping_amount": "5.99",
        **extra,
    }


def test_a_refund_is_a_payment_adjustment_feed_per_item_and_a_repeat_sends_nothing(fake, adapter):
    expect_feed(fake, "doc3", "50003")
    payload = refund()
    assert adapter.request_refund(payload) == "feed:50003"
    root = uploaded(fake)
    assert root.findtext("MessageType") == "OrderAdjustment"
    adjustment = root.find("Message/OrderAdjustment")
    assert (adjustment.findtext("AmazonOrderID"), adjustment.findtext("ActionType")) == (ORDER, "Refund")
    [item] = adjustment.findall("AdjustedItem")
    assert item.findtext("AmazonOrderItemCode") == "21098437650023"
    assert item.findtext("MerchantAdjustmentItemID") == f"{payload['refund_id']}-1"
    assert item.findtext("AdjustmentReason") == "CustomerReturn"
    components = [
        (c.findtext("Type"), c.findtext("Amount"), c.find("Amount").get("currency"))
        for c in item.iter("Component")
    ]
    assert components == [("Principal", "13.75", "USD"), ("Shipping", "5.99", "USD")]
    assert fake.seen[-1].json()["feedType"] == "POST_PAYMENT_ADJUSTMENT_DATA"
    requests = len(fake.seen)
    assert adapter.request_refund(payload) == "feed:50003"  # the framework's retry after a lost save
    assert len(fake.seen) == requests


def test_a_lost_create_feed_answer_is_checked_before_a_refund_is_sent_again(fake, adapter):
    payload = refund()
    expect_feed(fake, "doc4", "50004", drop=True)
    with pytest.raises(ChannelUnavailable) as lost:
        adapter.request_refund(payload)
    assert lost.value.retryable
    assert [s.path for s in fake.seen].count(f"{FEEDS}/feeds") == 1  # not re-posted blindly
    # the retry: Amazon lists a payment adjustment feed made since: a person must look
    fake.expect(
        "GET",
        f"{FEEDS}/feeds",
        any_query=True,
        body={"feeds": [{"feedId": "50004", "feedType": "POST_PAYMENT_ADJUSTMENT_DATA"}]},
    )
    with pytest.raises(ChannelRefused, match="Seller Central") as ambiguous:
        adapter.request_refund(payload)
    assert not ambiguous.value.retryable
    listed = fake.seen[-1]
    assert listed.query["feedTypes"] == ["POST_PAYMENT_ADJUSTMENT_DATA"]
    assert listed.query["marketplaceIds"] == ["ATVPDKIKX0DER"] and listed.query["createdSince"]
    assert [s.path for s in fake.seen].count(f"{FEEDS}/feeds") == 2  # the list, no second create


def test_a_lost_answer_with_no_feed_made_since_sends_the_refund(fake, adapter):
    payload = refund()
    expect_feed(fake, "doc5", "50005", drop=True)
    with pytest.raises(ChannelUnavailable):
        adapter.request_refund(payload)
    fake.expect("GET", f"{FEEDS}/feeds", any_query=True, body={"feeds": []})
    expect_feed(fake, "doc6", "50006")
    assert adapter.request_refund(payload) == "feed:50006"


def test_a_refused_feed_is_permanent_and_can_be_sent_again_once_fixed(fake, adapter):
    payload = refund()
    upload = {"feedDocumentId": "d7", "url": f"{fake.url}/s3/d7"}
    fake.expect("POST", f"{FEEDS}/documents", status=201, body=upload)
    fake.expect("PUT", "/s3/d7")
    fake.expect("POST", f"{FEEDS}/feeds", status=400, body={"errors": [{"code": "InvalidInput"}]})
    with pytest.raises(ChannelRefused) as refused:
        adapter.request_refund(payload)
    assert not refused.value.retryable
    expect_feed(fake, "d8", "50008")  # no lost-answer check: Amazon's 400 said no feed was made
    assert adapter.request_refund(payload) == "feed:50008"


def test_a_refund_without_items_is_refused(fake, adapter):
    with pytest.raises(ChannelRefused, match="names none"):
        adapter.request_refund(refund(lines=[]))
