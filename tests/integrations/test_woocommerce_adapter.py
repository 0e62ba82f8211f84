"""WooCommerce REST v3 orders as the normalized order: one test per quirk of the format
(tests/integrations/fixtures/NOTES.md, WooCommerce). Pure: no database, no network."""

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from oms.integrations.common.base import AdapterConfig
from oms.integrations.woocommerce.adapter import WooCommerceAdapter
from tests.integrations.channels import computed_total, doc, raw, valid


def normalize(order, *, topic="order.created", config=None) -> dict:
    body = order if isinstance(order, str) else json.dumps(order)
    return WooCommerceAdapter(None, config or AdapterConfig()).normalize_order(body, topic=topic)


@pytest.fixture
def processing():
    return normalize(raw("woocommerce", "order_processing.json"))


@pytest.mark.parametrize(
    "name",
    [
        "order_processing.json",
        "order_completed.json",
        "order_cancelled.json",
        "order_partially_refunded.json",
        "order_updated_address.json",
    ],
)
def test_every_fixture_is_a_valid_order_whose_parts_add_up_to_the_channel_total(name):
    data = normalize(raw("woocommerce", name))
    assert computed_total(data) == Decimal(data["totals"]["total"])


def test_the_float_line_price_is_never_read_the_line_totals_are(processing):
    dripper = processing["lines"][0]
    assert "unit_price" not in dripper  # price 19.8 is a float of the discounted total / quantity
    assert (dripper["subtotal"], dripper["discount"], dripper["quantity"]) == ("44.00", "4.40", 2)


def test_unpadded_tax_strings_are_amounts_all_the_same():
    data = normalize(raw("woocommerce", "order_completed.json"))
    taxes = [tax["amount"] for line in data["lines"] for tax in line["tax_lines"]]
    assert all(Decimal(amount) == Decimal(amount).quantize(Decimal("0.01")) for amount in taxes)
    source = doc("woocommerce", "order_completed.json")["line_items"][0]["taxes"][0]["total"]
    assert Decimal(source) in [Decimal(amount) for amount in taxes]


def test_taxes_per_line_name_their_rate_by_the_orders_tax_lines(processing):
    assert processing["lines"][0]["tax_lines"] == [
        {"title": "NY State Tax", "rate": None, "amount": "1.58"},
        {"title": "NYC Sales Tax", "rate": None, "amount": "1.78"},
    ]
    assert processing["lines"][1]["tax_lines"] == [] and processing["lines"][1]["tax"] == "0.00"  # zero-rated
    assert processing["shipping_lines"][0]["tax"] == "0.68"


def test_totals_exclude_tax_even_when_the_shop_enters_prices_with_tax():
    order = dict(doc("woocommerce", "order_processing.json"), prices_include_tax=True)
    data = normalize(order)
    assert data["taxes_included"] is False
    assert computed_total(data) == Decimal("68.24")


def test_naive_gmt_times_are_utc_and_the_local_twin_is_ignored(processing):
    assert valid(processing)["placed_at"] == datetime(2025, 3, 14, 16, 26, 53, tzinfo=UTC)  # not 12:26
    assert processing["updated_at"] == "2025-03-14T16:27:04+00:00"


def test_an_empty_sku_falls_back_to_the_variation_then_the_product(processing):
    assert processing["lines"][1]["sku"] == "130"  # variation_id 0 means none
    mapped = normalize(
        raw("woocommerce", "order_processing.json"), config=AdapterConfig(sku_map={"130": "BEANS"})
    )
    assert mapped["lines"][1]["sku"] == "BEANS"


def test_html_entities_are_decoded(processing):
    assert processing["lines"][0]["name"] == "Ceramic Pour-Over Dripper \u2013 Matte White"
    assert processing["lines"][1]["name"] == "Beans & Co. Single-Origin Coffee 340g"
    assert processing["customer_note"] == "Please ring twice & leave with the doorman"


def test_variation_attributes_are_the_lines_options(processing):
    assert processing["lines"][0]["properties"] == [{"name": "pa_finish", "value": "matte-white"}]


def test_coupons_are_the_discount_codes_and_already_in_the_line_discounts(processing):
    assert processing["discount_codes"] == [{"code": "spring10", "amount": "6.25"}]
    assert sum(Decimal(line["discount"]) for line in processing["lines"]) == Decimal("6.25")


def test_refunds_listed_with_negative_totals_are_refunds_of_that_much():
    data = normalize(raw("woocommerce", "order_partially_refunded.json"), topic="order.updated")
    assert data["refunds"] == [
        {"channel_refund_id": "4230", "amount": "21.48", "note": "Dripper arrived chipped"}
    ]
    assert data["payment_status"] == "partially_refunded"


def test_a_fee_line_may_be_a_credit():
    order = doc("woocommerce", "order_processing.json")
    order["fee_lines"] = [
        {"id": 9, "name": "Loyalty credit", "total": "-5.00", "total_tax": "0.00", "taxes": []}
    ]
    order["total"] = "63.24"
    data = normalize(order)
    assert data["fees"][0]["amount"] == "-5.00"
    assert computed_total(data) == Decimal("63.24")


@pytest.mark.parametrize(
    ("status", "paid", "payment", "cancelled"),
    [
        ("processing", True, "paid", False),
        ("pending", False, "pending", False),
        ("on-hold", False, "pending", False),
        ("cancelled", False, "voided", True),
        ("failed", False, "voided", True),
        ("refunded", True, "refunded", False),
    ],
)
def test_status_and_payment_mapping(status, paid, payment, cancelled):
    order = dict(doc("woocommerce", "order_processing.json"), status=status)
    if not paid:
        order["date_paid"] = order["date_paid_gmt"] = None
    data = normalize(order)
    assert (data["channel_status"], data["payment_status"], "cancelled_at" in data) == (
        status,
        payment,
        cancelled,
    )


def test_completed_on_arrival_was_shipped_by_the_shop():
    data = normalize(raw("woocommerce", "order_completed.json"))
    assert data["fulfilled_by_channel"] is True
    assert all(line["quantity_shipped"] == line["quantity"] for line in data["lines"])


def test_local_pickup_is_a_pickup_at_the_mapped_location():
    config = AdapterConfig(location_map={"local_pickup": "STORE-1"})
    data = normalize(raw("woocommerce", "order_completed.json"), config=config)
    assert data["delivery"] == {"method": "pickup", "pickup_location": "STORE-1"}


def test_a_deleted_order_and_other_resources_are_not_orders():
    assert normalize({"id": 4211}, topic="order.deleted") is None
    assert normalize({"id": 7}, topic="product.updated") is None
