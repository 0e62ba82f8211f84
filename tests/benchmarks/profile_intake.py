"""Where the web process's CPU goes on one intake: POST /api/v1/orders/ through Django's WSGI
handler in this process (production settings, no HTTP server), first timed, then under cProfile.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/oms_bench REDIS_URL=redis://127.0.0.1:6379/11 \
        python -m tests.benchmarks.profile_intake [--orders 400] [--top 40] [--sort tottime]

Prepares the benchmark database as test_intake_http.py does (intake_db prepare). With REDIS_URL
set the sourcing tasks only queue (no worker runs), so the figure is the request's own work;
without it sourcing runs in the request. Prints the CPU milliseconds per request without the
profiler, then the profile's top functions.
"""

import argparse
import cProfile
import io
import itertools
import json
import os
import pstats
import random
import secrets
import time

from .intake_db import SKUS, BenchDatabase, ensure_database


def _body(prefix: str, number: int) -> bytes:
    first, second = random.sample(range(SKUS), 2)
    lines = [
        {"sku": f"BENCH-{sku:05d}", "quantity": 1, "unit_price": "10.00", "discount": "0.00", "tax": "1.00"}
        for sku in (first, second)
    ]
    order = {
        "external_id": f"{prefix}-{number}",
        "placed_at": "2026-03-02T10:00:00Z",
        "currency": "USD",
        "customer": {"email": "bench@example.com", "name": "Bench Buyer"},
        "shipping_address": {
            "name": "Bench Buyer",
            "line1": "350 5th Ave",
            "city": "New York",
            "region": "NY",
            "postal_code": "10118",
            "country_code": "US",
        },
        "lines": lines,
        "shipping_price": "5.00",
        "totals": {"total": "27.00"},
        "payment_status": "authorized",
    }
    return json.dumps(order).encode()


def _environ(body: bytes, token: str) -> dict:
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/api/v1/orders/",
        "QUERY_STRING": "",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_AUTHORIZATION": f"Token {token}",
        "HTTP_HOST": "127.0.0.1",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "443",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "https",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=400)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--callees", default="", help="also print what functions matching this call")
    args = parser.parse_args()

    url = os.environ["DATABASE_URL"]
    ensure_database(url)
    token = BenchDatabase(url).prepare(hot_sku="", hot_units=0)["token"]
    os.environ.update(
        DJANGO_SETTINGS_MODULE="oms.settings.production",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler

    handler = WSGIHandler()
    prefix = f"prof{secrets.token_hex(3)}"
    numbers = itertools.count()
    statuses: dict[str, int] = {}

    def post() -> None:
        def start_response(status, headers, exc_info=None):
            statuses[status] = statuses.get(status, 0) + 1

        for _ in handler(_environ(_body(prefix, next(numbers)), token), start_response):
            pass

    for _ in range(50):  # warm up: imports, connections, caches
        post()
    started = time.process_time()
    for _ in range(args.orders):
        post()
    cpu_ms = (time.process_time() - started) * 1000 / args.orders
    profiler = cProfile.Profile(time.process_time)  # CPU, not waits on PostgreSQL
    profiler.enable()
    for _ in range(args.orders):
        post()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats(args.sort)
    stats.print_stats(args.top)
    if args.callees:
        stats.print_callees(args.callees)
    print(out.getvalue())
    print(f"statuses: {statuses}")
    print(f"CPU {cpu_ms:.2f} ms per request (no profiler)")


if __name__ == "__main__":
    main()
