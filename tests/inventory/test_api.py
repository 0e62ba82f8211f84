"""The inventory REST API as an integration sees it: roles, writes, refusals, replays."""

import pytest
from django.utils import timezone

from inventory.models import Location, Sku, StockLevel, StockMovement
from oms.core.models import Channel
from tests.conftest import client_for

from .factories import HolderFactory, LocationFactory, SkuFactory, receive, reserve
from .invariants import assert_stock_invariants

pytestmark = pytest.mark.django_db

READ_URLS = [
    "/api/v1/skus/",
    "/api/v1/skus/TEE-BLK-M/",
    "/api/v1/locations/",
    "/api/v1/locations/wh-east/",
    "/api/v1/stock/levels/",
    "/api/v1/stock/movements/",
    "/api/v1/availability/",
]


@pytest.fixture
def stock(sku, location, other_location):
    receive(sku, location, 10)
    return sku


def ledger_size() -> int:
    return StockMovement.objects.count()


@pytest.mark.parametrize("url", READ_URLS)
@pytest.mark.parametrize("who", ["admin_user", "cs_user", "warehouse_user"])
def test_every_staff_role_reads(request, stock, url, who):
    response = client_for(request.getfixturevalue(who)).get(url)
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("url", READ_URLS)
def test_reads_refuse_anonymous_and_roleless(stock, url, anon_api, no_role_user):
    anonymous = anon_api.get(url)
    assert anonymous.status_code == 401
    assert anonymous["Content-Type"].startswith("application/problem+json")
    assert client_for(no_role_user).get(url).status_code == 403


def test_api_root_links_the_inventory_collections(api):
    links = api.get("/api/v1/").json()["links"]
    for name in ("skus", "locations", "stock_levels", "stock_movements", "availability"):
        assert name in links


def test_sku_detail_by_code_is_case_and_space_insensitive(api, stock):
    body = api.get("/api/v1/skus/tee-blk-m/").json()
    assert (body["code"], body["barcode"]) == ("TEE-BLK-M", "4000000000017")
    assert api.get("/api/v1/skus/NOPE/").status_code == 404


def test_admin_creates_and_changes_skus_and_locations(api):
    web = Channel.objects.create(code="web-t", name="Web", kind=Channel.Kind.WEB_SHOP)
    created = api.post("/api/v1/skus/", {"code": "cap red", "name": "Cap red", "tags": ["Summer"]})
    assert created.status_code == 201, created.content
    assert created.json()["code"] == "CAPRED"
    assert api.patch("/api/v1/skus/CAPRED/", {"name": "Red cap"}).status_code == 200
    assert Sku.objects.get(code="CAPRED").name == "Red cap"
    duplicate = api.post("/api/v1/skus/", {"code": "CAPRED", "name": "again"})
    assert duplicate.status_code == 400
    assert duplicate.json()["errors"][0]["field"] == "code"
    location = api.post(
        "/api/v1/locations/",
        {"code": "store-t", "name": "Store", "kind": "store", "country_code": "us", "channels": ["web-t"]},
    )
    assert location.status_code == 201, location.content
    assert list(Location.objects.get(code="store-t").channels.all()) == [web]
    assert api.patch("/api/v1/locations/store-t/", {"priority": 3}).json()["priority"] == 3


@pytest.mark.parametrize("who", ["cs_user", "warehouse_user"])
def test_only_admins_write_the_catalog(request, who, location):
    client = client_for(request.getfixturevalue(who))
    assert client.post("/api/v1/skus/", {"code": "X1", "name": "X"}).status_code == 403
    assert client.patch(f"/api/v1/locations/{location.code}/", {"priority": 1}).status_code == 403
    assert not Sku.objects.filter(code="X1").exists()


def test_anonymous_cannot_write(anon_api, location):
    assert anon_api.post("/api/v1/skus/", {"code": "X1", "name": "X"}).status_code == 401
    response = anon_api.post(
        "/api/v1/stock/receipts/", {"location": location.code, "lines": [{"sku": "X", "quantity": 1}]}
    )
    assert response.status_code == 401


def test_receipt_writes_movements_and_answers_them(api, sku, location):
    response = api.post(
        "/api/v1/stock/receipts/",
        {"location": "wh-east", "reference": "PO-7", "lines": [{"sku": "tee-blk-m", "quantity": 5}]},
    )
    assert response.status_code == 201, response.content
    [movement] = response.json()["movements"]
    assert (movement["sku"], movement["location"], movement["kind"], movement["on_hand_after"]) == (
        "TEE-BLK-M",
        "wh-east",
        "receipt",
        5,
    )
    assert movement["actor_label"] == "ada"
    assert StockLevel.objects.get(sku=sku, location=location).on_hand == 5


