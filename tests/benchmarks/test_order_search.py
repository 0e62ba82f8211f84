"""Customer-service search on a million orders (PostgreSQL).

Run: DATABASE_URL=postgres://... python -m pytest tests/benchmarks/test_order_search.py \
         -s -o addopts="" -m benchmark

Generates 1,000,000 orders (1-3 lines each, some on hold, ship-by two days after placing,
a shipment with a tracking number for every fourth shipped order, an RMA for every fiftieth)
with INSERT ... SELECT generate_series, then times the first page (51 rows, as the cursor
paginator asks) of each kind of search and filter, and the desk's capped count of the same
list (exact up to 10,000, else "more than 10,000"), and prints the plan's scan nodes.
"""

import os
import re
import statistics
import time
from datetime import timedelta

import pytest
from django.db import connection

from inventory.models import Location
from oms.core.models import Channel
from oms.core.paging import COUNT_CAP, capped_count
from orders.selectors import order_search

ORDERS = int(os.environ.get("OMS_BENCH_ORDERS", "1000000"))
PAGE = 51
RUNS = 7
FIRST = (
    "'{Maria,James,Wei,Fatima,Lucas,Olga,Kenji,Ana,John,Priya,Omar,Sofia,Liam,Noor,Ivan,Chloe,Mateo,"
    "Aisha,Yuki,Emma}'"
)
LAST = (
    "'{Garcia,Smith,Chen,Khan,Meyer,Ivanova,Sato,Lima,Doe,Patel,Haddad,Rossi,Murphy,Ali,Petrov,Martin,"
    "Lopez,Okafor,Tanaka,Brown,Nguyen,Kim,Silva,Costa,Weber,Novak,Berg,Dubois,Moreau,Fischer,Jensen,Larsen,"
    "Nilsen,Hansen,Kowalski,Nowak,Horvat,Popescu,Ionescu,Yilmaz,Demir,Cohen,Levi,Mensah,Diallo,Ochoa,Reyes,"
    "Cruz,Flores,Rivera}'"
)


