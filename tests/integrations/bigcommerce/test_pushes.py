"""BigCommerce pushes (issue 19) at the adapter: shipments, cancellations and refunds as the store's
API receives them from a local fake server (real HTTP on 127.0.0.1): the exact paths and bodies,
order product ids from the normalized order, no second shipment or refund after a lost answer,
and retryable (429 / 5xx / network) versus permanent (4xx) failures."""

import json

import pytest

from oms.core.adapters import AdapterError
from oms.integrations.bigcommerce.adapter import BigCommerceAdapter
from oms.integrations.common.base import AdapterConfig
from oms.integrations.common.http import ChannelRefused, ChannelUnavailable
from tests.integrations.channels import bigcommerce_document, doc, make_channel
from tests.integrations.fake_channel import serve_fake_channel

pytestmark = pytest.mark.django_db

ORDER = "1187"
SHIPMENTS = f"/v2/orders/{ORDER}/shipments"
ADDRESSES = f"/v2/orders/{ORDER}/shipping_addresses"
ACTIONS = f"/v3/orders/{ORDER}/payment_actions"


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
    channel = make_channel("bc-store", "bigcommerce", api_base_url=fake.url, access_token="bc-token")
    adapter = BigCommerceAdapter(channel)
    adapter.waits = Waits()
    adapter.push_client_options = {"attempts": 2, "sleep": adapter.waits}
    return adapter


def lines(**quantities) -> list[dict]:
    """The order's lines as the normalizer gave them (order product ids), as a push sends them."""
    normalized = BigCommerceAdapter(None, AdapterConfig()).normalize_order(json.dumps(bigcommerce_document()))
    by_sku = {line["sku"]: line["channel_line_id"] for line in normalized["lines"]}
    return [{"sku": sku, "channel_line_id": by_sku[sku], "quantity": n} for sku, n in quantities.items()]


def fulfillment(**extra) -> dict:
    return {
        "push_id": "push-91",
        "order": "SO-2001",
        "external_id": ORDER,
        "shipment": "SHP-7",
        "carrier": "UPS",
        "service": "Ground",
        "tracking_numbers": ["1Z999AA10123456784"],
        "tracking_url": "https://www.ups.com/track?tracknum=1Z999AA10123456784",
        "shipped_at": "2025-03-15T14:02:00Z",
        "lines": lines(**{"APR-LIN-SAGE": 2, "MUG-ENM-WHT": 1}),
        **extra,
    }


def made(shipment_id: int, body: dict) -> dict:
    return {"id": shipment_id, "order_id": int(ORDER), **body}


def test_a_shipment_is_created_for_the_orders_address_with_tracking_and_product_ids(fake, adapter):
    fake.expect("GET", SHIPMENTS, status=204)  # BigCommerce answers an empty list with 204
    fake.expect("GET", ADDRESSES, body=doc("bigcommerce", "order_shipping_addresses.json"))
    fake.expect("POST", SHIPMENTS, status=201, body={"id": 41})
    assert adapter.push_fulfillment(fulfillment()) == "41"
    sent = fake.seen[-1]
    assert sent.headers["X-Auth-Token"] == "bc-token"
    assert sent.json() == {
        "order_address_id": 1290,
        "tracking_number": "1Z999AA10123456784",
        "shipping_method": "Ground",
        "shipping_provider": "ups",
        "tracking_carrier": "ups",
        "tracking_link": "https://www.ups.com/track?tracknum=1Z999AA10123456784",
        "comments": "[OMS shipment SHP-7]",
        "items": [{"order_product_id": 311, "quantity": 2}, {"order_product_id": 313, "quantity": 1}],
    }


