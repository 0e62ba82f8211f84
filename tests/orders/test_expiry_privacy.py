"""Unpaid orders expire; customer data is anonymized on request or after retention."""

from datetime import timedelta

import pytest
from django.utils import timezone

from oms.core.actor import Actor
from oms.core.models import IdempotencyRecord, OutboxEvent
from orders import services
from orders.errors import OrderConflict
from orders.models import OrderEvent
from orders.tasks import anonymize_expired_customer_data, cancel_expired_unpaid_orders
from tests.conftest import client_for

from .factories import make_order
from .helpers import fresh, kinds

pytestmark = pytest.mark.django_db


def placed(hours_ago: int) -> str:
    return (timezone.now() - timedelta(hours=hours_ago)).isoformat()


def test_the_task_cancels_orders_unpaid_past_the_channel_limit_only(prepaid, web, skus, signals):
    web.payment_due_hours = 48
    web.save()
    expired = make_order(prepaid, external_id="old", payment_status="pending", placed_at=placed(30))
    recent = make_order(prepaid, external_id="new", payment_status="pending", placed_at=placed(10))
    paid = make_order(prepaid, external_id="paid", payment_status="paid", placed_at=placed(30))
    web_young = make_order(web, external_id="w", payment_status="pending", placed_at=placed(30))
    web_old = make_order(web, external_id="w-old", payment_status="pending", placed_at=placed(50))

    assert cancel_expired_unpaid_orders.delay().get() == 2

    assert [fresh(o).status for o in (expired, recent, paid, web_young, web_old)] == [
        "cancelled",
        "on_hold",
        "new",
        "new",
        "cancelled",
    ]
    event = OrderEvent.objects.filter(order=expired, kind="cancelled").get()
    assert (event.message, event.actor_kind, event.actor_label) == (
        "payment not received",
        "system",
        "unpaid-expiry",
    )
    sent = signals.named("order_lines_cancelled")
    assert {kwargs["order"].pk for kwargs in sent} == {expired.pk, web_old.pk}
    assert sent[0]["quantities"] == {line.pk: line.quantity for line in expired.lines.all()}
    assert cancel_expired_unpaid_orders() == 0  # nothing left: running again is harmless


def test_orders_already_shipping_are_not_expired(web, skus):
    order = make_order(web, payment_status="pending", placed_at=placed(100))
    line = order.lines.get()
    system = Actor.system("fulfillment")
    services.order_record_allocation(order=order, allocated={line.pk: 2}, actor=system)
    services.order_record_shipment(order=order, quantities={line.pk: 1}, actor=system, shipment={})
    assert services.order_cancel_expired_unpaid() == []


def test_admin_anonymizes_an_order_without_breaking_totals_or_timeline(web, skus, admin_user):
    api = client_for(admin_user)
    number = api.post("/api/v1/orders/", _payload(), HTTP_IDEMPOTENCY_KEY="anon-1").json()["number"]
    address = {"name": "Jane Doe", "line1": "9 Secret Rd", "city": "Boston", "postal_code": "02101"}
    api.post(
        f"/api/v1/orders/{number}/edit-address/", {"shipping_address": {**address, "country_code": "US"}}
    )
    before = api.get(f"/api/v1/orders/{number}/").json()

    response = api.post(f"/api/v1/orders/{number}/anonymize/", {"reason": "GDPR request #12"})
    assert response.status_code == 200
    body = response.json()
    assert body["customer"] == {"email": "", "name": "", "phone": ""}
    assert body["shipping_address"]["line1"] == "" and body["shipping_address"]["postal_code"] == ""
    assert body["shipping_address"]["country_code"] == "US"
    assert body["totals"] == before["totals"]
    assert [line["quantities"] for line in body["lines"]] == [line["quantities"] for line in before["lines"]]
    assert [e["kind"] for e in body["timeline"]] == [e["kind"] for e in before["timeline"]] + ["anonymized"]
    last = body["timeline"][-1]
    assert (last["actor"], last["message"]) == ({"kind": "user", "label": "ada"}, "GDPR request #12")
    assert body["anonymized_at"]

    stored = " ".join(
        [str(e.payload) for e in OrderEvent.objects.all()]
        + [str(o.payload) for o in OutboxEvent.objects.all()]
        + [str(r.response_body) for r in IdempotencyRecord.objects.all()]
    )
    for secret in ("Secret Rd", "350 5th Ave", "jane.doe@example.com", "12125550101", "Jane Doe"):
        assert secret not in stored
    again = api.post(f"/api/v1/orders/{number}/anonymize/", {})
    assert again.status_code == 409
    assert again.json()["code"] == "already_anonymized"


def test_only_admins_anonymize(web, skus, cs_user):
    order = make_order(web)
    assert client_for(cs_user).post(f"/api/v1/orders/{order.number}/anonymize/", {}).status_code == 403


def test_retention_anonymizes_closed_orders_older_than_the_setting(web, skus, settings):
    old_closed = make_order(web, external_id="a", placed_at=placed(24 * 40))
    services.order_cancel(order=old_closed, reason="r", actor=Actor.system())
    old_open = make_order(web, external_id="b", placed_at=placed(24 * 40))
    young_closed = make_order(web, external_id="c", placed_at=placed(24))
    services.order_cancel(order=young_closed, reason="r", actor=Actor.system())

    settings.OMS_CUSTOMER_DATA_RETENTION_DAYS = None
    assert anonymize_expired_customer_data() == 0
    settings.OMS_CUSTOMER_DATA_RETENTION_DAYS = 30
    assert anonymize_expired_customer_data() == 1
    assert fresh(old_closed).customer_email == ""
    assert kinds(old_closed)[-1] == "anonymized"
    assert fresh(old_open).customer_email and fresh(young_closed).customer_email
    with pytest.raises(OrderConflict):
        services.order_anonymize(order=old_closed, actor=Actor.system())


def _payload():
    from .factories import order_payload

    return order_payload()
