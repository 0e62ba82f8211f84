"""Through a real Celery worker on a real Redis: a receiver that fails twice, a worker killed with
SIGKILL in the middle of a delivery, a Redis restart in the middle of a run. PostgreSQL only (the
worker is another process and must see the test's committed rows)."""

import os
import signal
import time

import pytest

from oms.integrations.webhooks.models import WebhookDelivery

from .conftest import subscribe
from .helpers import an_order, note
from .receiver import Receiver
from .workers import broker, celery_worker, worker_env

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
Status = WebhookDelivery.Status


def settled(count: int) -> bool:
    return WebhookDelivery.objects.filter(status=Status.SUCCEEDED).count() >= count


def wait(condition, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_a_real_worker_delivers_through_two_failures_signed(tmp_path, failing_twice):
    endpoint = subscribe(failing_twice.url, ["order.*"])
    with broker(tmp_path) as (redis_url, _restart), celery_worker(worker_env(redis_url), tmp_path / "w.log"):
        order = an_order()
        note(order, "one")
        note(order, "two")
        assert wait(lambda: settled(2)), (tmp_path / "w.log").read_text()[-3000:]
    got = [r.json["data"]["event"]["message"] for r in failing_twice.successes()]
    assert got == ["one", "two"]  # in order, each after its two failures
    assert len(failing_twice.received) == 6
    failing_twice.verify_all(endpoint.secret)


def test_a_worker_killed_mid_delivery_and_restarted_still_delivers(tmp_path):
    hook = Receiver(delay=4)  # the first attempt hangs: the worker is killed while it waits
    try:
        endpoint = subscribe(hook.url)
        with broker(tmp_path) as (redis_url, _restart):
            env = worker_env(redis_url)
            with celery_worker(env, tmp_path / "w1.log", name="w1") as worker:
                note(an_order(), "survives")
                assert hook.wait_for(lambda: len(hook.received) == 1, timeout=60)
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()
            hook.delay = 0
            assert WebhookDelivery.objects.get().status == Status.PENDING  # nobody recorded anything
            with celery_worker(env, tmp_path / "w2.log", name="w2"):
                assert wait(lambda: settled(1)), (tmp_path / "w2.log").read_text()[-3000:]
        assert len(hook.received) >= 2  # the same webhook-id twice: at least once, never none
        assert hook.message_ids() == {WebhookDelivery.objects.get().message_id}
        hook.verify_all(endpoint.secret)
    finally:
        hook.close()


def test_a_redis_restart_mid_run_loses_nothing(tmp_path):
    hook = Receiver(delay=0.05)
    try:
        endpoint = subscribe(hook.url)
        with broker(tmp_path) as (redis_url, restart):
            if restart is None:
                pytest.skip("needs redis-server to restart a private Redis")
            with celery_worker(worker_env(redis_url), tmp_path / "w.log", concurrency=2):
                orders = [an_order() for _ in range(20)]
                for order in orders:
                    note(order, "before")
                assert hook.wait_for(lambda: len(hook.received) >= 3, timeout=60)
                restart(down_for=2)  # every queued task is gone: Redis keeps nothing
                for order in orders:
                    note(order, "after")
                assert wait(lambda: settled(40), timeout=120), (tmp_path / "w.log").read_text()[-3000:]
        assert len(hook.message_ids()) == 40
        hook.verify_all(endpoint.secret)
    finally:
        hook.close()
