"""Channel orders whole at intake (issue 16): every component a channel states has a place,
money is kept exactly as stated, and an order that adds up as the channel states it never lands
on a false hold. Documents shaped after the channels' own (Shopify, WooCommerce, Amazon SP-API,
BigCommerce); the documented OpenAPI examples are among them."""

import copy
from decimal import Decimal

import pytest

from orders.api.examples import (
    AMAZON_FBA_ORDER,
    BIGCOMMERCE_STYLE_ORDER,
    SHOPIFY_STYLE_ORDER,
    WOOCOMMERCE_UPDATE,
)
from orders.models import ChannelRefund, Order, OrderCharge, OrderLine, TaxLine

from .factories import SkuFactory, order_payload

pytestmark = pytest.mark.django_db
URL = "/api/v1/orders/"


@pytest.fixture
def catalog(db):
    return {code: SkuFactory(code=code) for code in ("TSHIRT-BLK-M", "CAP-RED", "TSHIRT-M", "MUG-01")}


def post(api, body, status=201):
    response = api.post(URL, body)
    assert response.status_code == status, response.json()
    return response.json()


def exception_reason(order: dict) -> str:
    return " ".join(hold["reason"] for hold in order["holds"] if hold["kind"] == "exception")


def test_a_shopify_shaped_order_lands_whole_with_no_hold(api, web, catalog):
    order = post(api, SHOPIFY_STYLE_ORDER)
    assert order["holds"] == [] and order["status"] == "new"
    [line] = order["lines"]
    assert line["channel"] == {
        "line_id": "866550311766439020",
        "sku": "TSHIRT-BLK-M",
        "product_id": "632910392",
        "variant_id": "808950810",
    }
    assert line["tax_lines"] == [{"title": "KY State Tax", "rate": "0.060000", "amount": "2.16"}]
    assert line["properties"] == [{"name": "Engraving", "value": "Happy birthday"}]
    assert (line["subtotal"], line["discount"], line["tax"]) == ("39.98", "4.00", "2.16")
    [shipping] = order["shipping_lines"]
    assert (shipping["code"], shipping["amount"], shipping["discount"]) == ("Free Shipping", "5.00", "5.00")
    assert order["totals"]["total"] == "38.14"
    assert order["channel_facts"]["discount_codes"] == [
        {"code": "TENOFF", "type": "fixed_amount", "amount": "4.0000"}
    ]
    assert order["channel_facts"]["status"] == "paid / unfulfilled"
    assert order["customer_note"] == "Please gift wrap."
    assert (order["shipping_address"]["company"], order["shipping_address"]["phone"]) == (
        "Acme Inc.",
        "555-625-1199",
    )
    assert order["channel_facts"]["updated_at"] == "2026-03-02T18:53:06Z"


def test_order_level_tax_only_adds_up_without_a_hold(api, web, catalog):
    body = order_payload(lines=[("TSHIRT-M", 2, "10.00")])
    for line in body["lines"]:
        line["tax"] = "0.00"
    body["tax_lines"] = [{"title": "State tax", "rate": "0.0725", "amount": "1.81"}]
    body["totals"] = {"subtotal": "20.00", "tax": "1.81", "total": "26.81"}
    order = post(api, body)
    assert order["holds"] == []
    assert order["tax_lines"] == [{"title": "State tax", "rate": "0.072500", "amount": "1.81"}]
    assert order["totals"]["tax"] == "1.81"


def test_bigcommerce_four_decimals_shipping_tax_and_fees_add_up_and_are_kept_exactly(api, web, catalog):
    order = post(api, BIGCOMMERCE_STYLE_ORDER)
    assert order["holds"] == []
    assert order["totals"]["exact"]["total"] == "56.6250"
    assert order["totals"]["total"] == "56.63"  # rounded for display only
    assert order["totals"]["fees"] == "2.50"
    assert order["fees"][0]["kind"] == "handling"
    stored = Order.objects.get(number=order["number"])
    assert stored.total == Decimal("56.6250") and stored.tax_total == Decimal("4.1250")
    assert stored.channel_totals == {"subtotal": "40.0000", "tax": "4.1250", "total": "56.6250"}


