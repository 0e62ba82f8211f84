"""The ERP and feed tasks: on the beat schedule, named for their queues, thin and repeatable."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import transaction

from oms.celery import app
from oms.core.models import Channel
from oms.core.outbox import outbox_emit
from oms.integrations.erp import tasks as erp_tasks
from oms.integrations.erp.models import ErpConnection, ErpExport
from oms.integrations.feeds import tasks as feed_tasks
from oms.integrations.feeds.models import FeedPush, FeedSettings

pytestmark = pytest.mark.django_db


def test_every_schedule_names_a_task_of_its_queue():
    app.loader.import_default_modules()
    ours = {
        name: entry["task"]
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        if entry["task"].startswith(("erp.", "feeds."))
    }
    assert set(ours.values()) == {"erp.export", "erp.import_files", "feeds.tick", "feeds.push_full"}
    assert all(task in app.tasks for task in ours.values())
    assert {"erp.send_export", "feeds.send_push"} <= set(app.tasks)


def test_the_tasks_run_and_running_them_again_sends_nothing_twice(fake_server):
    ErpConnection.objects.create(enabled=True, endpoint_url=fake_server.url)
    with transaction.atomic():
        outbox_emit("order.shipped", aggregate_type="order", aggregate_id="T-1", payload={"tracking": "1Z"})
    assert erp_tasks.export.delay().get() == {"erp:http": 1}
    assert erp_tasks.export.delay().get() == {"erp:http": 0}
    export = ErpExport.objects.get()
    assert erp_tasks.send_export.delay(export.pk).get() == "sent"
    [document] = fake_server.requests[0]["json"]["documents"]
    assert document["stream"] == "shipments" and document["data"] == {"tracking": "1Z"}
    assert len(fake_server.requests) == 1

    channel = Channel.objects.create(
        code="web", name="Web", kind=Channel.Kind.WEB_SHOP, adapter_kind="http_json"
    )
    FeedSettings.objects.create(channel=channel, enabled=True, url=fake_server.url, interval_seconds=3600)
    assert feed_tasks.push_full.delay().get() == 1
    assert feed_tasks.tick.delay().get() == 0
    push = FeedPush.objects.get()
    assert feed_tasks.send_push.delay(push.pk).get() == "sent"
    assert len(fake_server.requests) == 2
    assert push.created_at - timedelta(seconds=5) < FeedSettings.objects.get().last_push_at