def test_adjustment_transfer_and_count(api, stock, location, other_location):
    adjusted = api.post(
        "/api/v1/stock/adjustments/",
        {"sku": stock.code, "location": "wh-east", "delta": -2, "reason": "damaged"},
    )
    assert adjusted.status_code == 201, adjusted.content
    moved = api.post(
        "/api/v1/stock/transfers/",
        {"sku": stock.code, "from_location": "wh-east", "to_location": "wh-west", "quantity": 3},
    )
    assert moved.status_code == 201, moved.content
    assert (moved.json()["state"], [m["kind"] for m in moved.json()["movements"]]) == (
        "in_transit",
        ["transfer_out"],
    )
    received = api.post(f"/api/v1/stock/transfers/{moved.json()['number']}/receive/", {})
    assert [m["kind"] for m in received.json()["movements"]] == ["transfer_out", "transfer_in"]
    counted = api.post(
        "/api/v1/stock/counts/", {"location": "wh-west", "lines": [{"sku": stock.code, "counted": 1}]}
    )
    assert counted.status_code == 201
    assert counted.json()["movements"][0]["on_hand_delta"] == -2
    assert StockLevel.objects.get(sku=stock, location=location).on_hand == 5
    assert StockLevel.objects.get(sku=stock, location=other_location).on_hand == 1
    assert_stock_invariants()


def test_warehouse_staff_write_stock_only_where_they_work(warehouse_user, stock, location, other_location):
    location.staff.add(warehouse_user)
    client = client_for(warehouse_user)
    lines = [{"sku": stock.code, "quantity": 1}]
    assert client.post("/api/v1/stock/receipts/", {"location": "wh-east", "lines": lines}).status_code == 201
    before = ledger_size()
    elsewhere = client.post("/api/v1/stock/receipts/", {"location": "wh-west", "lines": lines})
    assert elsewhere.status_code == 403
    assert elsewhere.json()["code"] == "permission_denied"
    count = client.post(
        "/api/v1/stock/counts/", {"location": "wh-west", "lines": [{"sku": stock.code, "counted": 0}]}
    )
    assert count.status_code == 403
    transfer = client.post(
        "/api/v1/stock/transfers/",
        {"sku": stock.code, "from_location": "wh-west", "to_location": "wh-east", "quantity": 1},
    )
    assert transfer.status_code == 403
    assert ledger_size() == before


def test_customer_service_cannot_write_stock(cs_user, stock):
    response = client_for(cs_user).post(
        "/api/v1/stock/adjustments/", {"sku": stock.code, "location": "wh-east", "delta": 1, "reason": "x"}
    )
    assert response.status_code == 403
    assert ledger_size() == 1


