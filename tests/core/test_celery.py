"""Celery: in process without a broker; through a real Redis and a real worker when REDIS_URL is set."""

import os
import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from oms.celery import app
from oms.core.models import IdempotencyRecord
from oms.core.tasks import purge_idempotency_records


def make_records():
    old = IdempotencyRecord.objects.create(scope="user:1 /x", key="old", fingerprint="f")
    IdempotencyRecord.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))
    IdempotencyRecord.objects.create(scope="user:1 /x", key="fresh", fingerprint="f")


@pytest.mark.django_db
def test_purge_forgets_only_answers_older_than_the_replay_window():
    make_records()
    assert purge_idempotency_records.delay().get() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["fresh"]


def test_celery_is_configured_for_json_and_late_acks():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_acks_late is True
    assert "purge-idempotency-records" in app.conf.beat_schedule


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a real Redis)")
@pytest.mark.django_db(transaction=True)
def test_a_task_sent_through_redis_runs_on_a_real_worker():
    make_records()
    app.conf.update(broker_url=os.environ["REDIS_URL"], task_always_eager=False)
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10
        ):
            # An explicit connection: the app's producer pool may already exist for the eager broker.
            with app.connection_for_write(os.environ["REDIS_URL"]) as connection:
                purge_idempotency_records.apply_async(connection=connection)
            deadline = time.monotonic() + 15
            while IdempotencyRecord.objects.filter(key="old").exists() and time.monotonic() < deadline:
                time.sleep(0.1)
    finally:
        app.conf.update(broker_url="memory://", task_always_eager=True)
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["fresh"]
