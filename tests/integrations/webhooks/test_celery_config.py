"""Celery set for reliability: late acks, tasks put back when a worker dies, prefetch 1, a
visibility timeout above the longest task, and one queue per kind of work."""

from celery import current_app

from oms.celery import app
from oms.integrations.webhooks import client
from oms.integrations.webhooks.tasks import MAX_COUNTDOWN


def queue_of(task_name: str) -> str:
    route = app.amqp.router.route({}, task_name)
    return route["queue"].name


def test_delivery_is_acked_late_and_put_back_when_a_worker_dies():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1


def test_the_visibility_timeout_is_above_the_longest_task_and_every_eta():
    timeout = app.conf.broker_transport_options["visibility_timeout"]
    longest_chain_run = 60 + client.lease_seconds()  # its time budget, plus the attempt under way
    assert timeout > longest_chain_run
    assert timeout > MAX_COUNTDOWN.total_seconds()


def test_tasks_go_to_their_own_queues():
    assert queue_of("webhooks.deliver_chain") == "webhooks"
    assert queue_of("webhooks.sweep") == "webhooks"
    assert queue_of("inbox.process_document") == "channel"
    assert queue_of("erp.export_orders") == "erp"
    assert queue_of("feeds.push_inventory") == "feeds"
    assert queue_of("fulfillment.source_requested") == "default"
    assert current_app.conf.beat_scheduler.startswith("oms.beat")