def test_an_idempotent_replay_returns_the_first_answer_and_writes_nothing(api, sku, location):
    body = {"location": "wh-east", "lines": [{"sku": sku.code, "quantity": 4}]}
    first = api.post("/api/v1/stock/receipts/", body, HTTP_IDEMPOTENCY_KEY="rcpt-1")
    again = api.post("/api/v1/stock/receipts/", body, HTTP_IDEMPOTENCY_KEY="rcpt-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert StockLevel.objects.get(sku=sku, location=location).on_hand == 4
    assert ledger_size() == 1
    other = api.post(
        "/api/v1/stock/receipts/",
        {"location": "wh-east", "lines": [{"sku": sku.code, "quantity": 5}]},
        HTTP_IDEMPOTENCY_KEY="rcpt-1",
    )
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert ledger_size() == 1


def test_a_refused_request_leaves_its_key_free(api, stock):
    body = {"sku": stock.code, "location": "wh-east", "delta": -50, "reason": "lost"}
    assert api.post("/api/v1/stock/adjustments/", body, HTTP_IDEMPOTENCY_KEY="k").status_code == 422
    body["delta"] = -5
    assert api.post("/api/v1/stock/adjustments/", body, HTTP_IDEMPOTENCY_KEY="k").status_code == 201


INVALID = [
    ("receipts", {"location": "wh-east", "lines": [{"sku": "NOPE", "quantity": 1}]}, 400, "lines.0.sku"),
    (
        "receipts",
        {"location": "wh-east", "lines": [{"sku": "TEE-BLK-M", "quantity": 0}]},
        400,
        "lines.0.quantity",
    ),
    (
        "receipts",
        {"location": "wh-east", "lines": [{"sku": "TEE-BLK-M", "quantity": -3}]},
        400,
        "lines.0.quantity",
    ),
    ("receipts", {"location": "nowhere", "lines": [{"sku": "TEE-BLK-M", "quantity": 1}]}, 400, "location"),
    ("receipts", {"location": "wh-east", "lines": []}, 400, "lines"),
    (
        "receipts",
        {
            "location": "wh-east",
            "lines": [{"sku": "TEE-BLK-M", "quantity": 1}, {"sku": "tee-blk-m", "quantity": 1}],
        },
        400,
        "lines.1.sku",
    ),
    ("adjustments", {"sku": "NOPE", "location": "wh-east", "delta": 1, "reason": "x"}, 400, "sku"),
    ("adjustments", {"sku": "TEE-BLK-M", "location": "wh-east", "delta": 0, "reason": "x"}, 400, "delta"),
    ("adjustments", {"sku": "TEE-BLK-M", "location": "wh-east", "delta": 1, "reason": ""}, 400, "reason"),
    (
        "adjustments",
        {"sku": "TEE-BLK-M", "location": "wh-east", "delta": -9, "reason": "x"},
        422,
        "below_reserved",
    ),
    (
        "transfers",
        {"sku": "TEE-BLK-M", "from_location": "wh-east", "to_location": "wh-east", "quantity": 1},
        422,
        "same_location",
    ),
    (
        "transfers",
        {"sku": "TEE-BLK-M", "from_location": "wh-east", "to_location": "wh-west", "quantity": 0},
        400,
        "quantity",
    ),
    (
        "transfers",
        {"sku": "TEE-BLK-M", "from_location": "wh-east", "to_location": "wh-west", "quantity": 5},
        409,
        "insufficient_stock",
    ),
    ("counts", {"location": "wh-east", "lines": [{"sku": "TEE-BLK-M", "counted": 5}]}, 422, "below_reserved"),
    (
        "counts",
        {"location": "wh-east", "lines": [{"sku": "TEE-BLK-M", "counted": -1}]},
        400,
        "lines.0.counted",
    ),
    ("counts", {"location": "wh-east", "lines": [{"sku": "GHOST", "counted": 1}]}, 400, "lines.0.sku"),
]


@pytest.mark.parametrize(("endpoint", "body", "status", "where"), INVALID)
def test_invalid_stock_requests_get_a_problem_and_change_nothing(
    api, stock, location, endpoint, body, status, where
):
    reserve(stock, location, 6)  # 10 on hand, 6 reserved: 4 free
    before = (ledger_size(), list(StockLevel.objects.values_list("on_hand", "reserved")))
    response = api.post(f"/api/v1/stock/{endpoint}/", body)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    if status == 400:
        assert where in [error["field"] for error in problem["errors"]]
    else:
        assert problem["code"] == where
    assert (ledger_size(), list(StockLevel.objects.values_list("on_hand", "reserved"))) == before


def test_movements_filter_by_sku_location_kind_and_date(api, stock, location, other_location):
    other = SkuFactory()
    receive(other, other_location, 2)
    reserve(stock, location, 1)
    assert {m["sku"] for m in api.get("/api/v1/stock/movements/?sku=tee-blk-m").json()["results"]} == {
        stock.code
    }
    assert len(api.get("/api/v1/stock/movements/?location=wh-west").json()["results"]) == 1
    assert [m["kind"] for m in api.get("/api/v1/stock/movements/?kind=reservation").json()["results"]] == [
        "reservation"
    ]
    future = (timezone.now() + timezone.timedelta(days=1)).isoformat()
    assert api.get("/api/v1/stock/movements/", {"created_after": future}).json()["results"] == []
    assert len(api.get("/api/v1/stock/movements/", {"created_before": future}).json()["results"]) == 3
    assert api.get("/api/v1/stock/movements/?kind=bogus").status_code == 400


def test_long_lists_are_cursor_paginated(api, location, django_assert_max_num_queries):
    for _ in range(5):
        receive(SkuFactory(), location, 1)
    with django_assert_max_num_queries(6):
        first = api.get("/api/v1/stock/levels/?page_size=2").json()
    assert len(first["results"]) == 2
    assert "cursor=" in first["next"]
    second = api.get(first["next"]).json()
    assert {r["sku"] for r in second["results"]}.isdisjoint({r["sku"] for r in first["results"]})
    assert api.get("/api/v1/stock/levels/?sku=nothing").json()["results"] == []


def test_availability_per_sku_per_location_and_per_channel(api, stock, location, other_location):
    channel = Channel.objects.create(
        code="amz", name="Amazon", kind=Channel.Kind.MARKETPLACE, inventory_buffer=3
    )
    location.channels.add(channel)
    other_location.channels.add(Channel.objects.create(code="pos", name="POS", kind=Channel.Kind.POS))
    receive(stock, other_location, 4)
    reserve(stock, location, 2, HolderFactory())
    by_sku = api.get("/api/v1/availability/?sku=TEE-BLK-M").json()["results"]
    assert by_sku == [{"sku": "TEE-BLK-M", "name": stock.name, "on_hand": 14, "reserved": 2, "available": 12}]
    by_location = api.get("/api/v1/availability/?location=wh-west").json()["results"]
    assert [(row["sku"], row["available"]) for row in by_location] == [("TEE-BLK-M", 4)]
    feed = api.get("/api/v1/availability/?channel=amz").json()["results"]
    assert feed == [{"sku": "TEE-BLK-M", "available": 5}]  # wh-east 8 - buffer 3
    unknown = api.get("/api/v1/availability/?channel=nope")
    assert unknown.status_code == 400
    assert unknown.json()["errors"][0]["field"] == "channel"


def test_the_schema_documents_the_stock_endpoints(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    receipts = schema["paths"]["/api/v1/stock/receipts/"]["post"]
    assert any(p["name"] == "Idempotency-Key" for p in receipts["parameters"])
    assert {"201", "400", "403"} <= set(receipts["responses"])
    assert "/api/v1/availability/" in schema["paths"]
    assert "/api/v1/skus/{code}/" in schema["paths"]


def test_a_location_factory_is_listed(api):
    LocationFactory(code="zz-last")
    codes = [row["code"] for row in api.get("/api/v1/locations/").json()["results"]]
    assert "zz-last" in codes
