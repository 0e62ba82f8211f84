"""The benchmark database of test_intake_http.py, run as a script in a process of its own
(DATABASE_URL = the benchmark database, never the test database):

    python -m tests.benchmarks.intake_db prepare [--hot-sku CODE --hot-units N]
    python -m tests.benchmarks.intake_db tally PREFIX UNTIL     (UNTIL: epoch seconds)
    python -m tests.benchmarks.intake_db hot PREFIX CODE
    python -m tests.benchmarks.intake_db invariants

Each command prints one JSON object as its last line of output; `BenchDatabase` runs them.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import psycopg

from tests.serving import REPO

CHANNEL = "bench"
SKUS = 2000
LOCATIONS = 5
STOCK_PER_LEVEL = 1_000_000
TOP_UP_BELOW = 100_000
RESERVED_WITHIN = timedelta(seconds=1)


def ensure_database(url: str) -> None:
    """CREATE DATABASE if it is missing (through the server's `postgres` database)."""
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


class BenchDatabase:
    """The test process's handle on the benchmark database: each call runs this module in a
    subprocess configured for that database (tasks in process, no broker)."""

    def __init__(self, url: str):
        self.url = url
        self.env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
        self.env.update(
            DATABASE_URL=url, DJANGO_SETTINGS_MODULE="oms.settings.base", DEBUG="false", LOG_LEVEL="WARNING"
        )

    def _run(self, *args) -> dict:
        result = subprocess.run(
            [sys.executable, "-m", __name__, *map(str, args)],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if result.returncode:
            raise RuntimeError(f"intake_db {args[0]} failed:\n{result.stdout}{result.stderr}")
        return json.loads(result.stdout.strip().splitlines()[-1])

    def prepare(self, *, hot_sku: str, hot_units: int) -> dict:
        return self._run("prepare", "--hot-sku", hot_sku, "--hot-units", hot_units)

    def tally(self, prefix: str, until: float) -> dict:
        return self._run("tally", prefix, until)

    def hot(self, prefix: str, sku: str) -> dict:
        return self._run("hot", prefix, sku)

    def invariants(self) -> dict:
        return self._run("invariants")


# --- prepare ---------------------------------------------------------------------------------


def _channel_with_new_token():
    from oms.core.models import Channel

    channel, _ = Channel.objects.get_or_create(
        code=CHANNEL, defaults={"name": "Benchmark", "kind": Channel.Kind.WEB_SHOP, "pay_later_allowed": True}
    )
    token = channel.issue_token()
    channel.save(update_fields=["api_token_digest"])
    return channel, token


def _locations(channel, actor):
    from inventory.models import Location
    from inventory.services import location_create

    existing = {loc.code: loc for loc in Location.objects.filter(code__startswith="bench-wh-")}
    for number in range(1, LOCATIONS + 1):
        code = f"bench-wh-{number}"
        if code not in existing:
            existing[code] = location_create(
                actor=actor,
                channels=[channel],
                code=code,
                name=f"Bench warehouse {number}",
                kind=Location.Kind.WAREHOUSE,
                country_code="US",
                latitude=40 + number,
                longitude=-75 - number,
                priority=number,
            )
    return sorted(existing.values(), key=lambda loc: loc.code)


def _skus(codes: list[str], actor) -> list:
    from inventory.models import Sku
    from inventory.services import sku_create

    existing = {sku.code: sku for sku in Sku.objects.filter(code__in=codes)}
    return [existing.get(code) or sku_create(actor=actor, code=code, name=code) for code in codes]


def _top_up(skus, locations, quantity, actor, *, below) -> int:
    """Receive stock (through the ledger) where less than `below` is available."""
    from inventory.models import StockLevel
    from inventory.services import StockLine, stock_receive

    available = {
        (level.sku_id, level.location_id): level.on_hand - level.reserved
        for level in StockLevel.objects.filter(sku__in=skus, location__in=locations)
    }
    lines = [
        StockLine(sku=sku, location=location, quantity=quantity - available.get((sku.pk, location.pk), 0))
        for sku in skus
        for location in locations
        if available.get((sku.pk, location.pk), 0) < below
    ]
    if lines:
        stock_receive(lines=lines, actor=actor, reference="benchmark")
    return len(lines)


def prepare(hot_sku: str | None, hot_units: int) -> dict:
    from django.core.management import call_command

    from oms.core.actor import Actor

    call_command("migrate", interactive=False, verbosity=0)
    actor = Actor.system("benchmark")
    channel, token = _channel_with_new_token()
    locations = _locations(channel, actor)
    skus = _skus([f"BENCH-{n:05d}" for n in range(SKUS)], actor)
    received = _top_up(skus, locations, STOCK_PER_LEVEL, actor, below=TOP_UP_BELOW)
    if hot_sku:
        _top_up(_skus([hot_sku], actor), locations[:1], hot_units, actor, below=1)
    return {"token": token, "skus": SKUS, "locations": len(locations), "levels_topped_up": received}


# --- tally -----------------------------------------------------------------------------------


def _run_orders(prefix: str):
    from orders.models import Order

    return Order.objects.filter(channel__code=CHANNEL, external_id__startswith=f"{prefix}-")


def _wait_for_sourcing(prefix: str, timeout: float = 60) -> int:
    """Orders of the run still waiting for sourcing (status new) once it settled or timed out."""
    from orders.models import Order

    deadline = time.monotonic() + timeout
    while (
        waiting := _run_orders(prefix).filter(status=Order.Status.NEW).count()
    ) and time.monotonic() < deadline:
        time.sleep(0.5)
    return waiting


def _fully_allocated(orders):
    from django.db.models import Exists, F, OuterRef

    from orders.models import OrderLine

    short = OrderLine.objects.filter(order=OuterRef("pk"), quantity_allocated__lt=F("quantity"))
    return orders.filter(~Exists(short))


def _reserved_in_time(orders) -> int:
    """Orders whose every line is allocated, the last reservation made within a second."""
    from django.db.models import Max

    from fulfillment.models import FulfillmentOrderLine

    full = _fully_allocated(orders)
    accepted_at = dict(full.values_list("pk", "created_at"))
    last_reserved = (
        FulfillmentOrderLine.objects.filter(order_line__order__in=full)
        .values("order_line__order_id")
        .annotate(last=Max("reservations__created_at"))
    )
    return sum(
        1
        for row in last_reserved
        if row["last"] is not None
        and row["last"] - accepted_at[row["order_line__order_id"]] <= RESERVED_WITHIN
    )


def tally(prefix: str, until: float) -> dict:
    """Accepted = the run's orders created by `until`; reserved = those of them whose stock
    was reserved within a second of acceptance, wherever sourcing ran."""
    from django.db.models import Count

    time.sleep(max(0.0, until + 2 - time.time()))  # let the last second's reservations commit
    waiting = _wait_for_sourcing(prefix)
    orders = _run_orders(prefix).filter(created_at__lte=datetime.fromtimestamp(until, UTC))
    statuses = dict(orders.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return {
        "accepted": orders.count(),
        "reserved": _reserved_in_time(orders),
        "still_new": waiting,
        "statuses": statuses,
    }


def hot(prefix: str, sku_code: str) -> dict:
    """The hot SKU after its race: orders, units reserved, stock level."""
    from django.db.models import Sum

    from inventory.models import Reservation, StockLevel

    waiting = _wait_for_sourcing(prefix)
    orders = _run_orders(prefix)
    levels = StockLevel.objects.filter(sku__code=sku_code).aggregate(
        on_hand=Sum("on_hand"), reserved=Sum("reserved")
    )
    reserved_units = Reservation.objects.filter(
        stock_level__sku__code=sku_code, status=Reservation.Status.OPEN
    ).aggregate(units=Sum("quantity"))["units"]
    return {
        "accepted": orders.count(),
        "reserved_orders": _fully_allocated(orders).count(),
        "reserved_units": reserved_units or 0,
        "level_on_hand": levels["on_hand"] or 0,
        "level_reserved": levels["reserved"] or 0,
        "still_new": waiting,
    }


def invariants() -> dict:
    """The stock invariants of tests/inventory, read from one snapshot of the database."""
    from django.db import connection, transaction

    from tests.inventory.invariants import assert_stock_invariants

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        try:
            assert_stock_invariants()
        except AssertionError as broken:
            return {"ok": False, "problems": str(broken)[:4000]}
    return {"ok": True, "problems": ""}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    prepare_cmd = commands.add_parser("prepare")
    prepare_cmd.add_argument("--hot-sku")
    prepare_cmd.add_argument("--hot-units", type=int, default=50)
    tally_cmd = commands.add_parser("tally")
    tally_cmd.add_argument("prefix")
    tally_cmd.add_argument("until", type=float)
    hot_cmd = commands.add_parser("hot")
    hot_cmd.add_argument("prefix")
    hot_cmd.add_argument("sku")
    commands.add_parser("invariants")
    args = parser.parse_args(argv)

    if args.command == "prepare":
        ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    if args.command == "prepare":
        result = prepare(args.hot_sku, args.hot_units)
    elif args.command == "tally":
        result = tally(args.prefix, args.until)
    elif args.command == "hot":
        result = hot(args.prefix, args.sku)
    else:
        result = invariants()
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
