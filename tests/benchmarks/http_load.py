"""Load over HTTP for the benchmarks: wrk runs and what they print, and the intake floors of
../shared/bench (README there) measured in the same run: `limit_bench.py` (raw SQL from a
Python client) and `django_floor.py` (the same SQL in a bare Django view under gunicorn,
driven by wrk with `post_order.lua`)."""

import contextlib
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tests.serving import answers, free_port, running

WRK = shutil.which("wrk")
BIN = Path(sys.executable).parent


def celery_worker_command() -> list[str]:
    """The Celery worker the benchmarks run beside gunicorn: consuming every queue the app
    routes to (CELERY_TASK_ROUTES and the default queue, as `make worker` does), so webhook
    dispatch, channel, feed and ERP tasks run and cost what they cost."""
    from oms.settings import base

    queues = [base.CELERY_TASK_DEFAULT_QUEUE]
    queues += sorted({route["queue"] for route in base.CELERY_TASK_ROUTES.values()} - set(queues))
    options = ["-Q", ",".join(queues), "--loglevel=info", "--without-mingle"]
    return [str(BIN / "celery"), "-A", "oms", "worker", *options]


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass(frozen=True)
class WrkRun:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    wrk_errors: int  # wrk's "Non-2xx or 3xx responses" (it counts status >= 400)
    socket_errors: int  # connect, read, write, timeout
    statuses: dict[int, int] = field(default_factory=dict)  # from scripts that print "status N count"

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    @property
    def non_2xx(self) -> int:
        if not self.statuses:
            return self.wrk_errors
        return sum(count for status, count in self.statuses.items() if not 200 <= status < 300)

    @property
    def server_errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if status >= 500)


def _ms(number: str, unit: str) -> float:
    return float(number) * UNITS_MS[unit]


def parse_wrk(output: str) -> WrkRun:
    done = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)\b", output)
    percentiles = dict(re.findall(r"^\s*(50|99)%\s+([\d.]+(?:us|ms|s|m))\s*$", output, re.M))
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    wrk_errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if not done or set(percentiles) != {"50", "99"}:
        raise ValueError(f"unexpected wrk output:\n{output}")

    def latency(key: str) -> float:
        number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", percentiles[key]).groups()
        return _ms(number, unit)

    return WrkRun(
        requests=int(done[1]),
        seconds=_ms(done[2], done[3]) / 1000,
        p50_ms=latency("50"),
        p99_ms=latency("99"),
        wrk_errors=int(wrk_errors[1]) if wrk_errors else 0,
        socket_errors=sum(map(int, socket.groups())) if socket else 0,
        statuses={int(code): int(count) for code, count in re.findall(r"^status (\d+) (\d+)$", output, re.M)},
    )


def wrk(url: str, *, connections: int, seconds: float, script: Path, args: tuple = ()) -> WrkRun:
    """`connections` clients for `seconds`, each waiting for its answer before the next request."""
    command = [WRK, f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "30s"]
    command += ["--latency", "-s", str(script), url]
    if args:
        command += ["--", *map(str, args)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120, check=True)
    return parse_wrk(result.stdout)


@dataclass(frozen=True)
class Floors:
    """The two floors, on a PostgreSQL database of their own (`limit_bench.py` recreates its
    tables on every run; `django_floor.py` connects as postgres@127.0.0.1)."""

    directory: Path
    database_url: str
    workers: str

    def raw_sql(self, *, clients: int, seconds: float) -> float:
        """Orders/s of limit_bench.py (which also checks that nothing was oversold)."""
        command = [sys.executable, self.directory / "limit_bench.py", self.database_url]
        result = subprocess.run(
            [*command, "--clients", str(clients), "--seconds", f"{seconds:g}"],
            capture_output=True,
            text=True,
            timeout=seconds + 120,
            check=True,
        )
        found = re.search(r"orders_per_s=(\d+) oversold_rows=0 reservations_match=True", result.stdout)
        if not found:
            raise ValueError(f"limit_bench.py: {result.stdout}{result.stderr}")
        return float(found[1])

    @contextlib.contextmanager
    def django_server(self, log: Path):
        """The bare Django view under gunicorn; yields its base URL. Needs the tables that a
        raw_sql run leaves."""
        port = free_port()
        command = [str(BIN / "gunicorn"), "-w", self.workers, "-b", f"127.0.0.1:{port}"]
        command += ["--no-control-socket", "--chdir", str(self.directory), "django_floor:application"]
        env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
        env["FLOOR_DB"] = self.database_url.rsplit("/", 1)[1]
        base = f"http://127.0.0.1:{port}"
        with running(command, env=env, log=log, ready=answers(f"{base}/noop")):
            yield base

    def django(self, base: str, *, clients: int, seconds: float) -> WrkRun:
        return wrk(
            f"{base}/intake", connections=clients, seconds=seconds, script=self.directory / "post_order.lua"
        )
