"""BigCommerce V2 orders (order + products + shipping addresses) as the normalized order: one
test per quirk of the format (tests/integrations/fixtures/NOTES.md, BigCommerce). Pure."""

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from oms.integrations.bigcommerce.adapter import BigCommerceAdapter
from oms.integrations.common.base import AdapterConfig
from tests.integrations.channels import bigcommerce_document, computed_total, doc, valid


def normalize(document, *, config=None) -> dict | None:
    return BigCommerceAdapter(None, config or AdapterConfig()).normalize_order(json.dumps(document))


@pytest.fixture
def document():
    return bigcommerce_document()


@pytest.mark.parametrize(
    "parts",
    [
        {},
        {"taxes": "order_taxes.json"},
        {"order": "order_partially_refunded.json", "products": "order_products_partially_refunded.json"},
        {"order": "order_cancelled.json"},
        {"order": "order_updated.json", "addresses": "order_shipping_addresses_updated.json"},
    ],
)
def test_every_fixture_is_a_valid_order_whose_parts_add_up_to_the_channel_total(parts):
    data = normalize(bigcommerce_document(**parts))
    assert computed_total(data) == Decimal(data["totals"]["total"]) == Decimal("117.72")


def test_four_decimal_money_strings_stay_exact():
    data = normalize(bigcommerce_document(taxes="order_taxes.json"))
    assert [tax["amount"] for tax in data["tax_lines"]] == ["6.8125", "1.9075"]
    assert [tax["rate"] for tax in data["tax_lines"]] == ["0.0625", "0.0175"]
    assert data["totals"]["total"] == "117.7200"


def test_rfc_2822_times(document):
    data = normalize(document)
    assert valid(data)["placed_at"] == datetime(2025, 3, 14, 16, 26, 53, tzinfo=UTC)


def test_line_totals_and_their_coupon_share(document):
    apron = normalize(document)["lines"][0]
    assert (apron["subtotal"], apron["quantity"], apron["discount"]) == ("70.00", 2, "7.00")


def test_tax_is_taken_at_order_level_because_product_taxes_are_before_the_coupon(document):
    data = normalize(document)
    assert all(line["tax"] == "0.00" for line in data["lines"])
    assert data["tax_lines"] == [{"title": "Tax", "amount": "8.7200"}]


def test_bundle_children_point_to_their_parent(document):
    lines = normalize(document)["lines"]
    assert [(line["channel_line_id"], line.get("bundle_parent")) for line in lines] == [
        ("311", None),
        ("312", None),
        ("313", "312"),
        ("314", "312"),
    ]


def test_an_empty_sku_falls_back_to_the_product_id(document):
    assert normalize(document)["lines"][3]["sku"] == "92"
    mapped = normalize(document, config=AdapterConfig(sku_map={"92": "BOWL-OAT"}))
    assert mapped["lines"][3]["sku"] == "BOWL-OAT"


def test_form_field_entities_are_decoded_into_the_delivery_instructions(document):
    assert normalize(document)["delivery"]["instructions"] == (
        "Delivery Instructions: Loading dock at the back & ring bell"
    )


@pytest.mark.parametrize(
    ("status_id", "payment_status", "payment", "cancelled", "by_channel"),
    [
        (11, "captured", "paid", False, False),
        (9, "captured", "paid", False, False),
        (7, "", "pending", False, False),
        (1, "authorized", "pending", False, False),
        (5, "void", "voided", True, False),
        (6, "", "pending", True, False),
        (2, "captured", "paid", False, True),
        (10, "captured", "paid", False, True),
        (14, "partially refunded", "partially_refunded", False, False),
        (4, "refunded", "refunded", False, False),
    ],
)
def test_status_id_is_authoritative(document, status_id, payment_status, payment, cancelled, by_channel):
    document["order"].update(
        status_id=status_id, status="Renamed by the merchant", payment_status=payment_status
    )
    data = normalize(document)
    assert (data["payment_status"], "cancelled_at" in data, data["fulfilled_by_channel"]) == (
        payment,
        cancelled,
        by_channel,
    )


def test_an_incomplete_order_is_an_abandoned_checkout(document):
    document["order"]["status_id"] = 0
    assert normalize(document) is None


def test_v3_refunds_with_numbers_name_the_order_product():
    data = normalize(
        bigcommerce_document(
            order="order_partially_refunded.json",
            products="order_products_partially_refunded.json",
            refunds="order_refunds_v3.json",
        )
    )
    assert data["refunds"] == [
        {
            "channel_refund_id": "27",
            "refunded_at": "2025-03-20T18:04:11+00:00",
            "amount": "34.02",
            "note": "Stitching came loose",
            "lines": [{"channel_line_id": "311", "quantity": 1, "amount": "0.00"}],
        }
    ]


def test_without_the_refund_list_the_refunded_sum_is_stated():
    data = normalize(
        bigcommerce_document(
            order="order_partially_refunded.json", products="order_products_partially_refunded.json"
        )
    )
    assert data["totals"]["refunded"] == "34.0200" and data["refunds"] == []


def test_a_webhook_notification_is_not_an_order():
    body = json.loads(doc("bigcommerce", "webhook_order_created.json")["body"])
    assert normalize(body) is None


def test_an_order_without_its_products_is_refused(document):
    with pytest.raises(ValueError, match="products"):
        normalize({"order": document["order"]})