def test_a_bundle_parent_carries_the_price_and_its_children_are_the_lines_to_pick(api, web, catalog):
    order = post(api, BIGCOMMERCE_STYLE_ORDER)  # GIFT-SET is no SKU of ours: it is never picked
    parent, shirt, cap = order["lines"]
    assert parent["bundle"] and parent["quantities"]["open"] == 0 and not parent["sku_known"]
    assert (shirt["bundle_parent"], cap["bundle_parent"]) == (1, 1)
    assert shirt["quantities"]["open"] == cap["quantities"]["open"] == 1
    assert "GIFT-SET" not in exception_reason(order)


def test_fractional_yen_is_kept_as_stated_and_rounded_only_for_display(api, web, catalog):
    body = order_payload(lines=[("TSHIRT-M", 1, "25.99")], currency="JPY")
    body["lines"][0]["tax"] = "0"
    body["shipping_price"] = "0"
    body["totals"] = {"total": "25.99"}
    order = post(api, body)
    assert order["holds"] == []
    assert order["lines"][0]["exact"]["unit_price"] == "25.9900"
    assert order["lines"][0]["unit_price"] == "26"


def test_a_line_total_its_quantity_does_not_divide_gives_no_false_hold(api, web, catalog):
    body = order_payload(lines=[("TSHIRT-M", 3, "1.00")])
    body["lines"][0] = {"sku": "TSHIRT-M", "quantity": 3, "subtotal": "10.00", "tax": "0.80"}
    body["totals"] = {"subtotal": "10.00", "tax": "0.80", "total": "15.80"}
    order = post(api, body)
    assert order["holds"] == []
    assert order["lines"][0]["exact"]["unit_price"] == "3.3333"
    assert order["lines"][0]["subtotal"] == "10.00"


def test_a_real_mismatch_still_holds(api, web, catalog):
    body = copy.deepcopy(BIGCOMMERCE_STYLE_ORDER)
    body["totals"] = {"total": "57.6250"}
    order = post(api, body)
    assert "total 57.63 sent, 56.63 computed" in exception_reason(order)


@pytest.mark.parametrize(
    "where",
    ["line", "shipping", "tax", "refund"],
)
def test_another_currency_anywhere_is_accepted_on_an_exception_hold_naming_it(api, web, catalog, where):
    body = copy.deepcopy(AMAZON_FBA_ORDER)
    body["fulfilled_by_channel"] = False
    body["lines"][0]["quantity_shipped"] = 0
    if where == "line":
        body["lines"][0]["currency"] = "EUR"
    elif where == "shipping":
        body["shipping_lines"][0]["currency"] = "CAD"
    elif where == "tax":
        body["lines"][0]["tax_lines"] = [{"title": "VAT", "amount": "2.06", "currency": "GBP"}]
    else:
        body["refunds"] = [{"channel_refund_id": "r1", "amount": "1.00", "currency": "EUR"}]
        body["payment_status"] = "partially_refunded"
    order = post(api, body)
    reason = exception_reason(order)
    assert "not in the order's currency USD" in reason
    assert {"line": "EUR", "shipping": "CAD", "tax": "GBP", "refund": "EUR"}[where] in reason


def test_an_order_the_channel_fulfils_is_shipped_as_stated_and_never_sourced(api, web, catalog):
    order = post(api, AMAZON_FBA_ORDER)
    assert order["status"] == "shipped" and order["holds"] == []
    assert order["channel_facts"]["fulfilled_by_channel"]
    [line] = order["lines"]
    assert line["fulfilled_by_channel"] and line["quantities"]["shipped"] == 3
    # counted in reporting: it is an order like any other, with its money
    listed = api.get(URL, {"channel": "web", "status": "shipped"}).json()["results"]
    assert [row["number"] for row in listed] == [order["number"]]
    assert listed[0]["total"] == "32.46"


def test_a_completed_order_the_channel_shipped_itself_is_not_shipped_again(api, web, catalog):
    body = order_payload(channel_status="completed", fulfilled_by_channel=True)
    body["lines"][0]["quantity_shipped"] = 2
    order = post(api, body)
    assert order["status"] == "shipped"


def test_our_own_lines_ignore_a_shipped_count_from_the_channel(api, web, catalog):
    body = order_payload()
    body["lines"][0]["quantity_shipped"] = 2  # the channel echoing our own shipment back
    order = post(api, body)
    assert order["lines"][0]["quantities"]["shipped"] == 0 and order["status"] == "new"


