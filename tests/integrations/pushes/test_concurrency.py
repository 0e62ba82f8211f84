"""Racing senders and collectors on PostgreSQL: one push, one fulfillment at the channel."""

import pytest

from oms.integrations.pushes import services
from oms.integrations.pushes.models import ChannelPush
from tests.concurrency import run_together

from .conftest import channel_order, ship

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_racing_collectors_and_senders_push_a_shipment_once(
    shopify_store, shopify_channel, east, monkeypatch
):
    from oms.integrations.pushes.services import collect

    services.pushes_collect()
    monkeypatch.setattr(collect, "wake", lambda pairs: None)  # the broker lost every wake-up
    orders = [
        channel_order(shopify_channel, shopify_store, east, [(f"SKU-{n}", 1, f"11{n}")], external_id=f"70{n}")
        for n in range(3)
    ]
    for order in orders:
        ship(order)
    results = run_together(lambda _index: services.pushes_collect(), 4)
    assert all(isinstance(r, list) for r in results), results
    assert sorted(pk for r in results for pk in r) == sorted(ChannelPush.objects.values_list("pk", flat=True))
    assert ChannelPush.objects.count() == 3
    pushes = list(ChannelPush.objects.order_by("pk"))
    # every push sent by 4 workers at once (a task delivered twice, the sweep, a retry)
    run_together(lambda index: services.push_send(push_id=pushes[index % 3].pk), 12)
    for push, order in zip(pushes, orders, strict=True):
        push.refresh_from_db()
        assert (push.status, push.attempts) == ("sent", 1)
        assert len(shopify_store.orders[order.external_id]["fulfillments"]) == 1
