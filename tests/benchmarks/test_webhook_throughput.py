"""Benchmark: webhook delivery throughput with 2 Celery workers on Redis to a local receiver.

Run with `make bench` against PostgreSQL (the workers are other processes):
    DATABASE_URL=postgres://... make bench
It prints two figures: the burst throughput (events/s, 1,000 events of 100 orders already in
the outbox when the workers start, then one commit wakes the dispatcher) and the lag (event
committed -> receiver answered 200) while events come in steadily at 40/s, about the rate of the
intake benchmark's load.
"""

import statistics
import time

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from oms.celery import app
from oms.core.outbox import outbox_event, outbox_write
from oms.integrations.webhooks import receivers
from oms.integrations.webhooks.models import WebhookDelivery
from tests.integrations.webhooks.conftest import subscribe
from tests.integrations.webhooks.helpers import an_order
from tests.integrations.webhooks.receiver import Receiver
from tests.integrations.webhooks.workers import broker, celery_worker, worker_env

ORDERS, EVENTS_PER_ORDER = 100, 10
STEADY_RATE, STEADY_SECONDS = 40, 10
REDIS_CACHE = "oms.core.cache.RedisCache"


def emit(orders, kind: str) -> None:
    with transaction.atomic():
        outbox_write(
            [
                outbox_event(
                    f"order.{kind}",
                    aggregate_type="order",
                    aggregate_id=order.number,
                    payload={"order": order.number, "event": kind},
                )
                for order in orders
            ]
        )


def succeeded() -> int:
    return WebhookDelivery.objects.filter(status=WebhookDelivery.Status.SUCCEEDED).count()


def wait_for(count: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while succeeded() < count:
        assert time.monotonic() < deadline, f"only {succeeded()} of {count} delivered"
        time.sleep(0.05)


@pytest.mark.benchmark
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_delivery_throughput_with_two_workers(tmp_path):
    hook = Receiver()
    try:
        subscribe(hook.url, ["order.*"])
        orders = [an_order() for _ in range(ORDERS)]
        for step in range(EVENTS_PER_ORDER):
            emit(orders, f"step_{step}")
        total = ORDERS * EVENTS_PER_ORDER
        with broker(tmp_path) as (redis_url, _restart):
            # As in production: the sweep every 30 s, and a dispatch task enqueued after each commit.
            env = worker_env(redis_url, OMS_WEBHOOK_SWEEP_SECONDS=30)
            app.conf.update(broker_url=redis_url, task_always_eager=False)
            receivers.connect()
            with (
                # the wake-up key where the workers clear it: their Redis
                override_settings(CACHES={"default": {"BACKEND": REDIS_CACHE, "LOCATION": redis_url}}),
                celery_worker(env, tmp_path / "w1.log", name="w1", beat=True),
                celery_worker(env, tmp_path / "w2.log", name="w2", beat=False),
            ):
                started = time.monotonic()
                emit(orders[:1], "start")  # its commit wakes the dispatcher
                total += 1
                wait_for(total, timeout=600)
                burst = total / (time.monotonic() - started)

                # Steady load: STEADY_RATE events/s, lag from commit to the receiver's 200.
                before = succeeded()
                sent = 0
                steady_started = time.monotonic()
                while time.monotonic() - steady_started < STEADY_SECONDS:
                    batch = orders[: STEADY_RATE // 10]
                    emit(batch, "steady")
                    sent += len(batch)
                    time.sleep(max(0.0, steady_started + sent / STEADY_RATE - time.monotonic()))
                wait_for(before + sent, timeout=300)
            receivers.disconnect()
            app.conf.update(broker_url="memory://", task_always_eager=True)
        steady = WebhookDelivery.objects.filter(topic="order.steady", status=WebhookDelivery.Status.SUCCEEDED)
        lags = sorted(
            (delivery.delivered_at - delivery.event.created_at).total_seconds()
            for delivery in steady.select_related("event")
        )
        assert len(hook.message_ids()) == total + sent
        p50, p95 = statistics.median(lags), lags[int(len(lags) * 0.95) - 1]
        print(
            "\nwebhook delivery, 2 workers (prefork, concurrency 1 each), local receiver, "
            f"{timezone.now():%Y-%m-%d}:"
            f"\n  burst: {total} events of {ORDERS} orders in the outbox -> {burst:.0f} events/s"
            f"\n  steady {STEADY_RATE} events/s for {STEADY_SECONDS} s: lag p50 {p50 * 1000:.0f} ms, "
            f"p95 {p95 * 1000:.0f} ms, max {lags[-1] * 1000:.0f} ms"
        )
    finally:
        hook.close()
