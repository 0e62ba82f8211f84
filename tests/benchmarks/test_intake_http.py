"""Benchmark: order intake over HTTP, as a channel's integration posts it, beside the floors.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/oms make bench     (needs wrk and ../shared/bench)

The OMS runs under gunicorn (oms/gunicorn.conf.py, production settings) on a benchmark
database of its own, prepared here: a channel and its token, 5 warehouses, 2,000 SKUs with a
million units each (received through the ledger). wrk posts unique 2-line orders
(post_oms_order.lua) at 1, 4 and 16 connections. An order counts when it was accepted in the
run and its stock reserved for every line within a second, read from the database, so the
figure is the same wherever sourcing runs. Then the hot SKU: 200 connections race for 50
units of one SKU. Speed is printed, never asserted; no oversell and no 5xx are.

Environment:
    OMS_BENCH_SECONDS=10          length of each run (the hot-SKU race: OMS_BENCH_HOT_SECONDS=10)
    OMS_BENCH_CLIENTS=1,4,16      connection counts
    OMS_BENCH_WORKERS=3           gunicorn workers, for the OMS and the bare-Django floor
    OMS_BENCH_TASKS=in-process    or `celery`: the OMS gets REDIS_URL and a Celery worker runs
    OMS_BENCH_DATABASE=oms_bench, OMS_BENCH_FLOOR_DATABASE=oms_bench_floor   (created if missing,
                                  on the PostgreSQL server of DATABASE_URL)
    OMS_BENCH_FLOORS=../shared/bench
"""

import os
import secrets
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection

from tests.serving import REPO, answers, free_port, logged, postgres_url, running

from .http_load import BIN, WRK, Floors, WrkRun, celery_worker_command, wrk
from .intake_db import SKUS, BenchDatabase, ensure_database

SECONDS = float(os.environ.get("OMS_BENCH_SECONDS", "10"))
HOT_SECONDS = float(os.environ.get("OMS_BENCH_HOT_SECONDS", "10"))
CLIENTS = [int(n) for n in os.environ.get("OMS_BENCH_CLIENTS", "1,4,16").split(",")]
WORKERS = os.environ.get("OMS_BENCH_WORKERS", "3")
TASKS = os.environ.get("OMS_BENCH_TASKS", "in-process")
FLOORS = Path(os.environ.get("OMS_BENCH_FLOORS", REPO.parent / "shared" / "bench"))
HOT_CLIENTS, HOT_UNITS = 200, 50
SCRIPT = Path(__file__).with_name("post_oms_order.lua")

pytestmark = [pytest.mark.benchmark, pytest.mark.postgres]


@dataclass(frozen=True)
class Row:
    clients: int
    raw_sql: float
    django: WrkRun
    oms: WrkRun
    tally: dict

    @property
    def orders_per_second(self) -> float:
        return self.tally["reserved"] / self.oms.seconds


def measure_floors(floors: Floors, log_dir: Path) -> dict[int, tuple[float, WrkRun]]:
    raw = {clients: floors.raw_sql(clients=clients, seconds=SECONDS) for clients in CLIENTS}
    with floors.django_server(log_dir / "django_floor.log") as base:
        return {
            clients: (raw[clients], floors.django(base, clients=clients, seconds=SECONDS))
            for clients in CLIENTS
        }


def oms_env(database_url: str, port: int) -> dict:
    env = {
        key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="oms.settings.production",
        SECRET_KEY=secrets.token_urlsafe(40),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",  # plain HTTP from wrk, no TLS proxy in front
        DATABASE_URL=database_url,
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY=WORKERS,
        LOG_LEVEL="WARNING",
    )
    if TASKS == "celery":
        env["REDIS_URL"] = os.environ["REDIS_URL"]
    return env


@contextmanager
def oms_served(database_url: str, log_dir: Path):
    """gunicorn as `make serve` runs it (and a Celery worker in celery mode); yields the base URL."""
    port = free_port()
    env = oms_env(database_url, port)
    base = f"http://127.0.0.1:{port}"
    gunicorn = [str(BIN / "gunicorn"), "-c", "oms/gunicorn.conf.py"]
    with ExitStack() as stack:
        stack.enter_context(
            running(gunicorn, env=env, log=log_dir / "oms.log", ready=answers(f"{base}/healthz"))
        )
        if TASKS == "celery":
            worker_log = log_dir / "celery.log"
            worker = celery_worker_command()
            stack.enter_context(running(worker, env=env, log=worker_log, ready=logged(worker_log, " ready.")))
        yield base


def post_orders(
    bench: BenchDatabase, base: str, token: str, prefix: str, clients: int
) -> tuple[WrkRun, dict]:
    run = wrk(base, connections=clients, seconds=SECONDS, script=SCRIPT, args=(token, prefix, SKUS))
    return run, bench.tally(prefix, until=time.time())


