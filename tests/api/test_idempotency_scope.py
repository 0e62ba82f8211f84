"""Idempotency: one scope for every spelling of a resource's path, and every creating POST
(SKUs and locations too) honours the Idempotency-Key."""

import pytest

from inventory.models import Location, Sku
from orders.models import Hold
from tests.fulfillment.factories import make_order

pytestmark = pytest.mark.django_db


def test_a_key_replays_across_the_case_of_the_order_number(api):
    order = make_order([])
    body = {"kind": "manual", "reason": "customer called"}
    first = api.post(f"/api/v1/orders/{order.number.lower()}/hold/", body, HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post(f"/api/v1/orders/{order.number.upper()}/hold/", body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 200, first.content
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Hold.objects.filter(order=order, kind="manual").count() == 1


def test_sku_creation_honours_the_key(api):
    body = {"code": "IDEM-1", "name": "Idempotent"}
    first = api.post("/api/v1/skus/", body, HTTP_IDEMPOTENCY_KEY="sku-1")
    again = api.post("/api/v1/skus/", body, HTTP_IDEMPOTENCY_KEY="sku-1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert Sku.objects.filter(code="IDEM-1").count() == 1
    other = api.post("/api/v1/skus/", {**body, "name": "Other"}, HTTP_IDEMPOTENCY_KEY="sku-1")
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"


def test_location_creation_honours_the_key(api):
    body = {"code": "idem-wh", "name": "Idempotent warehouse", "kind": "warehouse", "country_code": "US"}
    first = api.post("/api/v1/locations/", body, HTTP_IDEMPOTENCY_KEY="loc-1")
    again = api.post("/api/v1/locations/", body, HTTP_IDEMPOTENCY_KEY="loc-1")
    assert first.status_code == 201, first.content
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert Location.objects.filter(code="idem-wh").count() == 1


@pytest.mark.parametrize("key", ["", " ", "x" * 256, "bad\x7fkey"])
def test_an_idempotency_key_out_of_its_limits_is_422(api, key):
    response = api.post("/api/v1/skus/", {"code": "IDEM-2", "name": "x"}, HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_invalid"
    assert not Sku.objects.filter(code="IDEM-2").exists()
