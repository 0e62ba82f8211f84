"""Intake through POST /api/v1/orders/: accepted, refused, held, replayed."""

import pytest

from oms.core.models import OutboxEvent
from orders.models import Hold, Order, OrderEvent, OrderLine
from tests.conftest import client_for

from .factories import ChannelFactory, SkuFactory, order_payload

pytestmark = pytest.mark.django_db
URL = "/api/v1/orders/"


def test_a_good_order_is_accepted_normalized_on_the_timeline_and_in_the_outbox(api, web, skus, signals):
    response = api.post(URL, order_payload(lines=[("tshirt-m", 2, "10.00"), ("CAP-RED", 1, "7.50")]))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"].startswith("OMS-") and len(body["number"]) == 12
    assert response["Location"] == f"/api/v1/orders/{body['number']}/"
    assert body["status"] == "new"
    assert body["channel"] == "web"
    assert body["currency"] == "USD"
    assert body["customer"] == {"email": "jane.doe@example.com", "name": "Jane Doe", "phone": "12125550101"}
    assert body["shipping_address"]["country_code"] == "US"
    assert {name: value for name, value in body["totals"].items() if name != "exact"} == {
        "subtotal": "27.50",
        "discount": "0.00",
        "tax": "2.00",
        "shipping": "5.00",
        "fees": "0.00",
        "total": "34.50",
        "refunded": "0.00",
        "refund_pending": "0.00",
    }
    assert body["totals"]["exact"]["total"] == "34.5000"
    assert [(li["sku"], li["sku_known"], li["quantities"]["ordered"]) for li in body["lines"]] == [
        ("TSHIRT-M", True, 2),
        ("CAP-RED", True, 1),
    ]
    assert body["holds"] == []
    assert [event["kind"] for event in body["timeline"]] == ["accepted"]
    assert body["timeline"][0]["actor"] == {"kind": "user", "label": "ada"}
    assert body["ship_by"] == "2026-03-04T10:00:00Z"  # placed Monday + 2 business days
    assert list(OutboxEvent.objects.values_list("topic", "aggregate_id")) == [
        ("order.accepted", body["number"])
    ]
    [accepted] = signals.named("order_accepted")
    assert accepted["order"].number == body["number"]


def test_ship_by_skips_the_weekend_and_the_channels_own_date_wins(api, web, skus):
    friday = api.post(URL, order_payload(external_id="F", placed_at="2026-03-06T10:00:00Z")).json()
    assert friday["ship_by"] == "2026-03-10T10:00:00Z"
    given = api.post(URL, order_payload(external_id="G", ship_by="2026-03-20T12:00:00Z")).json()
    assert given["ship_by"] == "2026-03-20T12:00:00Z"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"lines": []}, "lines"),
        ({"lines": [{"sku": "TSHIRT-M", "quantity": 0, "unit_price": "1.00"}]}, "lines.0.quantity"),
        ({"lines": [{"sku": "TSHIRT-M", "quantity": 1, "unit_price": 9.99}]}, "lines.0.unit_price"),
        ({"lines": [{"sku": "TSHIRT-M", "quantity": 1, "unit_price": "-1.00"}]}, "lines.0.unit_price"),
        ({"currency": "dollars"}, "currency"),
        ({"placed_at": "yesterday"}, "placed_at"),
        ({"external_id": None}, "external_id"),
        ({"customer": {"email": "not-an-email"}}, "customer.email"),
        ({"totals": {"subtotal": "1.00"}}, "totals.total"),
        ({"delivery": {"method": "pickup"}}, "delivery.pickup_location"),
        ({"shipping_address": {"country_code": "USA"}}, "shipping_address.country_code"),
        ({"payment_status": "charged"}, "payment_status"),
        ({"placed_at": "2026-03-02T10:00:00"}, "placed_at"),  # no offset: refused, not read as UTC
        ({"lines": [{"sku": "TSHIRT-M", "quantity": 1, "unit_price": "1.00001"}]}, "lines.0.unit_price"),
        ({"lines": [{"sku": "TSHIRT-M", "quantity": 1}]}, "lines.0.unit_price"),
    ],
)
def test_malformed_input_gets_400_with_field_errors_and_creates_nothing(api, web, skus, change, field):
    response = api.post(URL, {**order_payload(), **change})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    assert field in [error["field"] for error in body["errors"]], body["errors"]
    assert Order.objects.count() == 0
    assert OutboxEvent.objects.count() == 0