def race_for_hot_sku(
    bench: BenchDatabase, base: str, token: str, prefix: str, sku: str
) -> tuple[WrkRun, dict]:
    run = wrk(
        base, connections=HOT_CLIENTS, seconds=HOT_SECONDS, script=SCRIPT, args=(token, prefix, SKUS, sku)
    )
    return run, bench.hot(prefix, sku)


def print_report(rows: list[Row], hot_run: WrkRun, hot: dict, invariants: dict) -> None:
    sourcing = "a Celery worker (REDIS_URL)" if TASKS == "celery" else "in process (no REDIS_URL)"
    print(
        f"\n\nOrder intake over HTTP: PostgreSQL, gunicorn {WORKERS} workers, tasks {sourcing}, "
        f"{SECONDS:g} s per run. OMS orders/s counts orders accepted and reserved within 1 s."
    )
    print(
        f"{'clients':>7} {'raw SQL/s':>9} {'Django/s':>8} {'OMS orders/s':>12} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'non-2xx':>7} {'5xx':>4} {'accepted':>8} {'reserved':>8} {'OMS/Django':>10}"
    )
    for row in rows:
        print(
            f"{row.clients:>7} {row.raw_sql:>9.0f} {row.django.per_second:>8.0f} "
            f"{row.orders_per_second:>12.1f} "
            f"{row.oms.p50_ms:>7.1f} {row.oms.p99_ms:>7.1f} {row.oms.non_2xx:>7} {row.oms.server_errors:>4} "
            f"{row.tally['accepted']:>8} {row.tally['reserved']:>8} "
            f"{row.orders_per_second / row.django.per_second:>10.1%}"
        )
        if row.tally["reserved"] < row.tally["accepted"] or row.oms.socket_errors:
            print(
                f"        accepted orders by status: {row.tally['statuses']}; wrk socket errors: "
                f"{row.oms.socket_errors}"
            )
    print(
        f"Hot SKU: {HOT_CLIENTS} clients, {HOT_UNITS} units, {HOT_SECONDS:g} s: {hot['accepted']} accepted, "
        f"{hot['reserved_orders']} reserved ({hot['reserved_units']} units; stock level on hand "
        f"{hot['level_on_hand']}, reserved {hot['level_reserved']}), non-2xx {hot_run.non_2xx}, "
        f"5xx {hot_run.server_errors}, p50 {hot_run.p50_ms:.0f} ms, p99 {hot_run.p99_ms:.0f} ms"
    )
    if hot["accepted"] <= HOT_UNITS:
        print(
            f"        (only {hot['accepted']} orders for {HOT_UNITS} units, no race for the last unit: "
            "raise OMS_BENCH_HOT_SECONDS)"
        )
    print(
        f"Stock invariants (one snapshot of the benchmark database): {'ok' if invariants['ok'] else 'BROKEN'}"
    )


def test_intake_over_http_beside_the_floors(tmp_path):
    if not WRK:
        pytest.skip("needs wrk (apt-get install wrk)")
    if not (FLOORS / "limit_bench.py").exists():
        pytest.skip(f"needs the floors of ../shared/bench (set OMS_BENCH_FLOORS): {FLOORS} has none")
    if TASKS == "celery" and not os.environ.get("REDIS_URL"):
        pytest.skip("OMS_BENCH_TASKS=celery needs REDIS_URL")
    server = connection.settings_dict
    bench = BenchDatabase(postgres_url(server, os.environ.get("OMS_BENCH_DATABASE", "oms_bench")))
    floor_url = postgres_url(server, os.environ.get("OMS_BENCH_FLOOR_DATABASE", "oms_bench_floor"))
    ensure_database(floor_url)
    run = f"R{int(time.time())}"  # SKU codes are upper case
    hot_sku = f"HOT-{run}"
    token = bench.prepare(hot_sku=hot_sku, hot_units=HOT_UNITS)["token"]

    floors = measure_floors(Floors(FLOORS, floor_url, WORKERS), tmp_path)
    rows = []
    with oms_served(bench.url, tmp_path) as base:
        for clients in CLIENTS:
            oms, tally = post_orders(bench, base, token, f"{run}-c{clients}", clients)
            raw_sql, django = floors[clients]
            rows.append(Row(clients, raw_sql, django, oms, tally))
        hot_run, hot = race_for_hot_sku(bench, base, token, f"{run}-hot", hot_sku)
    invariants = bench.invariants()
    print_report(rows, hot_run, hot, invariants)

    assert invariants["ok"], invariants["problems"]
    assert hot["reserved_units"] <= HOT_UNITS and hot["level_reserved"] <= HOT_UNITS, hot
    assert hot["level_reserved"] == hot["reserved_units"] <= hot["level_on_hand"], hot
    assert [row.oms.server_errors for row in rows] == [0] * len(rows)
    assert hot_run.server_errors == 0