def test_refunds_and_a_cancelled_line_the_channel_made_are_recorded_at_intake(api, web, catalog):
    order = post(api, WOOCOMMERCE_UPDATE)
    assert order["holds"] == [] and order["status"] == "new"
    assert order["payment_status"] == "partially_refunded"
    assert order["totals"]["refunded"] == "11.90"
    cap = order["lines"][1]
    assert cap["quantities"]["cancelled"] == 1 and cap["quantities"]["open"] == 0
    [refund] = order["refunds"]
    assert refund["channel_refund_id"] == "730"
    assert refund["lines"] == [
        {"channel_line_id": "316", "line_number": 2, "quantity": 1, "amount": "11.9000"}
    ]
    assert order["totals"]["tax"] == "10.45" and order["channel_facts"]["taxes_included"]


def test_a_refund_status_with_nothing_to_explain_it_is_held(api, web, catalog):
    order = post(api, order_payload(payment_status="partially_refunded"))
    assert "reports the payment partially_refunded" in exception_reason(order)


def test_a_fully_refunded_statement_records_one_refund_of_the_total(api, web, catalog):
    order = post(api, order_payload(payment_status="refunded"))
    assert (order["payment_status"], order["totals"]["refunded"]) == ("refunded", order["totals"]["total"])


def test_a_cancelled_order_comes_in_cancelled(api, web, catalog):
    order = post(api, order_payload(cancelled_at="2026-03-02T11:00:00Z", cancel_reason="customer"))
    assert order["status"] == "cancelled"
    assert order["lines"][0]["quantities"]["cancelled"] == 2


@pytest.mark.parametrize(
    "change, field",
    [
        ({"updated_at": "2026-03-02T10:00:00"}, "updated_at"),
        ({"shipping_price": "1.00", "shipping_lines": [{"price": "1.00"}]}, "shipping_price"),
        ({"fees": [{"kind": "tip", "amount": 1}]}, "fees.0.amount"),
    ],
)
def test_malformed_channel_parts_get_400_and_create_nothing(api, web, catalog, change, field):
    response = api.post(URL, {**order_payload(), **change})
    assert response.status_code == 400
    assert field in {error["field"] for error in response.json()["errors"]}
    assert Order.objects.count() == 0


@pytest.mark.parametrize(
    "lines",
    [
        [{"sku": "A", "quantity": 1, "unit_price": "1.00", "channel_line_id": "1"}] * 2,
        [{"sku": "A", "quantity": 1, "unit_price": "1.00", "channel_line_id": "1", "bundle_parent": "9"}],
        [{"sku": "A", "quantity": 1, "unit_price": "1.00", "quantity_shipped": 1, "quantity_cancelled": 1}],
    ],
)
def test_line_references_that_make_no_sense_get_400(api, web, catalog, lines):
    response = api.post(URL, {**order_payload(), "lines": lines})
    assert response.status_code == 400, response.json()
    assert Order.objects.count() == 0


def test_amounts_past_the_money_columns_are_refused_not_overflowed(api, web, catalog):
    body = order_payload(lines=[("TSHIRT-M", 100_000, "99999999.0000")])
    response = api.post(URL, body)
    assert response.status_code == 400
    body = order_payload()
    body["lines"] = [{"sku": "TSHIRT-M", "quantity": 1, "unit_price": "99999999999.0000"}] * 3
    assert api.post(URL, body).status_code == 400


def test_rows_are_written_in_bulk_whatever_the_number_of_lines(
    api, web, catalog, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def body(external_id, n):
        payload = copy.deepcopy(SHOPIFY_STYLE_ORDER)
        payload["external_id"] = external_id
        line = payload["lines"][0]
        payload["lines"] = [{**line, "channel_line_id": f"L{i}"} for i in range(n)]
        payload.pop("totals")
        payload["totals"] = {"total": "0.00"}  # a totals hold: one more row, the same for both
        return payload

    post(api, body("warm", 1))
    counts = []
    for external_id, n in (("two", 2), ("twenty", 20)):
        with CaptureQueriesContext(connection) as queries:
            post(api, body(external_id, n))
        counts.append(len([q for q in queries if "SAVEPOINT" not in q["sql"]]))
    print(f"intake of a Shopify-shaped order (tax lines, properties, a shipping line, a hold): {counts}")
    assert counts[0] == counts[1] <= 15, counts
    twenty = Order.objects.get(external_id="twenty")
    assert TaxLine.objects.filter(order=twenty).count() == 20
    assert OrderCharge.objects.filter(order=twenty).count() == 1
    assert OrderLine.objects.filter(order=twenty).exclude(properties=[]).count() == 20
    assert ChannelRefund.objects.count() == 0
