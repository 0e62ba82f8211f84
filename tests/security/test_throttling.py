"""API throttling: per token, per anonymous address, and a channel webhook's own scope."""

import pytest
from django.core.cache import cache

from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def rates(settings):
    settings.OMS_API_THROTTLE_RATES = {
        "token": "3/min",
        "channel": "6/min",
        "anon": "2/min",
        "channel_webhook": "5/min",
    }
    return settings.OMS_API_THROTTLE_RATES


def test_a_token_over_its_rate_gets_429_problem_details_with_retry_after(rates, api):
    for _ in range(3):
        assert api.get("/api/v1/").status_code == 200
    response = api.get("/api/v1/")
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 60


def test_each_token_has_its_own_counter(rates, api):
    for _ in range(3):
        api.get("/api/v1/")
    assert api.get("/api/v1/").status_code == 429
    other = client_for(make_user("otto", "oms_admin"))
    assert other.get("/api/v1/").status_code == 200


def test_anonymous_clients_are_limited_per_address(rates, anon_api):
    statuses = [anon_api.get("/api/v1/orders/", REMOTE_ADDR="203.0.113.7").status_code for _ in range(3)]
    assert statuses[:2] != [429, 429] and statuses[2] == 429
    assert anon_api.get("/api/v1/orders/", REMOTE_ADDR="203.0.113.8").status_code != 429


def test_no_rate_means_no_limit(settings, api):
    settings.OMS_API_THROTTLE_RATES = {"token": None, "anon": None}
    assert all(api.get("/api/v1/").status_code == 200 for _ in range(10))


def test_channel_webhooks_have_their_own_higher_scope_per_channel(rates, anon_api):
    def post(code):  # unsigned: refused with 401 until the channel's own limit is reached
        return anon_api.post(f"/api/v1/channels/{code}/webhooks/", "{}", content_type="application/json")

    assert [post("shop").status_code for _ in range(5)] == [401] * 5  # beyond the anonymous 2/min
    assert post("shop").status_code == 429
    assert post("market").status_code == 401


def test_guessing_tokens_is_limited_per_address(rates, anon_api):
    anon_api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    statuses = [anon_api.get("/api/v1/orders/", REMOTE_ADDR="203.0.113.9").status_code for _ in range(3)]
    assert statuses == [401, 401, 429]
    assert anon_api.get("/api/v1/orders/", REMOTE_ADDR="203.0.113.10").status_code == 401


def test_a_channels_token_has_its_own_higher_rate_for_order_intake(rates):
    from rest_framework.test import APIClient

    from tests.orders.factories import ChannelFactory

    channel = ChannelFactory(code="shop")
    token = channel.issue_token()
    channel.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    statuses = [client.get("/api/v1/orders/").status_code for _ in range(7)]
    assert statuses == [200] * 6 + [429]  # past a person's 3/min, up to the channel's 6/min


def test_a_window_closes_after_its_period_and_counting_starts_again(settings, api):
    import time

    settings.OMS_API_THROTTLE_RATES = {"token": "2/s"}
    assert [api.get("/api/v1/").status_code for _ in range(3)] == [200, 200, 429]
    time.sleep(1.2)
    assert api.get("/api/v1/").status_code == 200


def test_counters_left_by_drfs_own_throttle_are_ignored_after_a_deploy(rates):
    """DRF's throttle kept a list of request times under the scope's key; counting never reads it."""
    import time

    from rest_framework.test import APIClient

    from tests.orders.factories import ChannelFactory

    channel = ChannelFactory(code="shop")
    token = channel.issue_token()
    channel.save()
    cache.set("throttle_channel_principal:channel:shop", [time.time()] * 3, 60)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert [client.get("/api/v1/orders/").status_code for _ in range(7)] == [200] * 6 + [429]