def test_missing_required_fields_are_each_named(api, web):
    response = api.post(URL, {"channel": "web"})
    fields = {error["field"] for error in response.json()["errors"]}
    assert {"external_id", "placed_at", "currency", "customer", "lines", "totals"} <= fields


def test_agent_must_name_a_known_channel(api, skus):
    assert api.post(URL, order_payload(channel=None)).json()["errors"][0]["field"] == "channel"
    response = api.post(URL, order_payload(channel="nowhere"))
    assert response.status_code == 400
    assert "Unknown or inactive channel" in response.json()["errors"][0]["message"]


def _exception_hold(body) -> dict:
    [hold] = [hold for hold in body["holds"] if hold["kind"] == "exception"]
    return hold


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            {"lines": [{"sku": "NOPE-1", "quantity": 1, "unit_price": "10.00"}]},
            "Line 1: unknown SKU 'NOPE-1'.",
        ),
        (
            {"shipping_address": {"line1": "1 Main St", "city": "Springfield"}},
            "missing postal code, country code",
        ),
        ({"totals": {"subtotal": "20.00", "total": "99.00"}}, "total 99.00 sent, 26.00 computed"),
        (
            {"delivery": {"method": "pickup", "pickup_location": "store-zzz"}},
            "Unknown pickup location 'store-zzz'",
        ),
    ],
)
def test_well_formed_but_unprocessable_orders_are_accepted_on_an_exception_hold(
    api, web, skus, change, reason
):
    payload = {**order_payload(), **change}
    if "lines" in change:
        payload["totals"] = {"total": "15.00"}
    response = api.post(URL, payload)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "on_hold"
    assert body["progress_status"] == "new"
    assert reason in _exception_hold(body)["reason"]
    assert [event["kind"] for event in body["timeline"]] == ["accepted", "hold_opened", "status_changed"]
    assert body["timeline"][0]["payload"]["problems"]


def test_inactive_sku_is_an_exception_and_the_line_keeps_its_code(api, web, skus):
    SkuFactory(code="OLD-1", active=False)
    body = api.post(URL, order_payload(lines=[("old-1", 1, "20.00")])).json()
    assert "SKU 'OLD-1' is inactive" in _exception_hold(body)["reason"]
    assert body["lines"][0]["sku"] == "OLD-1" and body["lines"][0]["sku_known"] is False
    assert OrderLine.objects.get().sku is None


def test_pickup_at_a_known_store_needs_no_address(api, web, skus, store):
    payload = order_payload(
        delivery={"method": "pickup", "pickup_location": "store-nyc"}, shipping_address={}
    )
    body = api.post(URL, payload).json()
    assert body["status"] == "new"
    assert body["delivery"] == {"method": "pickup", "pickup_location": "store-nyc", "instructions": ""}


def test_unpaid_order_from_a_channel_without_pay_later_waits_on_a_payment_hold(api, prepaid, skus):
    body = api.post(URL, order_payload(channel="prepaid", payment_status="pending")).json()
    assert body["status"] == "on_hold"
    assert [hold["kind"] for hold in body["holds"]] == ["payment"]
    paid = api.post(URL, order_payload(channel="prepaid", external_id="W-2", payment_status="paid")).json()
    assert paid["status"] == "new"


