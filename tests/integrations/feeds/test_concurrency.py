"""Racing feed workers on PostgreSQL: ticks at once push each channel once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from inventory import services as inventory
from oms.core.actor import Actor
from oms.core.models import Channel
from oms.integrations.feeds.models import ChannelListing, FeedPush, FeedSettings
from oms.integrations.feeds.services import feed_collect_changes, feed_tick
from tests.concurrency import run_together
from tests.inventory.factories import LocationFactory, SkuFactory, receive

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ACTOR = Actor.system("tests")


def test_workers_ticking_at_once_push_each_channel_once(fake_server):
    location = LocationFactory(code="east")
    skus = [SkuFactory(code=f"RACE-{n}") for n in range(20)]
    for sku in skus:
        receive(sku, location, 5)
    feed_collect_changes()
    channels = []
    for code in ("web", "market", "b2b"):
        channel = Channel.objects.create(
            code=code, name=code, kind=Channel.Kind.WEB_SHOP, adapter_kind="http_json"
        )
        FeedSettings.objects.create(channel=channel, enabled=True, url=fake_server.url)
        ChannelListing.objects.bulk_create([ChannelListing(channel=channel, sku=sku) for sku in skus])
        channels.append(channel)

    def change(index):
        inventory.stock_adjust(sku=skus[index], location=location, delta=1, reason="race", actor=ACTOR)

    run_together(change, 20)  # 20 changes at once, collected by racing ticks below
    later = timezone.now() + timedelta(seconds=10)
    results = run_together(lambda _index: len(feed_tick(now=later)), 8)
    assert all(isinstance(r, int) for r in results), results
    assert sum(results) == 3
    assert sorted(request["json"]["channel"] for request in fake_server.requests) == ["b2b", "market", "web"]
    for request in fake_server.requests:
        assert len(request["json"]["items"]) == 20 and {i["available"] for i in request["json"]["items"]} == {
            6
        }
    assert FeedPush.objects.filter(status=FeedPush.Status.SENT).count() == 3
