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


def test_an_admin_session_reads_them(admin_user):
    client = Client()
    client.force_login(admin_user)
    assert client.get("/metrics").status_code == 200
