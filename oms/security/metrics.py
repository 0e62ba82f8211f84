"""Prometheus metrics at /metrics: request rate and latency per route, and the backlogs an
operator watches (outbox, sourcing requests, channel inbox, dead letters) and Celery task
failures (oms.security.task_metrics), read at scrape time.

Readable by an admin's session or with `Authorization: Bearer <OMS_METRICS_TOKEN>`. With several
gunicorn workers set PROMETHEUS_MULTIPROC_DIR (an empty directory) so that every worker's
counters are summed (oms/gunicorn.conf.py cleans up after a worker exits).
"""

import hmac
import os
import time

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

from oms.core.roles import OMS_ADMIN, has_role

from .task_metrics import TaskFailureCollector

REQUESTS = Counter("oms_http_requests_total", "HTTP requests answered", ["method", "route", "status"])
LATENCY = Histogram(
    "oms_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["route"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


class RequestMetricsMiddleware:
    """Counts and times every request by its route name (never its raw path: bounded labels)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = request.resolver_match
        route = match.view_name if match and match.view_name else "unmatched"
        LATENCY.labels(route).observe(time.perf_counter() - started)
        REQUESTS.labels(request.method, route, str(response.status_code)).inc()
        return response


class BacklogCollector:
    """Queue depths straight from the database, one cheap count each."""

    def collect(self):
        from fulfillment.models import SourcingRequest
        from oms.core.models import OutboxEvent
        from oms.integrations.inbox.models import InboxDocument

        outbox = GaugeMetricFamily("oms_outbox_events", "Outbox events by status", labels=["status"])
        for status in (OutboxEvent.Status.PENDING, OutboxEvent.Status.DEAD):
            outbox.add_metric([status], OutboxEvent.objects.filter(status=status).count())
        yield outbox
        yield GaugeMetricFamily(
            "oms_sourcing_requests", "Orders waiting to be sourced", value=SourcingRequest.objects.count()
        )
        inbox = GaugeMetricFamily("oms_inbox_documents", "Channel documents by status", labels=["status"])
        for status in (InboxDocument.Status.RECEIVED, InboxDocument.Status.FAILED):
            inbox.add_metric([status], InboxDocument.objects.filter(status=status).count())
        yield inbox
        from oms.integrations.webhooks.models import WebhookDelivery

        deliveries = GaugeMetricFamily(
            "oms_webhook_deliveries", "Webhook deliveries not (yet) received, by status", labels=["status"]
        )
        for status in (*WebhookDelivery.OPEN, WebhookDelivery.Status.DEAD):
            deliveries.add_metric([status], WebhookDelivery.objects.filter(status=status).count())
        yield deliveries
        from django.db.models import Count

        from orders.models import Order

        orders = GaugeMetricFamily("oms_orders", "Orders by status", labels=["status"])
        for row in Order.objects.order_by().values("status").annotate(n=Count("id")):
            orders.add_metric([row["status"]], row["n"])
        yield orders


def _registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REQUESTS)
        registry.register(LATENCY)
    registry.register(BacklogCollector())
    registry.register(TaskFailureCollector())
    return registry


def _allowed(request) -> bool:
    token = settings.OMS_METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].encode(), token.encode()):
        return True
    return request.user.is_authenticated and has_role(request.user, OMS_ADMIN)


@never_cache
@require_GET
def metrics(request):
    if not _allowed(request):
        response = HttpResponse("Metrics need an admin session or the metrics token.\n", status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
