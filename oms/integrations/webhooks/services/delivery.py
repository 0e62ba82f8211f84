"""Send deliveries, one (endpoint, aggregate) chain at a time, in order of occurrence.

A sender claims the head of its chain (the open delivery with the lowest sequence) with a
lease: a short transaction marks it taken until `leased_until`, the HTTP request runs outside
any transaction, and a second short transaction records the attempt. A worker that dies in the
middle leaves the lease to run out, then the sweep (or Celery's redelivery of the unacked task)
sends it again: at least once, a receiver may see a `webhook-id` twice, never none.

A failed attempt waits `backoff(n)` (exponential with jitter, about 3 days over
OMS_WEBHOOK_MAX_ATTEMPTS attempts) and then becomes a dead letter; the chain goes on with the
next delivery only when the head succeeded or died, so a receiver never sees an order's
`shipped` before its `allocated`.
"""

import logging
import random
import time
from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from oms.core.models import OutboxEvent
from oms.core.transactions import transactional

from .. import client
from ..models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from .endpoints import endpoint_disable, signing_secrets
from .locks import lock_chain_head, lock_delivery

logger = logging.getLogger(__name__)
Status = WebhookDelivery.Status
OUTCOME_FIELDS = ["last_status_code", "last_error", "leased_until"]


def backoff(attempt: int) -> timedelta:
    """The wait after failed attempt number `attempt` (1-based): base * factor^(n-1), capped,
    with +-25% jitter so that retries of many deliveries do not arrive together."""
    base = settings.OMS_WEBHOOK_RETRY_BASE_SECONDS * settings.OMS_WEBHOOK_RETRY_FACTOR ** (attempt - 1)
    seconds = min(base, settings.OMS_WEBHOOK_RETRY_CAP_SECONDS)
    return timedelta(seconds=seconds * random.uniform(0.75, 1.25))


def _chain(endpoint_id: int, aggregate_type: str, aggregate_id: str):
    return WebhookDelivery.objects.filter(
        endpoint_id=endpoint_id,
        aggregate_type=aggregate_type,
        aggregate_id=aggregate_id,
        status__in=WebhookDelivery.OPEN,
    ).order_by("sequence", "pk")


def _earlier_event_pending(delivery: WebhookDelivery) -> bool:
    """An older event of the same aggregate not fanned out yet (a dispatcher holds it): wait for
    it, or this one would overtake it."""
    return OutboxEvent.objects.filter(
        status=OutboxEvent.Status.PENDING,
        aggregate_type=delivery.aggregate_type,
        aggregate_id=delivery.aggregate_id,
        pk__lt=delivery.sequence,
    ).exists()


def _overtaken(chain, delivery: WebhookDelivery) -> bool:
    """Under READ COMMITTED each statement sees the latest commits: a dispatcher may have
    committed an earlier event's delivery between reading the head and checking the outbox.
    Checked after the outbox (that commit is atomic: one check or the other sees it)."""
    return chain.values_list("sequence", flat=True).first() != delivery.sequence


@transactional
def _claim(endpoint_id: int, aggregate_type: str, aggregate_id: str):
    """('send', delivery) | ('wait', when) | ('busy', None) | ('done', None)."""
    now = timezone.now()
    chain = _chain(endpoint_id, aggregate_type, aggregate_id)
    delivery = lock_chain_head(chain)
    if delivery is None:
        # PostgreSQL may find no row when the head it waited for closed meanwhile: look again.
        return ("busy", None) if chain.exists() else ("done", None)
    if delivery.leased_until and delivery.leased_until > now:
        return "busy", None  # another worker is sending it
    if delivery.next_attempt_at > now:
        return "wait", delivery.next_attempt_at
    if not delivery.endpoint.active:
        return "done", None  # disabled: its deliveries wait until an admin enables it again
    if _earlier_event_pending(delivery) or _overtaken(chain, delivery):
        return "busy", None  # whoever hands the earlier one over wakes this chain again
    delivery.attempts += 1
    delivery.leased_until = now + timedelta(seconds=client.lease_seconds())
    delivery.save(update_fields=["attempts", "leased_until"])
    return "send", delivery


def _send(delivery: WebhookDelivery) -> client.Outcome:
    endpoint = delivery.endpoint
    now = timezone.now()
    headers = client.headers_for(signing_secrets(endpoint, now=now), delivery.message_id, now, delivery.body)
    return client.post(endpoint.url, delivery.body, headers)


