"""Benchmark: the full channel availability feed for 10,000 SKUs x 20 locations.

Run with `make bench` (against PostgreSQL for the real figure):
    DATABASE_URL=postgres://... make bench
"""

import random
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory.models import Location, Sku, StockLevel
from inventory.selectors import availability_for_channel
from oms.core.models import Channel

SKUS, LOCATIONS = 10_000, 20


@pytest.mark.benchmark
@pytest.mark.django_db
def test_channel_feed_for_10000_skus_by_20_locations():
    channel = Channel.objects.create(
        code="bench", name="Bench", kind=Channel.Kind.WEB_SHOP, inventory_buffer=2
    )
    locations = Location.objects.bulk_create(
        [
            Location(code=f"bench-{n:02d}", name=f"B{n}", kind="warehouse", country_code="US")
            for n in range(LOCATIONS)
        ]
    )
    for location in locations[:15]:  # 15 of the 20 serve the channel
        location.channels.add(channel)
    skus = Sku.objects.bulk_create(
        [Sku(code=f"B-{n:05d}", name=f"Bench {n}") for n in range(SKUS)], batch_size=2000
    )
    rng = random.Random(1)
    levels = []
    for sku in skus:
        for location in locations:
            on_hand = rng.randint(0, 50)
            reserved = rng.randint(0, on_hand)
            levels.append(
                StockLevel(
                    sku=sku,
                    location=location,
                    on_hand=on_hand,
                    reserved=reserved,
                    safety_stock=rng.randint(0, 3),
                )
            )
    StockLevel.objects.bulk_create(levels, batch_size=5000)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE inventory_stocklevel; ANALYZE inventory_sku; ANALYZE inventory_location")

    timings = []
    for _ in range(5):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            rows = list(availability_for_channel(channel).values_list("code", "channel_available"))
            timings.append((time.perf_counter() - started) * 1000)
    assert len(rows) == SKUS
    assert len(queries) == 1
    timings.sort()
    print(
        f"\navailability_for_channel on {connection.vendor}: {SKUS} SKUs x {LOCATIONS} locations "
        f"({len(levels)} levels): best {timings[0]:.0f} ms, median {timings[2]:.0f} ms, "
        f"{len(queries)} query, {sum(1 for _, a in rows if a)} SKUs available"
    )