def test_a_carrier_bigcommerce_does_not_integrate_is_a_tracking_carrier_and_extra_numbers_are_comments(
    fake, adapter
):
    fake.expect("GET", SHIPMENTS, body=[])
    fake.expect("GET", ADDRESSES, body=doc("bigcommerce", "order_shipping_addresses.json"))
    fake.expect("POST", SHIPMENTS, status=201, body={"id": 42})
    adapter.push_fulfillment(fulfillment(carrier="DHL Express", tracking_numbers=["JD01", "JD02"]))
    body = fake.seen[-1].json()
    assert (body["shipping_provider"], body["tracking_carrier"], body["tracking_number"]) == (
        "",
        "dhl",
        "JD01",
    )
    assert body["comments"] == "[OMS shipment SHP-7] Also tracking: JD02."


def test_a_repeat_after_a_lost_answer_creates_no_second_shipment(fake, adapter):
    adapter.push_client_options = {"attempts": 1}
    addresses = doc("bigcommerce", "order_shipping_addresses.json")
    fake.expect("GET", SHIPMENTS, body=[])
    fake.expect("GET", ADDRESSES, body=addresses)
    fake.expect("POST", SHIPMENTS, drop=True)  # the store made it; its answer never came
    with pytest.raises(ChannelUnavailable) as lost:
        adapter.push_fulfillment(fulfillment())
    assert lost.value.retryable
    created = made(41, {**fake.seen[-1].json(), "order_address_id": 1290})
    fake.expect("GET", SHIPMENTS, body=[created])
    fake.expect("GET", ADDRESSES, body=addresses)
    assert adapter.push_fulfillment(fulfillment()) == "41"
    assert [(s.method, s.path) for s in fake.seen].count(("POST", SHIPMENTS)) == 1
    # without tracking numbers the marker in the comments tells ours apart
    fake.expect("GET", SHIPMENTS, body=[{**created, "tracking_number": ""}])
    fake.expect("GET", ADDRESSES, body=addresses)
    assert adapter.push_fulfillment(fulfillment(tracking_numbers=[])) == "41"


def test_lines_to_two_addresses_are_two_shipments_and_a_retry_makes_only_the_missing_one(fake, adapter):
    adapter.push_client_options = {"attempts": 1}
    [home] = doc("bigcommerce", "order_shipping_addresses.json")
    office = {**home, "id": 1291, "street_1": "500 Office Park"}
    products = doc("bigcommerce", "order_products.json")
    for product in products:
        if product["id"] == 313:
            product["order_address_id"] = 1291
    fake.expect("GET", SHIPMENTS, body=[])
    fake.expect("GET", ADDRESSES, body=[home, office])
    fake.expect("GET", f"/v2/orders/{ORDER}/products?limit=250", body=products)
    fake.expect("POST", SHIPMENTS, status=201, body={"id": 51})
    fake.expect("POST", SHIPMENTS, drop=True)
    with pytest.raises(ChannelUnavailable):
        adapter.push_fulfillment(fulfillment())
    posts = [s.json() for s in fake.seen if s.method == "POST"]
    assert [(p["order_address_id"], p["items"]) for p in posts] == [
        (1290, [{"order_product_id": 311, "quantity": 2}]),
        (1291, [{"order_product_id": 313, "quantity": 1}]),
    ]
    fake.expect("GET", SHIPMENTS, body=[made(51, posts[0]), made(52, posts[1])])
    fake.expect("GET", ADDRESSES, body=[home, office])
    fake.expect("GET", f"/v2/orders/{ORDER}/products?limit=250", body=products)
    assert adapter.push_fulfillment(fulfillment()) == "51+52"
    # only the first was made: the retry makes the second alone
    fake.expect("GET", SHIPMENTS, body=[made(51, posts[0])])
    fake.expect("GET", ADDRESSES, body=[home, office])
    fake.expect("GET", f"/v2/orders/{ORDER}/products?limit=250", body=products)
    fake.expect("POST", SHIPMENTS, status=201, body={"id": 53})
    assert adapter.push_fulfillment(fulfillment()) == "51+53"
    assert fake.seen[-1].json()["order_address_id"] == 1291


