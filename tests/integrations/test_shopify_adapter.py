"""Shopify REST order JSON as the normalized order: one test per quirk of the format
(tests/integrations/fixtures/NOTES.md, Shopify). Pure: no database, no network."""

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from oms.integrations.common.base import UNMAPPED_SKU, AdapterConfig
from oms.integrations.shopify.adapter import ShopifyAdapter
from tests.integrations.channels import computed_total, doc, raw, valid


def normalize(order, *, topic="orders/create", config=None) -> dict:
    body = order if isinstance(order, str) else json.dumps(order)
    return ShopifyAdapter(None, config or AdapterConfig()).normalize_order(body, topic=topic)


@pytest.fixture
def created():
    return normalize(raw("shopify", "order_create.json"))


@pytest.mark.parametrize(
    "name",
    ["order_create.json", "order_edge_cases.json", "order_cancelled.json", "order_updated_address.json"],
)
def test_every_fixture_is_a_valid_order_whose_parts_add_up_to_the_channel_total(name):
    data = normalize(raw("shopify", name))
    assert computed_total(data) == Decimal(data["totals"]["total"])


def test_the_rest_get_wrapper_and_the_bare_webhook_body_are_the_same_order():
    order = doc("shopify", "order_create.json")
    assert normalize({"order": order}) == normalize(order)


def test_money_strings_stay_exact(created):
    assert created["totals"] == {
        "subtotal": "64.50",
        "discount": "6.45",
        "tax": "7.41",
        "shipping": "9.00",
        "total": "74.46",
    }


def test_refund_amounts_sent_as_json_numbers_keep_their_digits():
    order = dict(doc("shopify", "order_create.json"), refunds=[doc("shopify", "refund_create.json")])
    refund = normalize(order)["refunds"][0]
    assert refund["amount"] == "24.69"  # the successful refund transaction, not the lines' sum
    assert refund["lines"] == [{"channel_line_id": "15836271972885", "quantity": 1, "amount": "24.69"}]


def test_ids_past_2_to_the_53_survive_as_text():
    data = normalize(raw("shopify", "order_edge_cases.json"))
    assert data["lines"][0]["channel_line_id"] == "9007199254740993"  # 2^53 + 1, not ...992
    assert data["external_id"] == "6183731228693"


def test_a_lines_price_is_its_unit_price_and_its_discount_the_sum_of_its_allocations(created):
    sock = created["lines"][0]
    assert (sock["unit_price"], sock["quantity"], sock["discount"]) == ("18.00", 2, "3.60")
    # total_discount stays "0.00" for code discounts: it is not read
    assert doc("shopify", "order_create.json")["line_items"][0]["total_discount"] == "0.00"
    assert sum(Decimal(line["discount"]) for line in created["lines"]) == Decimal("6.45")


def test_a_free_shipping_code_is_the_shipping_lines_discount():
    shipping = normalize(raw("shopify", "order_edge_cases.json"))["shipping_lines"][0]
    assert (shipping["price"], shipping["discount"]) == ("6.50", "6.50")


def test_line_and_shipping_taxes_are_kept_and_the_order_level_repeat_is_not_added_again(created):
    assert [(tax["title"], tax["rate"], tax["amount"]) for tax in created["lines"][0]["tax_lines"]] == [
        ("GST", "0.05", "1.62"),
        ("PST", "0.07", "2.27"),
    ]
    assert created["shipping_lines"][0]["tax_lines"] == [{"title": "GST", "rate": "0.05", "amount": "0.45"}]
    assert created["tax_lines"] == []  # the order's tax_lines sum the lines': counted once


def test_tax_stated_only_on_the_order_is_kept_there_and_prices_including_it_are_not_taxed_again():
    data = normalize(raw("shopify", "order_edge_cases.json"))
    assert data["tax_lines"] == [{"title": "FR TVA", "rate": "0.2", "amount": "4.08"}]
    assert data["taxes_included"] is True
    assert computed_total(data) == Decimal("24.50")


def test_shop_money_not_the_buyers_presentment_currency():
    data = normalize(raw("shopify", "order_edge_cases.json"))
    assert data["currency"] == "USD"


def test_times_keep_the_shops_offset():
    data = normalize(raw("shopify", "order_create.json"))
    assert valid(data)["placed_at"] == datetime(2025, 3, 14, 16, 26, 51, tzinfo=UTC)
    assert data["placed_at"] == "2025-03-14T09:26:51-07:00"  # processed_at: when the sale happened


def test_an_empty_sku_falls_back_to_the_variant_id_and_the_mapping(created):
    gift_wrap = created["lines"][2]
    assert gift_wrap["sku"] == "48123456854549"
    mapped = normalize(
        raw("shopify", "order_create.json"), config=AdapterConfig(sku_map={"48123456854549": "GIFT-WRAP"})
    )
    assert mapped["lines"][2]["sku"] == "GIFT-WRAP"


def test_a_line_with_no_sku_no_variant_and_no_product_is_unmapped_and_held_by_intake():
    assert normalize(raw("shopify", "order_edge_cases.json"))["lines"][0]["sku"] == UNMAPPED_SKU


def test_channel_text_is_plain_and_entities_would_be_decoded():
    order = doc("shopify", "order_create.json")
    order["note"] = "Caf\u00e9 &amp; bar"
    assert normalize(order)["customer_note"] == "Caf\u00e9 & bar"


@pytest.mark.parametrize(
    ("financial", "ours"),
    [
        ("pending", "pending"),
        ("authorized", "authorized"),
        ("partially_paid", "authorized"),
        ("paid", "paid"),
        ("partially_refunded", "partially_refunded"),
        ("refunded", "refunded"),
        ("voided", "voided"),
        ("expired", "voided"),
    ],
)
def test_financial_status_mapping(financial, ours):
    order = dict(doc("shopify", "order_create.json"), financial_status=financial)
    data = normalize(order)
    assert data["payment_status"] == ours
    assert data["channel_status"] == f"{financial}/unfulfilled"


def test_who_fulfils_gift_wrap_and_a_third_party_service_are_not_ours(created):
    assert [line["fulfilled_by_channel"] for line in created["lines"]] == [False, False, True]
    assert created["fulfilled_by_channel"] is False  # some lines are ours
    order = doc("shopify", "order_create.json")
    for line in order["line_items"]:
        line["fulfillment_service"], line["fulfillable_quantity"] = "acme-3pl", 0
    data = normalize(order)
    assert data["fulfilled_by_channel"] is True
    assert [line["quantity_shipped"] for line in data["lines"]] == [2, 1, 1]
    ours = normalize(order, config=AdapterConfig(own_fulfillment_services=frozenset({"manual", "acme-3pl"})))
    assert [line["fulfilled_by_channel"] for line in ours["lines"]] == [False, False, True]


def test_a_cancelled_order_states_when_and_why():
    data = normalize(raw("shopify", "order_cancelled.json"), topic="orders/cancelled")
    assert (data["cancelled_at"], data["cancel_reason"]) == ("2025-03-14T10:48:39-07:00", "customer")
    assert data["payment_status"] == "voided"


def test_a_refund_alone_is_not_an_order():
    assert normalize(raw("shopify", "refund_create.json"), topic="refunds/create") is None


def test_a_document_without_line_items_is_refused():
    with pytest.raises(ValueError, match="line_items"):
        normalize({"id": 1})