def _generate(channel_ids: list[int]) -> None:
    channels = "ARRAY[" + ",".join(map(str, channel_ids)) + "]"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO orders_order (
                created_at, updated_at, number, channel_id, external_id, placed_at, ship_by, currency,
                customer_email, customer_name, customer_name_key, customer_surname_key, customer_phone,
                ship_name, ship_line1, ship_line2, ship_city, ship_region, ship_postal_code,
                ship_country_code, billing_address, delivery_method, subtotal, discount_total, tax_total,
                shipping_price, total, refunded_total, status, held_from, payment_status)
            SELECT now(), now(),
                'OMS-' || translate(
                    lpad(upper(to_hex((i::bigint * 2654435761) % 4294967296)), 8, 'Z'), '01', 'XY'),
                ({channels})[1 + i % {len(channel_ids)}],
                'EXT-' || i,
                now() - i * interval '30 seconds',
                now() - i * interval '30 seconds' + interval '2 days', 'USD',
                'user' || (i % 400000) || '@mail' || (i % 50) || '.example',
                n.first || ' ' || n.last, lower(n.first || ' ' || n.last), lower(n.last || ' ' || n.first),
                '1' || lpad(((i::bigint * 7919) % 10000000000)::text, 10, '0'),
                n.first || ' ' || n.last, i || ' Main St', '', 'Springfield', 'IL',
                lpad((i % 99999)::text, 5, '0'),
                'US', '{{}}', 'ship', 40, 0, 3.2, 4.95, 48.15, 0,
                CASE WHEN i % 100 < 70 THEN 'completed' WHEN i % 100 < 85 THEN 'shipped'
                     WHEN i % 100 < 92 THEN 'allocated' WHEN i % 100 < 95 THEN 'new'
                     WHEN i % 100 < 97 THEN 'on_hold' WHEN i % 100 < 99 THEN 'cancelled'
                     ELSE 'backordered' END,
                CASE WHEN i % 100 BETWEEN 95 AND 96 THEN 'allocated' ELSE '' END,
                CASE WHEN i % 100 = 95 THEN 'pending' ELSE 'paid' END
            FROM generate_series(1, {ORDERS}) AS i,
                LATERAL (SELECT ({FIRST}::text[])[1 + i % 20] AS first,
                                ({LAST}::text[])[1 + (i / 20) % 50] AS last) AS n
            """  # noqa: S608 - only this module's constants
        )
        cursor.execute(
            """
            INSERT INTO orders_orderline (
                order_id, line_number, sku_id, sku_code, name, quantity, unit_price, discount, tax,
                quantity_allocated, quantity_shipped, quantity_cancelled, quantity_returned)
            SELECT o.id, n, NULL, 'SKU-' || lpad(((o.id * 31 + n * 17) % 5000)::text, 5, '0'), '', 1 + n % 2,
                   20, 0, 1.6, 0, 0, 0, 0
            FROM orders_order o, LATERAL generate_series(1, 1 + (o.id % 3)::int) AS n
            """
        )
        cursor.execute(
            """
            INSERT INTO orders_hold (order_id, kind, reason, opened_at, opened_by_kind, opened_by_label,
                                     released_by_kind, released_by_label, release_reason)
            SELECT id, CASE WHEN payment_status = 'pending' THEN 'payment' ELSE 'fraud' END, 'bench',
                   now(), 'system', 'bench', '', '', ''
            FROM orders_order WHERE status = 'on_hold'
            """
        )
        _generate_shipments_and_returns(cursor)
        cursor.execute(
            "ANALYZE orders_order; ANALYZE orders_orderline; ANALYZE orders_hold; "
            "ANALYZE fulfillment_fulfillmentorder; ANALYZE fulfillment_shipment; "
            "ANALYZE returns_returnauthorization;"
        )


def _generate_shipments_and_returns(cursor) -> None:
    location = Location.objects.create(code="bench-wh", name="Bench warehouse", kind=Location.Kind.WAREHOUSE)
    cursor.execute(
        f"""
        INSERT INTO fulfillment_fulfillmentorder (created_at, updated_at, number, kind, state, shipped_at,
                                                  collected_by, cancel_reason, location_id, order_id)
        SELECT now(), now(), number || '-F1', 'ship', 'shipped', placed_at, '', '', {location.pk}, id
        FROM orders_order WHERE status IN ('shipped', 'completed') AND id % 4 = 0
        """  # noqa: S608 - only this module's values
    )
    cursor.execute(
        """
        INSERT INTO fulfillment_shipment (carrier, service, tracking_number, tracking_url, shipped_at,
                                          actor_kind, actor_label, fulfillment_order_id)
        SELECT 'UPS', 'Ground', '1Z' || lpad(id::text, 12, '0'), '', now(), 'system', 'bench', id
        FROM fulfillment_fulfillmentorder
        """
    )
    cursor.execute(
        """
        INSERT INTO returns_returnauthorization (
            created_at, updated_at, number, status, return_carrier, tracking_number, exchange_difference,
            created_by_kind, created_by_label, authorized_by_kind, authorized_by_label, rejected_by_kind,
            rejected_by_label, reject_reason, notes, order_id)
        SELECT now(), now(), 'RMA-' || substr(number, 5), 'requested', '', '', 0, 'system', 'bench', '', '',
               '', '', '', '', id
        FROM orders_order WHERE status = 'completed' AND id % 50 = 0
        """
    )


def _scan_nodes(plan: str) -> str:
    nodes = re.findall(
        r"((?:Parallel )?(?:Index Only Scan|Index Scan Backward|Index Scan|Bitmap Index Scan|Seq Scan)"
        r"(?: using \w+)?(?: on \w+)?)",
        plan,
    )
    return "; ".join(dict.fromkeys(nodes))


def _median_ms(run) -> float:
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        run()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def _time(query: str, filters: dict) -> tuple[float, int, str, float, str]:
    queryset = order_search(query, filters)[:PAGE]
    rows = len(list(queryset.all()))
    ms = _median_ms(lambda: len(list(queryset.all())))
    count = capped_count(order_search(query, filters))
    count_ms = _median_ms(lambda: capped_count(order_search(query, filters)))
    return ms, rows, _scan_nodes(queryset.explain()), count_ms, str(count)


@pytest.mark.benchmark
@pytest.mark.postgres
@pytest.mark.django_db
def test_search_stays_fast_on_a_million_orders():
    channel_ids = [
        Channel.objects.create(code=code, name=code, kind=Channel.Kind.WEB_SHOP).pk
        for code in ("web", "amazon", "shopify", "pos", "callcenter", "b2b")
    ]
    start = time.perf_counter()
    _generate(channel_ids)
    print(f"\ngenerated {ORDERS:,} orders in {time.perf_counter() - start:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT number, external_id FROM orders_order WHERE id = (SELECT max(id) / 2 FROM orders_order)"
        )
        number, external_id = cursor.fetchone()
        cursor.execute("SELECT max(placed_at) - interval '3 days' FROM orders_order")
        [day] = cursor.fetchone()
        cursor.execute("SELECT tracking_number FROM fulfillment_shipment ORDER BY id LIMIT 1 OFFSET 1000")
        [tracking] = cursor.fetchone()
        cursor.execute("SELECT number FROM returns_returnauthorization ORDER BY id LIMIT 1 OFFSET 500")
        [rma] = cursor.fetchone()

    cases = [
        ("order number", number, {}),
        ("order number without OMS-", number.removeprefix("OMS-"), {}),
        ("tracking number", tracking, {}),
        ("RMA number", rma, {}),
        ("external id", external_id, {}),
        ("email (exact)", "user12345@mail45.example", {}),
        ("email (prefix, with @)", "user1234@", {}),
        ("code: email prefix / ext id / SKU", "user1234", {}),
        ("phone (prefix)", "+1 000 791", {}),
        ("name (prefix, two words)", "maria gar", {}),
        ("surname first (two words)", "garcia ma", {}),
        ("one word: first name or surname", "priya", {}),
        ("one word: rare surname", "rivera", {}),
        ("SKU code", "sku-00042", {}),
        ("latest orders, no filter", "", {}),
        ("status on_hold", "", {"status": "on_hold"}),
        ("status backordered + channel", "", {"status": "backordered", "channel": "amazon"}),
        ("channel", "", {"channel": "pos"}),
        ("open fraud hold", "", {"hold": "fraud"}),
        ("any open hold + channel", "", {"hold": "any", "channel": "web"}),
        ("date range (one day)", "", {"placed_from": day, "placed_to": day + timedelta(days=1)}),
        ("name + status", "james smith", {"status": "completed"}),
        ("late (ship-by passed, not shipped)", "", {"late": True}),
        ("late, soonest ship-by first", "", {"late": True, "sort": "ship_by"}),
        ("sorted by ship-by", "", {"sort": "ship_by"}),
        ("payment pending", "", {"payment_status": "pending"}),
    ]
    print(f"\n{'search':<36} {'page ms':>8} {'rows':>5} {'count ms':>9} {'count':>18}  plan")
    slow, slow_counts = [], []
    for label, query, filters in cases:
        ms, rows, plan, count_ms, count = _time(query, filters)
        print(f"{label:<36} {ms:>8.2f} {rows:>5} {count_ms:>9.2f} {count:>18}  {plan}")
        if ms > 250:
            slow.append((label, ms))
        if count_ms > 250:
            slow_counts.append((label, round(count_ms)))
    print(f"(counts are exact up to {COUNT_CAP:,})")
    # Known: a count under an open-hold filter walks the orders by date (about 1 s here); to be
    # driven from the open holds' partial index instead. Reported, not yet a failure.
    print(f"counts slower than 250 ms: {slow_counts or 'none'}")
    assert not slow, slow
