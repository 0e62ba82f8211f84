"""Amazon SP-API Orders v0 (getOrder + getOrderItems + getOrderBuyerInfo) as the normalized
order: one test per quirk of the format (tests/integrations/fixtures/NOTES.md, Amazon). Pure."""

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from oms.integrations.amazon.orders_v0 import AmazonAdapter
from oms.integrations.common.base import AdapterConfig
from tests.integrations.channels import amazon_document, computed_total, doc, valid


def normalize(document, *, config=None) -> dict | None:
    return AmazonAdapter(None, config or AdapterConfig()).normalize_order(json.dumps(document))


@pytest.fixture
def mfn():
    return normalize(amazon_document())


@pytest.mark.parametrize(
    ("order", "items"),
    [
        ("getOrder_mfn_unshipped.json", "getOrderItems_mfn.json"),
        ("getOrder_afn_shipped.json", "getOrderItems_afn.json"),
        ("getOrder_canceled.json", "getOrderItems_canceled.json"),
        ("getOrder_mfn_updated.json", "getOrderItems_mfn_buyer_cancel.json"),
    ],
)
def test_every_fixture_is_a_valid_order_whose_parts_add_up_to_the_channel_total(order, items):
    data = normalize(amazon_document(order, items))
    assert computed_total(data) == Decimal(data["totals"]["total"])


def test_item_price_is_the_line_total_and_no_rounded_unit_price_is_made(mfn):
    tongs = mfn["lines"][0]
    assert (tongs["subtotal"], tongs["quantity"]) == ("50.00", 3) and "unit_price" not in tongs


def test_shipping_and_its_discount_exist_per_item_and_are_summed(mfn):
    assert mfn["shipping_lines"] == [
        {
            "code": "amazon",
            "title": "Shipping",
            "price": "5.99",
            "discount": "5.99",
            "tax": "0.00",
            "currency": "USD",
        }
    ]


def test_promotion_tax_comes_off_the_item_tax_and_names_who_collects_it(mfn):
    tongs = mfn["lines"][0]
    assert (tongs["discount"], tongs["tax"]) == ("5.00", "3.72")  # 4.13 - 0.41
    assert tongs["tax_lines"][0]["title"] == "Tax collected by Amazon Services, Inc."


def test_item_ids_keep_their_leading_zeros_and_so_do_seller_skus(mfn):
    assert mfn["lines"][0]["channel_line_id"] == "04637219385517"
    edge = normalize(amazon_document(items="getOrderItems_edge_cases.json"))
    assert (edge["lines"][0]["channel_line_id"], edge["lines"][0]["sku"]) == (
        "00918273645501",
        "0042-TEA-SENCHA",
    )


def test_booleans_as_strings(mfn):
    assert [line["properties"] for line in mfn["lines"]] == [
        [],
        [{"name": "gift", "value": "yes"}],
    ]  # "false", "true"


def test_times_with_and_without_milliseconds():
    afn = normalize(amazon_document("getOrder_afn_shipped.json", "getOrderItems_afn.json"))
    assert valid(afn)["placed_at"] == datetime(2025, 3, 14, 17, 5, 40, 112000, tzinfo=UTC)
    assert afn["updated_at"] == "2025-03-15T09:41:07+00:00"


def test_money_in_another_currency_is_stated_so_that_intake_holds_the_order():
    edge = normalize(amazon_document(items="getOrderItems_edge_cases.json"))
    assert edge["lines"][0]["currency"] == "JPY"
    assert edge["fees"][0]["kind"] == "gift_wrap" and edge["fees"][0]["currency"] == "GBP"
    assert edge["shipping_lines"][0]["price"] == "350.50"  # a JPY amount with a fraction, kept


def test_fulfilled_by_amazon_is_never_ours_to_ship():
    afn = normalize(amazon_document("getOrder_afn_shipped.json", "getOrderItems_afn.json"))
    assert afn["fulfilled_by_channel"] is True
    assert [line["quantity_shipped"] for line in afn["lines"]] == [1]


def test_a_cancelled_order_with_zero_quantities_is_cancelled_in_the_marketplaces_currency():
    cancelled = normalize(amazon_document("getOrder_canceled.json", "getOrderItems_canceled.json"))
    assert cancelled["cancelled_at"] == "2025-03-14T17:58:20+00:00"
    assert cancelled["currency"] == "USD" and cancelled["payment_status"] == "voided"
    assert cancelled["lines"][0]["quantity_cancelled"] == cancelled["lines"][0]["quantity"]


def test_a_buyers_cancellation_request_is_kept_for_customer_service():
    data = normalize(amazon_document("getOrder_mfn_updated.json", "getOrderItems_mfn_buyer_cancel.json"))
    requests = [attr for attr in data["attributes"] if attr["name"].startswith("buyer_requested_cancel")]
    assert requests and requests[0]["value"]


@pytest.mark.parametrize(
    ("status", "payment"),
    [
        ("Pending", "pending"),
        ("PendingAvailability", "pending"),
        ("Unshipped", "paid"),
        ("Shipped", "paid"),
        ("Canceled", "voided"),
    ],
)
def test_order_status_mapping(status, payment):
    document = amazon_document()
    document["order"]["payload"]["OrderStatus"] = status
    data = normalize(document)
    assert (data["channel_status"], data["payment_status"]) == (status, payment)


def test_a_pending_order_without_a_total_gets_the_sum_of_its_items():
    document = amazon_document()
    del document["order"]["payload"]["OrderTotal"]
    assert normalize(document)["totals"]["total"] == "62.52"


def test_item_pages_are_joined():
    document = amazon_document()
    document["orderItems"] = [
        doc("amazon", "getOrderItems_page1.json"),
        doc("amazon", "getOrderItems_page2.json"),
    ]
    assert [line["channel_line_id"] for line in normalize(document)["lines"]] == [
        "04637219385517",
        "21098437650023",
    ]


def test_the_buyers_email_comes_from_buyer_info(mfn):
    assert mfn["customer"]["email"] == "4x9kq2mtd7lwz3v@marketplace.amazon.com"


def test_finances_refund_events_are_refunds_of_what_went_back_to_the_buyer():
    document = amazon_document()
    document["financialEvents"] = doc("amazon", "listFinancialEventsByOrderId_refund.json")
    [refund] = normalize(document)["refunds"]
    # principal 12.75 + tax 1.05; the marketplace-facilitator line is Amazon's, not the buyer's
    assert refund["amount"] == "13.80" and refund["refunded_at"] == "2025-03-24T18:12:07+00:00"
    assert refund["lines"] == [{"channel_line_id": "21098437650023", "quantity": 1, "amount": "13.80"}]
    assert refund["channel_refund_id"] == "finances:2025-03-24T18:12:07Z:77201938465511"


def test_an_order_change_notification_is_not_an_order():
    assert normalize(doc("amazon", "notification_order_change.json")) is None
