"""No input makes the API answer 5xx: each case of issue 13 answers 4xx problem details that
name the field (oms/core/api/inputs.py, oms/core/middleware.py, oms/core/api/filters.py)."""

import json

import pytest
from django.test import override_settings

from inventory.models import StockLevel
from tests.fulfillment.factories import ChannelFactory, accept, make_order
from tests.inventory.factories import LocationFactory, SkuFactory, receive

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


@pytest.fixture
def stock(db):
    return SkuFactory(code="IN-1", tags=["fragile"]), LocationFactory(code="wh-in")


def post(api, url, body):
    return api.post(url, data=json.dumps(body), content_type="application/json")


def fields(response) -> set:
    return {error["field"] for error in response.json().get("errors", [])}


def test_the_sku_tag_filter_answers_the_tagged_skus(api, stock):
    SkuFactory(code="IN-2", tags=["heavy"])
    response = api.get("/api/v1/skus/?tag=FRAGILE")
    assert response.status_code == 200
    assert [row["code"] for row in response.json()["results"]] == ["IN-1"]


@pytest.mark.parametrize(
    "value",
    ["2026-01-01T00:00:00+19:00", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"],
)
def test_a_created_after_out_of_range_is_refused_naming_it(api, stock, value):
    response = api.get("/api/v1/stock/movements/", {"created_after": value})
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert fields(response) == {"created_after"}


def test_a_created_after_with_an_offset_is_read_as_its_instant(api, stock):
    receive(*stock, 5)
    assert (
        len(
            api.get("/api/v1/stock/movements/", {"created_after": "2000-01-01T09:00:00+14:00"}).json()[
                "results"
            ]
        )
        == 1
    )
    assert (
        api.get("/api/v1/stock/movements/", {"created_after": "2999-01-01T00:00:00-12:00"}).json()["results"]
        == []
    )


@pytest.mark.parametrize(
    "path",
    ["/api/v1/orders/OMS-%00X/", "/api/v1/skus/IN%001/", "/api/v1/locations/wh%00/", "/api/v1/returns/R%00/"],
)
def test_a_nul_byte_in_a_path_lookup_is_not_found(api, stock, path):
    response = api.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM


@pytest.mark.parametrize("name", ["sku", "channel", "location"])
def test_a_nul_byte_in_an_availability_filter_is_refused_naming_it(api, stock, name):
    response = api.get(f"/api/v1/availability/?{name}=A%00B")
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert fields(response) == {name}


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        (
            "/api/v1/stock/adjustments/",
            {"sku": "IN-1\x00", "location": "wh-in", "delta": 1, "reason": "x"},
            "sku",
        ),
        (
            "/api/v1/stock/receipts/",
            {"location": "wh-in", "reference": "r", "lines": [{"sku": "IN\x00-1", "quantity": 1}]},
            "lines.0.sku",
        ),
        (
            "/api/v1/stock/transfers/",
            {"from_location": "wh\x00", "to_location": "wh-in", "lines": [{"sku": "IN-1", "quantity": 1}]},
            "from_location",
        ),
    ],
)
def test_a_nul_byte_in_a_body_field_is_refused_naming_it(api, stock, url, body, field):
    response = post(api, url, body)
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert fields(response) == {field}


def test_a_nul_byte_in_a_reroute_location_is_refused_naming_it(api, stock):
    sku, location = stock
    receive(sku, location, 3)
    order = accept(make_order([(sku, 1)]))
    fo = order.fulfillment_orders.get()
    response = post(
        api, f"/api/v1/fulfillment-orders/{fo.pk}/reroute/", {"location": "wh\x00", "reason": "r"}
    )
    assert response.status_code == 400
    assert fields(response) == {"location"}


def test_json_nested_100000_deep_is_refused_as_too_deep(api):
    response = api.post("/api/v1/skus/", data="[" * 100_000 + "]" * 100_000, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "parse_error"
    assert "deeper than" in response.json()["detail"]


def test_sku_tags_nested_1000_deep_are_refused(api):
    tags = "[" * 1000 + '"x"' + "]" * 1000
    body = '{"code": "DEEP-1", "name": "Deep", "tags": ' + tags + "}"
    response = api.post("/api/v1/skus/", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_a_body_over_the_limit_is_413_problem_details(api):
    response = post(api, "/api/v1/skus/", {"code": "BIG-1", "name": "x" * 5000})
    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "request_too_large"


def test_a_five_megabyte_body_is_413_problem_details(api):
    response = post(api, "/api/v1/skus/", {"code": "BIG-1", "name": "x" * 5_000_000})
    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM


@pytest.mark.parametrize("size", ["-1", "0", "abc", "100000"])
def test_a_page_size_out_of_range_is_refused_naming_it(api, stock, size):
    response = api.get("/api/v1/skus/", {"page_size": size})
    assert response.status_code == 400
    assert fields(response) == {"page_size"}


def test_a_bad_cursor_is_404_problem_details(api, stock):
    response = api.get("/api/v1/skus/", {"cursor": "not-a-cursor"})
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM


def test_on_hand_past_2_to_the_31_is_kept(stock):
    sku, location = stock
    receive(sku, location, 2**31 - 1)
    receive(sku, location, 10)
    assert StockLevel.objects.get(sku=sku, location=location).on_hand == 2**31 + 9


def test_receipts_past_2_to_the_31_through_the_api(api, stock):
    sku, location = stock
    receive(sku, location, 2**31 - 5)
    response = post(
        api,
        "/api/v1/stock/receipts/",
        {"location": "wh-in", "reference": "big", "lines": [{"sku": "IN-1", "quantity": 10}]},
    )
    assert response.status_code == 201, response.content
    assert api.get("/api/v1/stock/levels/").json()["results"][0]["on_hand"] == 2**31 + 5


def test_a_receipt_quantity_past_its_maximum_is_refused_naming_it(api, stock):
    response = post(
        api,
        "/api/v1/stock/receipts/",
        {"location": "wh-in", "reference": "r", "lines": [{"sku": "IN-1", "quantity": 2**63}]},
    )
    assert response.status_code == 400
    assert fields(response) == {"lines.0.quantity"}


@pytest.mark.parametrize("path", ["/api/v1/inbox/documents/null/", "/api/v1/inbox/documents/x/replay/"])
def test_a_malformed_inbox_document_id_is_not_found(api, path):
    response = api.get(path) if path.endswith("null/") else api.post(path)
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM


@pytest.mark.parametrize("body", [b"\xa5\xff not utf-8", b'{"id": "a\x00b"}'])
def test_an_inbox_import_that_is_not_clean_text_is_refused(api, body):
    ChannelFactory(code="inbox-web")
    response = api.post(
        "/api/v1/inbox/documents/?channel=inbox-web&topic=orders/create",
        data=body,
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == PROBLEM


def test_a_nul_byte_in_a_staff_page_query_is_400_not_500(client, cs_user):
    client.force_login(cs_user)
    assert client.get("/orders/?q=a%00b").status_code == 400
    assert client.get("/orders/a%00b/").status_code == 404