def test_unavailable_is_retryable_with_its_retry_after_and_unprocessable_is_permanent(fake, adapter):
    for _ in range(2):
        fake.expect("GET", SHIPMENTS, status=503, headers={"Retry-After": "17"}, body={})
    with pytest.raises(ChannelUnavailable) as busy:
        adapter.push_fulfillment(fulfillment())
    assert (busy.value.retryable, busy.value.retry_after, busy.value.status) == (True, 17.0, 503)
    assert adapter.waits == [17.0]
    fake.expect("GET", SHIPMENTS, body=[])
    fake.expect("GET", ADDRESSES, body=doc("bigcommerce", "order_shipping_addresses.json"))
    problem = {"status": 422, "title": "The quantity specified is greater than the quantity available."}
    fake.expect("POST", SHIPMENTS, status=422, body=problem)
    with pytest.raises(ChannelRefused) as refused:
        adapter.push_fulfillment(fulfillment())
    assert (refused.value.retryable, refused.value.status) == (False, 422)
    assert "greater than the quantity" in str(refused.value) and isinstance(refused.value, AdapterError)


def test_a_429_waits_the_reset_bigcommerce_states(fake, adapter):
    limited = doc("bigcommerce", "rate_limited_429.json")
    for _ in range(2):
        fake.expect("GET", SHIPMENTS, status=429, headers=limited["headers"], body=limited["body"])
    with pytest.raises(ChannelUnavailable) as throttled:
        adapter.push_fulfillment(fulfillment())
    reset = float(limited["headers"]["X-Rate-Limit-Time-Reset-Ms"]) / 1000
    assert throttled.value.retry_after == reset and adapter.waits == [round(reset, 2)]


# --- cancellation ------------------------------------------------------------------------------


def cancellation(**extra) -> dict:
    return {
        "push_id": "c-9",
        "order": "SO-2001",
        "external_id": ORDER,
        "reason": "Out of stock",
        "lines": [],
        "restock": True,
        **extra,
    }


def test_a_cancellation_sets_the_cancelled_status_once(fake, adapter):
    fake.expect("GET", f"/v2/orders/{ORDER}", body=doc("bigcommerce", "order.json"))
    fake.expect("PUT", f"/v2/orders/{ORDER}", body={**doc("bigcommerce", "order.json"), "status_id": 5})
    assert adapter.push_cancellation(cancellation()) == f"{ORDER}:cancelled"
    assert fake.seen[-1].json() == {"status_id": 5}
    fake.expect("GET", f"/v2/orders/{ORDER}", body=doc("bigcommerce", "order_cancelled.json"))
    assert adapter.push_cancellation(cancellation()) == f"{ORDER}:cancelled"
    assert [s.method for s in fake.seen].count("PUT") == 1


def test_a_cancellation_of_some_lines_is_refused_without_touching_the_store(fake, adapter):
    with pytest.raises(ChannelRefused, match="whole orders only") as refused:
        adapter.push_cancellation(cancellation(lines=lines(**{"MUG-ENM-WHT": 1})))
    assert not refused.value.retryable and fake.seen == []


# --- refund ------------------------------------------------------------------------------------


def refund(**extra) -> dict:
    return {
        "refund_id": "RF-31",
        "order": "SO-2001",
        "external_id": ORDER,
        "rma": "RMA-12",
        "currency": "USD",
        "amount": "45.41",
        "lines": [{"sku": "APR-LIN-SAGE", "quantity": 1, "amount": "34.02", "channel_line_id": "311"}],
        "shipping_amount": "10.00",
        **extra,
    }


def quote(amount: float) -> dict:
    option = {
        "provider_id": "braintree",
        "provider_description": "Braintree",
        "amount": amount,
        "offline": False,
        "offline_provider": False,
        "offline_reason": "",
    }
    return {"data": {"order_id": int(ORDER), "total_refund_amount": amount, "refund_methods": [[option]]}}


