"""The generic JSON adapter (a mapping edited in the admin) and the CSV adapter (one row per
order line; a file is split by order and each order goes through the inbox)."""

import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from oms.core.actor import Actor
from oms.integrations.common.base import AdapterConfig
from oms.integrations.csvimport.adapter import CsvAdapter, split_orders
from oms.integrations.csvimport.services import csv_import_orders
from oms.integrations.generic.adapter import GenericJsonAdapter
from oms.integrations.inbox.models import InboxDocument
from orders.models import Order
from tests.integrations.channels import FIXTURES, computed_total, make_channel, open_holds, valid

MAPPING = {
    "external_id": "id",
    "placed_at": "created",
    "currency": "=EUR",
    "customer.email": "buyer.email",
    "customer.name": "buyer.name",
    "shipping_address.line1": "ship.street",
    "shipping_address.city": "ship.town",
    "shipping_address.country_code": "ship.country",
    "lines": "items",
    "lines.channel_line_id": "pos",
    "lines.sku": "code",
    "lines.quantity": "qty",
    "lines.unit_price": "price",
    "shipping_price": "delivery",
    "totals.total": "grand_total",
    "fulfilled_by_channel": "dropship",
}
DOCUMENT = {
    "id": 900123456789012345678,
    "created": "Mon, 02 Mar 2026 10:15:00 +0100",
    "buyer": {"email": "anna@example.org", "name": "Anna &amp; Co"},
    "ship": {"street": "Hauptstr. 5", "town": "Berlin", "country": "de"},
    "items": [
        {"pos": "001", "code": "TSHIRT-M", "qty": "2", "price": 19.99},
        {"pos": "002", "code": "CAP-RED", "qty": 1, "price": "12.5"},
    ],
    "delivery": "4.90",
    "grand_total": "57.38",
    "dropship": "false",
}


def generic(document, mapping=MAPPING) -> dict:
    return GenericJsonAdapter(None, AdapterConfig(mapping=mapping)).normalize_order(json.dumps(document))


def test_a_mapped_document_is_a_valid_normalized_order():
    data = generic(DOCUMENT)
    assert data["external_id"] == "900123456789012345678"  # past 2^64, kept as text
    assert data["placed_at"] == "2026-03-02T10:15:00+01:00"
    assert data["customer"] == {"email": "anna@example.org", "name": "Anna & Co"}
    assert [(line["channel_line_id"], line["quantity"], line["unit_price"]) for line in data["lines"]] == [
        ("001", 2, "19.99"),
        ("002", 1, "12.50"),
    ]  # numbers and strings alike; leading zeros kept
    assert data["fulfilled_by_channel"] is False  # "false" as a string
    assert computed_total(data) == Decimal("57.38")


def test_without_a_mapping_the_document_is_already_normalized():
    normalized = {"external_id": "X"}
    assert generic(normalized, mapping={}) == normalized


def test_a_path_to_lines_that_is_no_list_is_refused_by_name():
    with pytest.raises(ValueError, match="lines"):
        generic({**DOCUMENT, "items": "none"})


def test_a_csv_file_is_split_by_order_keeping_each_orders_rows():
    parts = split_orders((FIXTURES / "csv" / "orders.csv").read_text())
    assert [external_id for external_id, _ in parts] == ["M-1001", "M-1002"]
    assert parts[0][1].count("\n") == 3  # header + two lines


def test_one_orders_rows_are_a_valid_normalized_order():
    _, part = split_orders((FIXTURES / "csv" / "orders.csv").read_text())[0]
    data = CsvAdapter(None, AdapterConfig()).normalize_order(part)
    assert [line["name"] for line in data["lines"]] == ["T-shirt M", "Cap, red"]
    assert data["shipping_lines"] == [{"price": "4.90", "tax": "0.00"}]
    valid(data)
    assert computed_total(data) == Decimal("44.88")


def test_renamed_columns_come_from_the_mapping():
    renamed = "Order,Date,Curr,Item,Qty,Price,Total\nA-1,2026-03-02T10:15:00Z,EUR,CAP-RED,1,5.00,5.00\n"
    mapping = {
        "Order": "external_id",
        "Date": "placed_at",
        "Curr": "currency",
        "Item": "sku",
        "Qty": "quantity",
        "Price": "unit_price",
        "Total": "total",
    }
    data = CsvAdapter(None, AdapterConfig(mapping=mapping)).normalize_order(renamed)
    assert (data["external_id"], data["lines"][0]["sku"], data["totals"]["total"]) == (
        "A-1",
        "CAP-RED",
        "5.00",
    )


def test_a_bad_quantity_names_its_row():
    body = (
        "external_id,placed_at,currency,sku,quantity,unit_price,total\n"
        "A-1,2026-03-02T10:15:00Z,EUR,X,two,1,2\n"
    )
    with pytest.raises(ValueError, match="Row 1: quantity"):
        CsvAdapter(None, AdapterConfig()).normalize_order(body)


@pytest.mark.django_db
def test_a_csv_file_imports_each_order_once_through_the_inbox():
    channel = make_channel("marketplace-csv", "csv", skus=("TSHIRT-M", "CAP-RED"))
    text = (FIXTURES / "csv" / "orders.csv").read_text()
    first = csv_import_orders(channel=channel, text=text, actor=Actor.system("test"))
    assert [item.created for item in first] == [True, True]
    placed = Order.objects.get(channel=channel, external_id="M-1001")
    assert placed.total == Decimal("44.88") and open_holds(placed) == []
    again = csv_import_orders(channel=channel, text=text, actor=Actor.system("test"))
    assert [item.created for item in again] == [False, False]
    assert Order.objects.filter(channel=channel).count() == 2 and InboxDocument.objects.count() == 2


@pytest.mark.django_db
def test_the_import_command(capsys):
    make_channel("marketplace-csv", "csv", skus=("TSHIRT-M", "CAP-RED"))
    call_command("import_channel_orders", "marketplace-csv", str(FIXTURES / "csv" / "orders.csv"))
    assert capsys.readouterr().out.splitlines() == ["M-1001: processed", "M-1002: processed"]


@pytest.mark.django_db
def test_a_generic_channel_lands_through_the_import_endpoint(api):
    make_channel("partner", "generic_json", skus=("TSHIRT-M", "CAP-RED"), field_mapping=MAPPING)
    response = api.generic(
        "POST", "/api/v1/channels/partner/orders/", json.dumps(DOCUMENT), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert Order.objects.get(external_id="900123456789012345678").total == Decimal("57.38")
