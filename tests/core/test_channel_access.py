"""A channel's token reads its own channel's orders (list and detail), returns and availability
feed, and nothing of another channel."""

import pytest
from rest_framework.test import APIClient

from inventory.services import StockLine, stock_receive
from oms.core.actor import Actor
from tests.fulfillment.factories import ChannelFactory, LocationFactory, SkuFactory
from tests.returns.factories import make_order, request, shipped_order

pytestmark = pytest.mark.django_db


def channel_client(channel) -> APIClient:
    token = channel.issue_token()
    channel.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def shops(db):
    web = ChannelFactory(code="web", inventory_buffer=1)
    amazon = ChannelFactory(code="amazon")
    return web, amazon


def test_a_channel_lists_and_reads_its_own_orders_only(shops):
    web, amazon = shops
    mine = make_order([{"sku": SkuFactory(code="CA-1"), "quantity": 1}], channel=web)
    theirs = make_order([{"sku": SkuFactory(code="CA-2"), "quantity": 1}], channel=amazon)
    client = channel_client(web)
    listed = client.get("/api/v1/orders/")
    assert listed.status_code == 200
    assert [row["number"] for row in listed.json()["results"]] == [mine.number]
    assert client.get("/api/v1/orders/?channel=amazon").json()["results"] == []
    assert client.get(f"/api/v1/orders/?q={theirs.number}").json()["results"] == []
    detail = client.get(f"/api/v1/orders/{mine.number}/")
    assert (detail.status_code, detail.json()["channel"]) == (200, "web")
    assert client.get(f"/api/v1/orders/{theirs.number}/").status_code == 404


def test_a_channel_reads_the_returns_of_its_own_orders_only(shops):
    web, amazon = shops
    east = LocationFactory(code="wh-east")
    own = request(
        shipped := shipped_order(east, [{"sku": SkuFactory(code="CA-3"), "quantity": 1}], channel=web),
        (shipped.lines.get(), 1),
    )
    other_order = shipped_order(east, [{"sku": SkuFactory(code="CA-4"), "quantity": 1}], channel=amazon)
    other = request(other_order, (other_order.lines.get(), 1))
    client = channel_client(web)
    assert [row["number"] for row in client.get("/api/v1/returns/").json()["results"]] == [own.number]
    assert client.get(f"/api/v1/returns/{own.number}/").status_code == 200
    assert client.get(f"/api/v1/returns/{other.number}/").status_code == 404


def test_a_channel_reads_its_own_availability_feed_and_no_other(shops):
    web, amazon = shops
    east, store = LocationFactory(code="wh-east"), LocationFactory(code="amazon-only")
    store.channels.add(amazon)
    sku = SkuFactory(code="CA-5")
    stock_receive(lines=[StockLine(sku, east, 5), StockLine(sku, store, 7)], actor=Actor.system("t"))
    client = channel_client(web)
    own = client.get("/api/v1/availability/")
    assert own.status_code == 200, own.json()
    assert own.json()["results"] == [{"sku": "CA-5", "available": 4}]  # east only, less its buffer of 1
    assert client.get("/api/v1/availability/?channel=web").json()["results"] == own.json()["results"]
    refused = client.get("/api/v1/availability/?channel=amazon")
    assert (refused.status_code, refused.json()["code"]) == (403, "not_allowed")
    assert client.get("/api/v1/availability/?location=amazon-only").status_code == 403
    assert channel_client(amazon).get("/api/v1/availability/").json()["results"] == [
        {"sku": "CA-5", "available": 12}
    ]


def test_a_reissued_token_or_a_deactivated_channel_is_refused_at_once_though_remembered(shops):
    """Web processes remember the channel a token authenticated (OMS_CHANNEL_TOKEN_CACHE_SECONDS);
    a token reissued or a channel switched off through the services stops working at once."""
    from oms.core.services import channel_issue_token, channel_save

    web, _ = shops
    old = channel_client(web)
    assert old.get("/api/v1/orders/").status_code == 200
    assert old.get("/api/v1/orders/").status_code == 200  # the remembered channel

    token = channel_issue_token(channel=web, actor=Actor.system("test"))
    assert old.get("/api/v1/orders/").status_code == 401
    new = APIClient()
    new.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert new.get("/api/v1/orders/").status_code == 200

    web.active = False
    channel_save(channel=web, actor=Actor.system("test"))
    assert new.get("/api/v1/orders/").status_code == 401
