"""CPU milliseconds per accepted order, per process kind (web, worker, postgres): a steadier
figure than orders/s on a shared machine.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/oms_bench REDIS_URL=redis://127.0.0.1:6379/7 \
        python -m tests.benchmarks.cpu_per_order [--tasks celery|in-process] [--seconds 8] [--clients 4]

Serves the OMS as test_intake_http.py does (gunicorn, production settings, a Celery worker with
--tasks celery) on the benchmark database of DATABASE_URL (prepared by intake_db), posts 2-line
orders with wrk, waits until sourcing settled, and reads the CPU time each process spent from
/proc: gunicorn and its workers, the Celery worker and its children, and the PostgreSQL backends
connected to the benchmark database.
"""

import argparse
import os
import secrets
import subprocess
import tempfile
import time
from pathlib import Path

from tests.serving import answers, free_port, logged, running

from .http_load import BIN, celery_worker_command, wrk
from .intake_db import SKUS, BenchDatabase

TICK = os.sysconf("SC_CLK_TCK")
SCRIPT = Path(__file__).with_name("post_oms_order.lua")


def _cpu_seconds(pid: int) -> float:
    """utime + stime of a process and its reaped children."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(value) for value in fields[11:15]) / TICK


def _tree(pid: int) -> list[int]:
    result = subprocess.run(["pgrep", "-g", str(pid)], capture_output=True, text=True)
    return [int(line) for line in result.stdout.split()]


def _backends(database: str) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            if cmdline.startswith("postgres: ") and f" {database} " in cmdline:
                pids.append(int(entry.name))
    return pids


def snapshot(groups: dict[str, int], database: str) -> dict[str, dict[int, float]]:
    shot = {name: {pid: _cpu_seconds(pid) for pid in _tree(leader)} for name, leader in groups.items()}
    shot["postgres"] = {pid: _cpu_seconds(pid) for pid in _backends(database)}
    return shot


def spent(before: dict, after: dict) -> dict[str, float]:
    return {
        name: sum(cpu - before.get(name, {}).get(pid, 0.0) for pid, cpu in pids.items())
        for name, pids in after.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", default="celery")
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", default="2")
    args = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    database = url.rsplit("/", 1)[1]
    bench = BenchDatabase(url)
    token = bench.prepare(hot_sku="HOT-CPU", hot_units=1)["token"]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(
        DJANGO_SETTINGS_MODULE="oms.settings.production",
        SECRET_KEY=secrets.token_urlsafe(40),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=url,
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY=args.workers,
        LOG_LEVEL="WARNING",
    )
    if args.tasks == "celery":
        env["REDIS_URL"] = os.environ["REDIS_URL"]
    logs = Path(tempfile.mkdtemp(prefix="cpu_per_order-"))
    gunicorn = [str(BIN / "gunicorn"), "-c", "oms/gunicorn.conf.py"]
    with running(gunicorn, env=env, log=logs / "oms.log", ready=answers(f"{base}/healthz")) as web:
        groups = {"web": web.pid}
        worker = None
        if args.tasks == "celery":
            worker_log = logs / "celery.log"
            command = celery_worker_command()
            worker = running(command, env=env, log=worker_log, ready=logged(worker_log, " ready."))
            groups["worker"] = worker.__enter__().pid
        try:
            prefix = f"C{int(time.time())}"
            # warm up: connections open, code paths imported
            wrk(base, connections=args.clients, seconds=2, script=SCRIPT, args=(token, f"{prefix}w", SKUS))
            bench.tally(f"{prefix}w", until=time.time())
            before = snapshot(groups, database)
            run = wrk(
                base,
                connections=args.clients,
                seconds=args.seconds,
                script=SCRIPT,
                args=(token, prefix, SKUS),
            )
            tally = bench.tally(prefix, until=time.time())
            # the tally's own backend is gone by now; the OMS's persist (CONN_MAX_AGE)
            after = snapshot(groups, database)
        finally:
            if worker is not None:
                worker.__exit__(None, None, None)
    orders = tally["accepted"]
    cpu = spent(before, after)
    print(
        f"{orders} orders accepted ({run.per_second:.0f}/s, p99 {run.p99_ms:.0f} ms), "
        f"{tally['reserved']} reserved in 1 s; "
        f"statuses {tally['statuses']}; logs {logs}"
    )
    total = 0.0
    for name, seconds in cpu.items():
        total += seconds
        each = sorted(
            (after[name][pid] - before.get(name, {}).get(pid, 0.0) for pid in after[name]), reverse=True
        )
        processes = " + ".join(f"{part * 1000 / max(orders, 1):.1f}" for part in each if part > 0)
        print(f"  {name:>8}: {seconds * 1000 / max(orders, 1):6.1f} ms CPU/order ({processes})")
    print(f"  {'total':>8}: {total * 1000 / max(orders, 1):6.1f} ms CPU/order")


if __name__ == "__main__":
    main()
