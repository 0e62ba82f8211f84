"""Prometheus metrics: only an admin or the metrics token reads them; they say what operators watch."""

import pytest
from django.test import Client

from oms.core.outbox import outbox_emit

pytestmark = pytest.mark.django_db


def test_anonymous_and_agents_cannot_read_metrics(cs_user, settings):
    settings.OMS_METRICS_TOKEN = "s3cret-metrics"
    assert Client().get("/metrics").status_code == 401
    assert Client().get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    agent = Client()
    agent.force_login(cs_user)
    assert agent.get("/metrics").status_code == 401


def test_the_token_reads_request_counts_latency_and_backlogs(settings, admin_user):
    settings.OMS_METRICS_TOKEN = "s3cret-metrics"
    outbox_emit("order.accepted", aggregate_type="order", aggregate_id="W-1", payload={})
    browser = Client()
    browser.force_login(admin_user)
    browser.get("/orders/")
    response = Client().get("/metrics", headers={"Authorization": "Bearer s3cret-metrics"})
    assert response.status_code == 200
    text = response.content.decode()
    assert 'oms_http_requests_total{method="GET",route="desk:orders",status="200"}' in text
    assert 'oms_http_request_duration_seconds_bucket{le="0.5",route="desk:orders"}' in text
    assert 'oms_outbox_events{status="pending"} 1.0' in text
    assert "oms_sourcing_requests 0.0" in text
    assert 'oms_inbox_documents{status="failed"} 0.0' in text
    assert 'oms_webhook_deliveries{status="dead"} 0.0' in text


def test_failed_webhook_deliveries_show_as_dead_letters(admin_user):
    from oms.core.actor import Actor
    from oms.integrations.webhooks import services as webhooks
    from oms.integrations.webhooks.models import WebhookDelivery

    webhooks.endpoint_create(url="http://127.0.0.1:9/oms", events=["*"], actor=Actor.system("test"))
    for n in range(3):
        outbox_emit("order.accepted", aggregate_type="order", aggregate_id=f"W-{n}", payload={})
    webhooks.outbox_dispatch()  # nothing listens on port 9: the attempts fail and wait to be retried
    WebhookDelivery.objects.filter(aggregate_id="W-0").update(status=WebhookDelivery.Status.DEAD)
    client = Client()
    client.force_login(admin_user)
    text = client.get("/metrics").content.decode()
    waiting = ('oms_webhook_deliveries{status="pending"}', 'oms_webhook_deliveries{status="retrying"}')
    open_deliveries = sum(
        float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(waiting)
    )
    assert open_deliveries == 2
    assert 'oms_webhook_deliveries{status="dead"} 1.0' in text


def test_an_admin_session_reads_them(admin_user):
    client = Client()
    client.force_login(admin_user)
    assert client.get("/metrics").status_code == 200