def test_idempotency_key_replay_returns_the_first_answer_and_writes_nothing(api, web, skus, signals):
    first = api.post(URL, order_payload(), HTTP_IDEMPOTENCY_KEY="k-1")
    events, outbox = OrderEvent.objects.count(), OutboxEvent.objects.count()
    again = api.post(URL, order_payload(), HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Order.objects.count() == 1
    assert (OrderEvent.objects.count(), OutboxEvent.objects.count()) == (events, outbox)
    assert len(signals.named("order_accepted")) == 1


def test_same_key_with_another_body_is_refused_with_422(api, web, skus):
    api.post(URL, order_payload(), HTTP_IDEMPOTENCY_KEY="k-2")
    response = api.post(URL, order_payload(external_id="W-other"), HTTP_IDEMPOTENCY_KEY="k-2")
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Order.objects.count() == 1


def test_same_channel_and_external_id_again_unchanged_answers_200_and_writes_nothing(api, web, skus, signals):
    first = api.post(URL, order_payload()).json()
    outbox = OutboxEvent.objects.count()
    again = api.post(URL, order_payload())
    assert again.status_code == 200
    assert again.json() == first
    assert Order.objects.count() == 1
    assert OutboxEvent.objects.count() == outbox
    assert len(signals.named("order_accepted")) == 1


def test_same_channel_and_external_id_with_changes_is_an_update_done_by_the_channel(api, web, skus, signals):
    api.post(URL, order_payload())
    again = api.post(URL, order_payload(customer={"name": "Somebody Else"}))
    assert again.status_code == 200
    order = again.json()
    assert order["customer"]["name"] == "Somebody Else"
    [event] = [event for event in order["timeline"] if event["kind"] == "channel_updated"]
    assert event["actor"] == {"kind": "channel", "label": "web"}
    assert Order.objects.count() == 1
    assert len(signals.named("order_accepted")) == 1


def test_the_same_external_id_on_another_channel_is_another_order(api, web, skus):
    ChannelFactory(code="amazon")
    api.post(URL, order_payload())
    assert api.post(URL, order_payload(channel="amazon")).status_code == 201
    assert Order.objects.count() == 2


def test_a_channel_posts_with_its_own_token_for_itself_only(channel_api, web, skus):
    ChannelFactory(code="amazon")
    response = channel_api.post(URL, order_payload(channel=None))
    assert response.status_code == 201
    body = response.json()
    assert body["channel"] == "web"
    assert body["timeline"][0]["actor"] == {"kind": "channel", "label": "web"}
    assert channel_api.post(URL, order_payload(channel="web", external_id="W-9")).status_code == 201
    refused = channel_api.post(URL, order_payload(channel="amazon", external_id="W-10"))
    assert refused.status_code == 403
    assert refused.json()["code"] == "channel_mismatch"
    assert not Order.objects.filter(external_id="W-10").exists()


def test_customer_service_may_post_for_any_channel_but_warehouse_may_not(cs_user, warehouse_user, web, skus):
    assert client_for(cs_user).post(URL, order_payload()).status_code == 201
    assert client_for(warehouse_user).post(URL, order_payload(external_id="W-2")).status_code == 403


def test_anonymous_intake_is_401(anon_api, web):
    assert anon_api.post(URL, order_payload()).status_code == 401


def test_exception_hold_reason_lists_every_problem(api, web, skus):
    payload = order_payload(lines=[("NOPE-1", 1, "10.00"), ("NOPE-2", 1, "10.00")])
    payload["shipping_address"] = {"line1": "x"}
    reason = _exception_hold(api.post(URL, payload).json())["reason"]
    assert "NOPE-1" in reason and "NOPE-2" in reason and "postal code" in reason
    assert Hold.objects.filter(kind="exception").count() == 1


def test_the_documented_examples_are_accepted_without_a_hold(api, web, store):
    from orders.api.examples import PICKUP_ORDER, WEB_ORDER

    SkuFactory(code="TSHIRT-BLK-M")
    SkuFactory(code="CAP-RED")
    for example in (WEB_ORDER, PICKUP_ORDER):
        body = api.post(URL, example).json()
        assert (body["status"], body["holds"]) == ("new", []), body["holds"]


def test_documents_validated_at_once_in_threads_each_get_their_own_answer():
    """One serializer tree validates every document of the process: it must keep no state."""
    from concurrent.futures import ThreadPoolExecutor

    from rest_framework.exceptions import ValidationError

    from orders.api.intake import validate_order_document

    def check(index: int):
        body = order_payload(external_id=f"T-{index}")
        if index % 2:
            body["lines"][0]["quantity"] = 0
        try:
            return index, validate_order_document(body)["external_id"]
        except ValidationError as invalid:
            return index, invalid.detail["lines"][0]["quantity"][0]

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = dict(pool.map(check, range(200)))
    assert {answers[i] for i in range(0, 200, 2)} == {f"T-{i}" for i in range(0, 200, 2)}
    assert {str(answers[i]) for i in range(1, 200, 2)} == {"Ensure this value is greater than or equal to 1."}
