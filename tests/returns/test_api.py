"""The returns API: every endpoint, role checks, channel scoping, problem details."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from oms.core.models import OutboxEvent
from returns.models import ReturnAuthorization
from tests.conftest import client_for

from .factories import ACTOR, ChannelFactory, authorized, fresh, receive_return, request, shipped_order

pytestmark = pytest.mark.django_db


def url(name, rma=None):
    return reverse(f"api:return-{name}", args=[rma.number] if rma else None)


@pytest.fixture
def order(east, shirt, mug):
    """2 shirts at 20.00 (2.00 off, 3.20 tax) and a mug at 8.00, shipping 5.00: 54.20."""
    return shipped_order(
        east,
        [
            {"sku": shirt, "quantity": 2, "unit_price": "20.00", "discount": "2.00", "tax": "3.20"},
            {"sku": mug, "quantity": 1, "unit_price": "8.00"},
        ],
        shipping_price="5.00",
    )


@pytest.fixture
def cs(cs_user):
    return client_for(cs_user)


@pytest.fixture
def picker(warehouse_user, east):
    east.staff.add(warehouse_user)
    return client_for(warehouse_user)


def channel_client(channel) -> APIClient:
    token = channel.issue_token()
    channel.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


CREATE = {"lines": [{"line_number": 1, "quantity": 2, "reason_code": "size_or_fit", "comment": "Too small"}]}


def test_anonymous_gets_401(anon_api, order):
    assert anon_api.get(url("list")).status_code == 401
    response = anon_api.post(url("list"), {"order": order.number, **CREATE})
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_customer_service_requests_a_return(cs, order):
    response = cs.post(url("list"), {"order": order.number.lower(), **CREATE, "carrier": "UPS"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"].startswith("RMA-")
    assert (body["order"], body["status"], body["return_carrier"]) == (order.number, "requested", "UPS")
    line = body["lines"][0]
    assert (line["line_number"], line["sku"], line["quantity"], line["reason_code"]) == (
        1,
        "SHIRT-M",
        2,
        "size_or_fit",
    )
    assert line["customer_comment"] == "Too small"
    assert body["created_by"] == {"kind": "user", "label": "carla"}


def test_create_is_idempotent(cs, order):
    headers = {"HTTP_IDEMPOTENCY_KEY": "ret-1"}
    first = cs.post(url("list"), {"order": order.number, **CREATE}, **headers)
    again = cs.post(url("list"), {"order": order.number, **CREATE}, **headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["number"] == first.json()["number"]
    assert again["Idempotent-Replayed"] == "true"
    assert ReturnAuthorization.objects.count() == 1
    other = cs.post(url("list"), {"order": order.number, **CREATE, "notes": "x"}, **headers)
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"


def test_refusals_are_problem_details(cs, order):
    cs.post(url("list"), {"order": order.number, **CREATE})
    response = cs.post(url("list"), {"order": order.number, **CREATE})
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "not_returnable"
    assert body["details"]["on_open_returns"] == 2
    missing = cs.post(
        url("list"),
        {"order": order.number, "lines": [{"line_number": 9, "quantity": 1, "reason_code": "other"}]},
    )
    assert (missing.status_code, missing.json()["code"]) == (422, "line_not_on_order")
    invalid = cs.post(url("list"), {"order": order.number, "lines": [{"quantity": 0, "reason_code": "meh"}]})
    assert invalid.status_code == 400
    assert {e["field"] for e in invalid.json()["errors"]} == {"lines.0.quantity", "lines.0.reason_code"}
    assert cs.post(url("list"), {"order": "OMS-NOPE", **CREATE}).status_code == 404


def test_warehouse_cannot_create_authorize_or_refund(picker, order):
    assert picker.post(url("list"), {"order": order.number, **CREATE}).status_code == 403
    rma = request(order, (order.lines.first(), 1))
    assert picker.post(url("authorize", rma)).status_code == 403
    assert picker.post(url("refund", rma), {}).status_code == 403
    assert picker.post(url("exchange", rma), {"lines": []}).status_code == 403
    assert picker.get(url("detail", rma)).status_code == 200  # warehouse reads to receive


def test_a_channel_returns_its_own_orders_and_sees_only_its_own_returns(order, east, shirt):
    own = channel_client(order.channel)
    market = ChannelFactory(code="market")
    others = channel_client(market)
    response = own.post(url("list"), {"order": order.number, **CREATE})
    assert response.status_code == 201
    assert response.json()["created_by"] == {"kind": "channel", "label": order.channel.code}
    rma = ReturnAuthorization.objects.get()

    assert others.post(url("list"), {"order": order.number, **CREATE}).status_code == 404
    assert others.get(url("detail", rma)).status_code == 404
    assert others.get(url("list")).json()["results"] == []
    assert [row["number"] for row in own.get(url("list")).json()["results"]] == [rma.number]
    assert own.post(url("tracking", rma), {"carrier": "DHL", "tracking_number": "JD1"}).status_code == 200
    assert others.post(url("tracking", rma), {"carrier": "DHL", "tracking_number": "JD2"}).status_code == 404
    assert own.post(url("authorize", rma)).status_code == 403
    assert fresh(rma).tracking_number == "JD1"


def test_authorize_reject_cancel(cs, order, east):
    shirts, mugs = order.lines.order_by("line_number")
    rma = request(order, (shirts, 1))
    response = cs.post(url("authorize", rma), {"receiving_location": "wh-east"}, HTTP_IDEMPOTENCY_KEY="a-1")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["receiving_location"]) == ("authorized", "wh-east")
    again = cs.post(url("reject", rma), {"reason": "Too late"})
    assert (again.status_code, again.json()["code"]) == (409, "invalid_transition")

    other = request(order, (mugs, 1))
    assert cs.post(url("reject", other), {}).status_code == 400
    rejected = cs.post(url("reject", other), {"reason": "Final sale"}).json()
    assert (rejected["status"], rejected["reject_reason"]) == ("rejected", "Final sale")

    cancelled = cs.post(url("cancel", rma), {"reason": "Customer kept it"}).json()
    assert cancelled["status"] == "cancelled"
    assert OutboxEvent.objects.filter(topic="order.return_cancelled", aggregate_id=order.number).count() == 1


def test_warehouse_receives_at_their_location_only(picker, api, order, east, west):
    shirts, _ = order.lines.order_by("line_number")
    rma = authorized(order, (shirts, 2))
    line = rma.lines.get()
    body = {
        "location": "wh-west",
        "lines": [{"return_line": line.pk, "quantity": 1, "condition": "new", "disposition": "restock"}],
    }
    refused = picker.post(url("receive", rma), body)
    assert (refused.status_code, refused.json()["code"]) == (403, "location_not_allowed")
    assert fresh(line).quantity_received == 0

    body["location"] = "wh-east"
    body["lines"].append(
        {"return_line": line.pk, "quantity": 1, "condition": "damaged", "disposition": "scrap"}
    )
    response = picker.post(url("receive", rma), body)
    assert response.status_code == 200, response.json()
    detail = response.json()
    assert detail["status"] == "received"
    received = detail["lines"][0]
    assert (received["quantity_received"], received["quantity_restocked"], received["quantity_scrapped"]) == (
        2,
        1,
        1,
    )
    assert [(r["condition"], r["disposition"], r["location"]) for r in received["receipts"]] == [
        ("new", "restock", "wh-east"),
        ("damaged", "scrap", "wh-east"),
    ]
    unknown = api.post(url("receive", rma), {**body, "location": "nowhere"})
    assert unknown.status_code == 400


def test_warehouse_without_location_and_customer_service_cannot_receive(warehouse_user, cs, order, east):
    rma = authorized(order, (order.lines.first(), 1))
    body = {
        "location": "wh-east",
        "lines": [
            {"return_line": rma.lines.get().pk, "quantity": 1, "condition": "new", "disposition": "restock"}
        ],
    }
    assert client_for(warehouse_user).post(url("receive", rma), body).status_code == 403
    assert cs.post(url("receive", rma), body).status_code == 403


def test_refund_through_the_api(cs, order, east, django_capture_on_commit_callbacks):
    shirts, _ = order.lines.order_by("line_number")
    rma = authorized(order, (shirts, 2))
    receive_return(rma, east, (rma.lines.get(), 2, "new", "restock"))
    line = rma.lines.get()
    too_many = cs.post(url("refund", rma), {"lines": [{"return_line": line.pk, "quantity": 3}]})
    assert (too_many.status_code, too_many.json()["code"]) == (409, "refund_too_many")

    with django_capture_on_commit_callbacks(execute=True):
        response = cs.post(
            url("refund", rma),
            {
                "lines": [{"return_line": line.pk, "quantity": 1}],
                "include_shipping": True,
                "restocking_fee": "1.50",
            },
        )
    assert response.status_code == 200, response.json()
    refund = response.json()["refunds"][0]
    # one shirt: 20.00 - 1.00 + 1.60 = 20.60; + 5.00 shipping - 1.50 fee
    assert (refund["lines_amount"], refund["shipping_amount"], refund["restocking_fee"], refund["total"]) == (
        "20.60",
        "5.00",
        "1.50",
        "24.10",
    )
    assert refund["lines"] == [{"return_line": line.pk, "quantity": 1, "amount": "20.60"}]
    assert fresh(order).payment_status == "partially_refunded"
    rest = cs.post(url("refund", rma), {}).json()
    assert rest["status"] == "closed"
    assert rest["refunds"][1]["total"] == "20.60"
    negative = cs.post(url("refund", rma), {"restocking_fee": "-1"})
    assert negative.status_code == 400


def test_exchange_through_the_api(cs, order, east):
    from .factories import SkuFactory

    SkuFactory(code="SHIRT-L")
    rma = authorized(order, (order.lines.first(), 1))
    response = cs.post(
        url("exchange", rma), {"lines": [{"sku": "shirt-l", "quantity": 1, "unit_price": "20.00"}]}
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["exchange_order"] and body["exchange_difference"] == "-0.60"
    unknown = cs.post(url("exchange", rma), {"lines": [{"sku": "NOPE", "quantity": 1, "unit_price": "1"}]})
    assert (unknown.status_code, unknown.json()["code"]) == (409, "already_exchanged")


def test_list_filters_search_and_cursor_pages(cs, order, east):
    shirts, mugs = order.lines.order_by("line_number")
    first = request(order, (shirts, 1))
    second = authorized(order, (mugs, 1))
    third = request(order, (shirts, 1), tracking_number="1ZRET")
    rows = cs.get(url("list")).json()["results"]
    assert [row["number"] for row in rows] == [third.number, second.number, first.number]
    assert [r["number"] for r in cs.get(url("list"), {"status": "authorized"}).json()["results"]] == [
        second.number
    ]
    both = cs.get(url("list") + "?status=authorized&status=requested").json()["results"]
    assert len(both) == 3
    assert [r["number"] for r in cs.get(url("list"), {"q": first.number.lower()}).json()["results"]] == [
        first.number
    ]
    assert len(cs.get(url("list"), {"q": order.number}).json()["results"]) == 3
    assert [r["number"] for r in cs.get(url("list"), {"q": "1ZRET"}).json()["results"]] == [third.number]
    assert cs.get(url("list"), {"status": "lost"}).status_code == 400
    page = cs.get(url("list"), {"page_size": 2}).json()
    assert len(page["results"]) == 2 and page["next"]
    rest = cs.get(page["next"]).json()
    assert [r["number"] for r in rest["results"]] == [first.number]


def test_detail_takes_a_fixed_number_of_queries(cs, order, east, django_assert_num_queries):
    from returns import services

    shirts, mugs = order.lines.order_by("line_number")
    small = authorized(order, (mugs, 1))
    receive_return(small, east, (small.lines.get(), 1, "new", "restock"))
    services.return_refund(rma=small, actor=ACTOR)

    large = authorized(order, (shirts, 2))
    line = large.lines.get()
    receive_return(large, east, (line, 1, "new", "restock"), (line, 1, "opened", "scrap"))
    services.return_refund(rma=large, actor=ACTOR, lines=[{"return_line": line, "quantity": 1}])
    services.return_refund(rma=large, actor=ACTOR)

    # token, roles, RMA (+ order, location, exchange order), lines, receipts, refunds, refund lines,
    # the personal-data audit entry
    for rma, refunds in ((small, 1), (large, 2)):
        with django_assert_num_queries(8):
            body = cs.get(url("detail", rma)).json()
        assert len(body["refunds"]) == refunds


def test_the_api_root_links_returns(api):
    assert api.get(reverse("api:root")).json()["links"]["returns"].endswith("/api/v1/returns/")


def test_the_schema_documents_every_returns_endpoint(api):
    schema = api.get(reverse("api-schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = {path for path in schema["paths"] if path.startswith("/api/v1/returns/")}
    assert paths == {
        "/api/v1/returns/",
        "/api/v1/returns/{number}/",
        *{
            f"/api/v1/returns/{{number}}/{name}/"
            for name in (
                "authorize",
                "reject",
                "cancel",
                "tracking",
                "receive",
                "refund",
                "resend-refund",
                "exchange",
            )
        },
    }
    receive = schema["paths"]["/api/v1/returns/{number}/receive/"]["post"]
    assert "Idempotency-Key" in {p["name"] for p in receive["parameters"]}
    assert {"200", "403", "409", "422"} <= set(receive["responses"])
    assert receive["requestBody"]["content"]["application/json"]["examples"]
    create = schema["paths"]["/api/v1/returns/"]["post"]
    assert "201" in create["responses"]


def test_list_takes_a_fixed_number_of_queries(cs, order, east, django_assert_num_queries):
    from returns import services

    shirts, mugs = order.lines.order_by("line_number")
    request(order, (shirts, 1))
    services.return_authorize(rma=request(order, (shirts, 1)), actor=ACTOR, receiving_location=east)
    request(order, (mugs, 1))
    with django_assert_num_queries(4):  # token, roles, one page of returns with their orders, audit entry
        assert len(cs.get(url("list")).json()["results"]) == 3