@transactional
def _record(
    delivery_id: int, outcome: client.Outcome, started_at, attempt: int, *, endpoint_failing: bool = True
) -> WebhookDelivery | None:
    delivery = lock_delivery(delivery_id)
    if delivery is None:
        return None
    WebhookAttempt.objects.create(
        delivery=delivery,
        started_at=started_at,
        duration_ms=outcome.duration_ms,
        status_code=outcome.status_code,
        succeeded=outcome.succeeded,
        response_excerpt=outcome.excerpt,
        error=outcome.error[:500],
    )
    now = timezone.now()
    delivery.last_status_code, delivery.last_error = outcome.status_code, outcome.error[:500]
    delivery.leased_until = None
    if delivery.status not in WebhookDelivery.OPEN or delivery.attempts != attempt:
        # Sent twice (a lease ran out while this worker was still waiting): the other one decides.
        delivery.save(update_fields=OUTCOME_FIELDS)
        return delivery
    if outcome.succeeded:
        delivery.status, delivery.delivered_at = Status.SUCCEEDED, now
        if endpoint_failing:
            WebhookEndpoint.objects.filter(pk=delivery.endpoint_id, consecutive_failures__gt=0).update(
                consecutive_failures=0, failing_since=None
            )
    else:
        if delivery.attempts >= settings.OMS_WEBHOOK_MAX_ATTEMPTS:
            delivery.status, delivery.dead_at = Status.DEAD, now
        else:
            delivery.status, delivery.next_attempt_at = Status.RETRYING, now + backoff(delivery.attempts)
        _count_failure(delivery.endpoint_id, now)
    delivery.save(update_fields=[*OUTCOME_FIELDS, "status", "delivered_at", "dead_at", "next_attempt_at"])
    return delivery


def _count_failure(endpoint_id: int, now) -> None:
    WebhookEndpoint.objects.filter(pk=endpoint_id).update(consecutive_failures=F("consecutive_failures") + 1)
    WebhookEndpoint.objects.filter(pk=endpoint_id, failing_since__isnull=True).update(failing_since=now)
    endpoint = WebhookEndpoint.objects.filter(pk=endpoint_id, active=True).first()
    if endpoint is None:
        return
    window = timedelta(hours=settings.OMS_WEBHOOK_DISABLE_AFTER_HOURS)
    if (
        endpoint.consecutive_failures >= settings.OMS_WEBHOOK_DISABLE_AFTER_FAILURES
        and endpoint.failing_since is not None
        and endpoint.failing_since <= now - window
    ):
        endpoint_disable(
            endpoint_id=endpoint_id,
            reason=f"{endpoint.consecutive_failures} failed attempts in a row since "
            f"{endpoint.failing_since:%Y-%m-%d %H:%M} UTC",
        )


def delivery_chain_run(
    *, endpoint_id: int, aggregate_type: str, aggregate_id: str, budget_seconds: float = 60
) -> tuple[int, object]:
    """Send the chain's due deliveries in order until one fails, the chain is empty or the time
    budget is spent. Returns (attempts made, what is next: None, a datetime to come back at, or
    "more" when the budget ran out). Idempotent: a second sender finds the head taken and stops."""
    started, sent = time.monotonic(), 0
    while time.monotonic() - started < budget_seconds:
        state, value = _claim(endpoint_id, aggregate_type, aggregate_id)
        if state != "send":
            return sent, value if state == "wait" else None
        delivery, attempt_started = value, timezone.now()
        outcome = _send(delivery)
        failing = delivery.endpoint.consecutive_failures > 0
        recorded = _record(delivery.pk, outcome, attempt_started, delivery.attempts, endpoint_failing=failing)
        sent += 1
        if recorded is not None and recorded.status == Status.RETRYING:
            return sent, recorded.next_attempt_at
    return sent, "more"


def due_chains(*, endpoint_id: int | None = None, limit: int = 1000) -> list[tuple[int, str, str]]:
    """Chains whose head may go out now (due, not held by a live lease, endpoint active): what
    the sweep wakes, after a lost task, a dead worker or a broker restart."""
    now = timezone.now()
    due = WebhookDelivery.objects.filter(
        status__in=WebhookDelivery.OPEN, next_attempt_at__lte=now, endpoint__active=True
    ).exclude(leased_until__gt=now)
    if endpoint_id is not None:
        due = due.filter(endpoint_id=endpoint_id)
    return list(
        due.order_by().values_list("endpoint_id", "aggregate_type", "aggregate_id").distinct()[:limit]
    )