def test_a_refund_is_quoted_then_made_with_its_items_shipping_and_our_id(fake, adapter):
    fake.expect("GET", f"{ACTIONS}/refunds", body=doc("bigcommerce", "order_refunds_v3.json"))
    fake.expect("GET", ADDRESSES, body=doc("bigcommerce", "order_shipping_addresses.json"))
    fake.expect("POST", f"{ACTIONS}/refund_quotes", status=201, body=quote(45.41))
    fake.expect("POST", f"{ACTIONS}/refunds", status=201, body={"data": {"id": 28, "total_amount": 45.41}})
    assert adapter.request_refund(refund()) == "28"
    items = [
        {"item_type": "PRODUCT", "item_id": 311, "quantity": 1},
        {"item_type": "SHIPPING", "item_id": 1290, "amount": 10.0},
    ]
    assert fake.seen[2].json() == {"items": items}
    reason = "[OMS refund RF-31] (RMA RMA-12)"
    assert fake.seen[3].json() == {
        "items": [{**item, "reason": reason} for item in items],
        "payments": [{"provider_id": "braintree", "amount": 45.41, "offline": False}],
    }


def test_a_repeated_refund_finds_the_earlier_one_and_refunds_nothing(fake, adapter):
    earlier = doc("bigcommerce", "order_refunds_v3.json")
    earlier["data"].append(
        {
            "id": 28,
            "order_id": int(ORDER),
            "reason": "[OMS refund RF-31] (RMA RMA-12)",
            "items": [
                {"item_type": "PRODUCT", "item_id": 311, "quantity": 1, "reason": "[OMS refund RF-31]"}
            ],
        }
    )
    fake.expect("GET", f"{ACTIONS}/refunds", body=earlier)
    assert adapter.request_refund(refund()) == "28"
    assert len(fake.seen) == 1
    # a refund whose id merely starts the same is another refund
    fake.expect("GET", f"{ACTIONS}/refunds", body=earlier)
    fake.expect("GET", ADDRESSES, body=doc("bigcommerce", "order_shipping_addresses.json"))
    fake.expect("POST", f"{ACTIONS}/refund_quotes", status=201, body=quote(45.41))
    fake.expect("POST", f"{ACTIONS}/refunds", status=201, body={"data": {"id": 29}})
    assert adapter.request_refund(refund(refund_id="RF-3")) == "29"


def test_an_amount_the_quote_does_not_reach_is_refunded_against_the_order(fake, adapter):
    fake.expect("GET", f"{ACTIONS}/refunds", body={"data": []})
    fake.expect("POST", f"{ACTIONS}/refund_quotes", status=201, body=quote(34.02))
    fake.expect("POST", f"{ACTIONS}/refund_quotes", status=201, body=quote(30.0))
    fake.expect("POST", f"{ACTIONS}/refunds", status=201, body={"data": {"id": 30}})
    assert adapter.request_refund(refund(amount="30.00", shipping_amount="0")) == "30"
    order_level = [{"item_type": "ORDER", "item_id": 1187, "amount": 30.0}]
    assert fake.seen[2].json() == {"items": order_level}
    assert fake.seen[3].json()["items"] == [{**order_level[0], "reason": "[OMS refund RF-31] (RMA RMA-12)"}]


def test_a_refund_the_store_refuses_is_permanent(fake, adapter):
    fake.expect("GET", f"{ACTIONS}/refunds", body={"data": []})
    fake.expect("GET", ADDRESSES, body=doc("bigcommerce", "order_shipping_addresses.json"))
    fake.expect("POST", f"{ACTIONS}/refund_quotes", status=201, body=quote(45.41))
    fake.expect("POST", f"{ACTIONS}/refunds", status=422, body={"status": 422, "title": "Amount exceeds"})
    with pytest.raises(ChannelRefused) as refused:
        adapter.request_refund(refund())
    assert (refused.value.retryable, refused.value.status) == (False, 422)
