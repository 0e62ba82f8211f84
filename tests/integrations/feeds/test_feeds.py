"""Inventory feeds: a burst of stock changes reaches each channel as one push of its listed
SKUs, with the availability the channel may sell; a failing push is logged and carried on."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from inventory import services as inventory
from inventory.models import StockLevel
from oms.core.actor import Actor
from oms.core.models import Channel
from oms.integrations.feeds.models import ChannelListing, FeedPending, FeedPush, FeedSettings
from oms.integrations.feeds.services import (
    feed_collect_changes,
    feed_push_full_all,
    feed_push_retry,
    feed_tick,
)
from tests.inventory.factories import LocationFactory, SkuFactory, receive

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("tests")


def make_channel(code: str, url: str, *, buffer: int = 0, adapter: str = "http_json") -> Channel:
    channel = Channel.objects.create(
        code=code, name=code, kind=Channel.Kind.WEB_SHOP, adapter_kind=adapter, inventory_buffer=buffer
    )
    FeedSettings.objects.create(
        channel=channel, enabled=True, url=url, interval_seconds=60, auth_token="feed-key"
    )
    return channel


@pytest.fixture
def shop(fake_server):
    """Two channels on the fake server; 6 SKUs, the first 4 listed on `web`, SKUs 2..5 on
    `market` (buffer 1), none of them the unlisted 6th."""
    location = LocationFactory(code="east")
    skus = [SkuFactory(code=f"FEED-{n}") for n in range(6)]
    for sku in skus:
        receive(sku, location, 10)
    web = make_channel("web", fake_server.url)
    market = make_channel("market", fake_server.url, buffer=1)
    for sku in skus[:4]:
        ChannelListing.objects.create(channel=web, sku=sku, external_id=f"w-{sku.code}")
    for sku in skus[2:5]:
        ChannelListing.objects.create(channel=market, sku=sku)
    feed_collect_changes()  # the receipts are before the feeds: nothing pending
    FeedPending.objects.all().delete()
    return {"location": location, "skus": skus, "web": web, "market": market}


def pushes_by_channel(server) -> dict[str, list]:
    out: dict[str, list] = {}
    for request in server.requests:
        out.setdefault(request["json"]["channel"], []).append(request["json"]["items"])
    return out


def test_a_hundred_stock_changes_in_a_second_give_one_push_per_channel(shop, fake_server):
    skus, location = shop["skus"], shop["location"]
    FeedSettings.objects.update(debounce_seconds=30)  # a loaded test machine may take seconds for the burst
    started = time.monotonic()
    for n in range(100):
        inventory.stock_adjust(
            sku=skus[n % 6], location=location, delta=1 if (n // 6) % 2 else -1, reason="count", actor=ACTOR
        )
        feed_tick()  # the schedule ticks all through the burst
    assert time.monotonic() - started < 30
    assert fake_server.requests == []  # still inside the burst
    feed_tick(now=timezone.now() + timedelta(seconds=31))
    feed_tick(now=timezone.now() + timedelta(seconds=32))
    pushes = pushes_by_channel(fake_server)
    assert sorted(pushes) == ["market", "web"]
    assert [len(items) for items in pushes["web"]] == [4] and [len(items) for items in pushes["market"]] == [
        3
    ]
    web_items = {item["sku"]: item for item in pushes["web"][0]}
    assert set(web_items) == {"FEED-0", "FEED-1", "FEED-2", "FEED-3"}  # only listed SKUs
    on_hand = dict(StockLevel.objects.values_list("sku__code", "on_hand"))
    assert on_hand["FEED-0"] == 9  # 17 changes of FEED-0: -1, +1, ..., -1
    assert web_items["FEED-0"] == {"sku": "FEED-0", "external_id": "w-FEED-0", "available": 9}
    assert {item["sku"]: item["available"] for item in pushes["market"][0]} == {
        code: on_hand[code] - 1 for code in ("FEED-2", "FEED-3", "FEED-4")
    }  # the channel buffer of 1 is taken off
    assert fake_server.requests[0]["headers"]["Authorization"] == "Bearer feed-key"
    logs = FeedPush.objects.filter(status=FeedPush.Status.SENT)
    assert logs.count() == 2 and sorted(logs.values_list("items", flat=True)) == [3, 4]


def test_at_most_one_push_per_interval_then_the_next(shop, fake_server):
    skus, location = shop["skus"], shop["location"]
    inventory.stock_adjust(sku=skus[0], location=location, delta=-2, reason="damaged", actor=ACTOR)
    now = timezone.now() + timedelta(seconds=5)
    feed_tick(now=now)
    assert len(fake_server.requests) == 1
    inventory.stock_adjust(sku=skus[1], location=location, delta=-3, reason="damaged", actor=ACTOR)
    feed_tick(now=now + timedelta(seconds=30))  # within web's 60 s interval
    assert len(fake_server.requests) == 1
    feed_tick(now=now + timedelta(seconds=61))
    assert len(fake_server.requests) == 2
    assert fake_server.requests[1]["json"]["items"] == [
        {"sku": "FEED-1", "external_id": "w-FEED-1", "available": 7}
    ]


def test_an_unlisted_sku_is_never_sent(shop, fake_server):
    unlisted = shop["skus"][5]
    inventory.stock_adjust(sku=unlisted, location=shop["location"], delta=5, reason="found", actor=ACTOR)
    feed_tick(now=timezone.now() + timedelta(seconds=5))
    assert fake_server.requests == [] and not FeedPush.objects.exists()
    feed_push_full_all()
    sent = {item["sku"] for request in fake_server.requests for item in request["json"]["items"]}
    assert "FEED-5" not in sent and sent == {"FEED-0", "FEED-1", "FEED-2", "FEED-3", "FEED-4"}


def test_a_reservation_changes_the_feed(shop, fake_server):
    from tests.inventory.factories import reserve

    reserve(shop["skus"][0], shop["location"], 4)
    feed_tick(now=timezone.now() + timedelta(seconds=5))
    [request] = fake_server.requests
    assert request["json"]["items"] == [{"sku": "FEED-0", "external_id": "w-FEED-0", "available": 6}]


def test_a_failed_push_is_logged_carried_into_the_next_and_retried_from_the_admin(shop, fake_server):
    fake_server.fail_next(503)
    inventory.stock_adjust(sku=shop["skus"][0], location=shop["location"], delta=-1, reason="x", actor=ACTOR)
    now = timezone.now() + timedelta(seconds=5)
    feed_tick(now=now)
    failed = FeedPush.objects.get()
    assert failed.status == FeedPush.Status.FAILED and "HTTP 503" in failed.message
    assert FeedPending.objects.filter(channel=shop["web"]).count() == 1  # carried into the next push
    assert feed_push_retry(push=failed).status == FeedPush.Status.SENT
    assert feed_push_retry(push=failed).attempts == 2  # a sent push is not sent again
    assert len(fake_server.requests) == 1


def test_a_channel_whose_adapter_cannot_push_is_skipped_and_the_log_says_so(shop, fake_server):
    manual = make_channel("till", fake_server.url, adapter="manual")
    ChannelListing.objects.create(channel=manual, sku=shop["skus"][0])
    [push] = [push for push in feed_push_full_all() if push.channel_id == manual.pk]
    assert (
        push.status == FeedPush.Status.SKIPPED
        and "'manual'" in push.message
        and "push_inventory" in push.message
    )
    assert {request["json"]["channel"] for request in fake_server.requests} == {"web", "market"}


def test_a_disabled_feed_collects_and_sends_nothing(shop, fake_server):
    FeedSettings.objects.update(enabled=False)
    inventory.stock_adjust(sku=shop["skus"][0], location=shop["location"], delta=1, reason="x", actor=ACTOR)
    feed_tick(now=timezone.now() + timedelta(seconds=5))
    assert not FeedPending.objects.exists() and fake_server.requests == []


def test_the_feed_states_what_the_availability_selector_says(shop, fake_server):
    from inventory.selectors import availability_for_channel
    from oms.integrations.feeds.selectors import feed_items

    skus, market = shop["skus"], shop["market"]
    elsewhere = LocationFactory(code="west")
    elsewhere.channels.add(shop["web"])  # serves web only
    receive(skus[3], elsewhere, 4)
    inventory.stock_set_safety(sku=skus[2], location=shop["location"], safety_stock=3)
    skus[4].active = False
    skus[4].save()
    expected = dict(availability_for_channel(market).values_list("code", "channel_available"))
    items = {item["sku"]: item["available"] for item in feed_items(market)}
    assert items == {"FEED-2": expected["FEED-2"], "FEED-3": expected["FEED-3"], "FEED-4": 0}
    assert items["FEED-2"] == 10 - 3 - 1 and items["FEED-3"] == 10 - 1  # west does not serve market
    assert {item["sku"]: item["available"] for item in feed_items(shop["web"])}["FEED-3"] == 14


def test_a_push_a_dead_worker_left_half_sent_goes_out_with_the_next(shop, fake_server):
    from oms.integrations.feeds.services import feed_claim_changes

    inventory.stock_adjust(sku=shop["skus"][1], location=shop["location"], delta=-1, reason="x", actor=ACTOR)
    feed_collect_changes()
    now = timezone.now() + timedelta(seconds=5)
    push = feed_claim_changes(channel_id=shop["web"].pk, now=now)
    FeedPush.objects.filter(pk=push.pk).update(status=FeedPush.Status.SENDING)  # the worker died sending it
    feed_tick(now=now + timedelta(minutes=11))
    assert FeedPush.objects.get(pk=push.pk).status == FeedPush.Status.FAILED
    [request] = fake_server.requests
    assert request["json"]["items"] == [{"sku": "FEED-1", "external_id": "w-FEED-1", "available": 9}]
