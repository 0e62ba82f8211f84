"""Concurrent replays of one order create exactly one (PostgreSQL, real threads)."""

import pytest
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from oms.core.models import IdempotencyRecord, OutboxEvent
from orders.models import Order, OrderEvent
from tests.concurrency import run_together
from tests.conftest import api_token

from .factories import ChannelFactory, SkuFactory, order_payload

THREADS = 16


def _race(headers_for) -> list[tuple[int, dict]]:
    token = Token.objects.get().key

    def post(index):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        response = client.post("/api/v1/orders/", order_payload(), format="json", **headers_for(index))
        return response.status_code, response.json()

    results = run_together(post, THREADS, timeout=60)
    errors = [result for result in results if isinstance(result, Exception)]
    assert not errors, errors
    return results


@pytest.fixture
def setup(transactional_db):
    # A superuser holds every staff role without the groups (a flushed database has none).
    user = User.objects.create_superuser("race", password="pass-1234-word")
    ChannelFactory(code="web")
    SkuFactory(code="TSHIRT-M")
    api_token(user)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_replays_with_one_idempotency_key_create_one_order(setup):
    results = _race(lambda index: {"HTTP_IDEMPOTENCY_KEY": "same-key"})
    assert sorted({status for status, _ in results}) == [201]
    assert len({body["number"] for _, body in results}) == 1
    assert Order.objects.count() == 1
    assert IdempotencyRecord.objects.count() == 1
    assert OrderEvent.objects.filter(kind="accepted").count() == 1
    assert OutboxEvent.objects.filter(topic="order.accepted").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_posts_of_one_external_id_without_a_key_create_one_order(setup):
    results = _race(lambda index: {})
    statuses = sorted(status for status, _ in results)
    assert statuses.count(201) == 1 and statuses.count(200) == THREADS - 1, statuses
    assert len({body["number"] for _, body in results}) == 1
    assert Order.objects.count() == 1
    assert OutboxEvent.objects.filter(topic="order.accepted").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_posts_with_different_keys_and_one_external_id_create_one_order(setup):
    results = _race(lambda index: {"HTTP_IDEMPOTENCY_KEY": f"key-{index}"})
    assert sorted(status for status, _ in results).count(201) == 1
    assert Order.objects.count() == 1
