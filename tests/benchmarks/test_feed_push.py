"""Benchmark: the full availability feed of one channel, 100,000 listed SKUs x 50 locations
(5,000,000 stock levels), built (inventory's one-query channel availability) and POSTed to a
local HTTP server through the generic HTTP JSON adapter. Target: under 5 s.

The data is made in bulk SQL (PostgreSQL), so the setup is seconds, not minutes, then
VACUUM ANALYZEd as autovacuum keeps a real table (the visibility map lets the availability sum
read the covering (sku, location) INCLUDE (on_hand, reserved, safety_stock) index alone):
    DATABASE_URL=postgres://... .venv/bin/python -m pytest tests/benchmarks/test_feed_push.py \
        -s -p no:cacheprovider -o addopts="" -m benchmark
"""

import os
import time

import pytest
from django.db import connection, transaction

from inventory.models import Location
from oms.core.adapters import get_adapter
from oms.core.models import Channel
from oms.integrations.feeds.models import FeedPush, FeedSettings
from oms.integrations.feeds.selectors import feed_items
from oms.integrations.feeds.services import feed_claim_full, feed_push_send
from tests.integrations.fake_http import FakeServer

SKUS, LOCATIONS = 100_000, 50

BULK_SQL = [
    # the foreign-key checks of 5,000,000 rows would be most of the setup: the rows are right by
    # construction (superuser; the test database is flushed afterwards)
    "SET LOCAL session_replication_role = replica",
    """INSERT INTO inventory_sku (created_at, updated_at, code, name, barcode, active, tags)
        SELECT now(), now(), 'BK-' || lpad(n::text, 6, '0'), 'Bench ' || n, '', true, '[]'::jsonb
        FROM generate_series(1, %(skus)s) AS n""",
    """INSERT INTO inventory_stocklevel
        (sku_id, location_id, on_hand, reserved, safety_stock, bin, updated_at)
        SELECT s.id, l.id, (s.id * 7 + l.id * 13) % 50, ((s.id * 7 + l.id * 13) % 50) / 5, (s.id + l.id) % 3,
               '', now()
        FROM inventory_sku s CROSS JOIN inventory_location l
        WHERE s.code LIKE 'BK-%%' AND l.code LIKE 'bk-%%'
        ORDER BY l.id, s.id""",
    """INSERT INTO feeds_channellisting (channel_id, sku_id, external_id, active)
        SELECT %(channel)s, s.id, 'v-' || s.id, true FROM inventory_sku s WHERE s.code LIKE 'BK-%%'""",
    "SET LOCAL session_replication_role = origin",
]
VACUUM = [
    f"VACUUM ANALYZE {table}"
    for table in ("inventory_sku", "inventory_stocklevel", "inventory_location", "feeds_channellisting")
]


@pytest.mark.benchmark
@pytest.mark.django_db(transaction=True)  # VACUUM runs outside a transaction; the flush clears it all
def test_full_feed_of_100000_skus_by_50_locations_built_and_sent():
    if connection.vendor != "postgresql":
        pytest.skip("the bulk setup and the figure are PostgreSQL's")
    channel = Channel.objects.create(
        code="bench", name="Bench", kind=Channel.Kind.WEB_SHOP, adapter_kind="http_json", inventory_buffer=2
    )
    Location.objects.bulk_create(
        [
            Location(code=f"bk-{n:02d}", name=f"B{n}", kind="warehouse", country_code="US")
            for n in range(LOCATIONS)
        ]
    )
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in BULK_SQL:
            cursor.execute(statement, {"skus": SKUS, "channel": channel.pk} if "%(" in statement else None)
    with connection.cursor() as cursor:
        for statement in VACUUM:
            cursor.execute(statement)
    setup = time.perf_counter() - started

    plan = explain_availability(channel)
    with FakeServer() as server:
        FeedSettings.objects.create(channel=channel, enabled=True, url=server.url)
        started = time.perf_counter()
        built = feed_items(channel)
        build = time.perf_counter() - started
        started = time.perf_counter()
        get_adapter(channel).push_inventory(built)
        send = time.perf_counter() - started
        timings = []
        for _ in range(3):
            started = time.perf_counter()
            push = feed_claim_full(channel_id=channel.pk)
            push = feed_push_send(push_id=push.pk)
            timings.append(time.perf_counter() - started)
            assert push.status == FeedPush.Status.SENT, push.message
        items = server.requests[-1]["json"]["items"]
    assert len(items) == SKUS and push.items == SKUS
    assert items[0]["sku"] == "BK-000001" and items[0]["external_id"].startswith("v-")
    timings.sort()
    print(
        f"\nfull feed push on {connection.vendor}: {SKUS} SKUs x {LOCATIONS} locations "
        f"({SKUS * LOCATIONS:,} levels), built and POSTed to a local server: "
        f"best {timings[0]:.2f} s, median {timings[1]:.2f} s (build {build:.2f} s, send {send:.2f} s; "
        f"setup in bulk SQL and VACUUM {setup:.1f} s); "
        f"{sum(1 for item in items if item['available'])} SKUs available; "
        f"target under 5 s: {'met' if timings[1] < 5 else 'MISSED'}; load average {os.getloadavg()}"
    )
    print("EXPLAIN (ANALYZE, BUFFERS) of the availability query:\n" + plan)


def explain_availability(channel) -> str:
    """The plan of the query feed_items runs for the availability (the SKU list is the other)."""
    from inventory.selectors import availability_for_channel
    from oms.integrations.feeds.models import ChannelListing

    listings = ChannelListing.objects.filter(channel=channel, active=True)
    queryset = (
        availability_for_channel(channel)
        .filter(pk__in=listings.values("sku_id"))
        .order_by()
        .values_list("pk", "channel_available")
    )
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())
