"""From the outbox to deliveries: claim pending outbox rows, make one delivery per matching
active endpoint, mark the rows delivered (handed over), and wake the senders. Purge old rows.

Several dispatchers may run at once (a task per commit, the scheduled sweep, many workers):
`FOR UPDATE SKIP LOCKED` gives each outbox row to exactly one of them, and the unique
(endpoint, message id) makes a repeat harmless anyway.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from oms.core.models import OutboxEvent
from oms.core.outbox import outbox_oldest_needed
from oms.core.transactions import transactional

from ..events import message_body, message_id, order_representations, topic_matches
from ..models import WebhookDelivery, WebhookEndpoint
from .locks import claim_outbox

Chain = tuple[int, str, str]  # endpoint id, aggregate type, aggregate id


def _deliveries_for(events: list[OutboxEvent], endpoints: list[WebhookEndpoint]) -> list[WebhookDelivery]:
    matches = [(event, [ep for ep in endpoints if topic_matches(ep.events, event.topic)]) for event in events]
    numbers = {event.aggregate_id for event, eps in matches if eps and event.aggregate_type == "order"}
    orders = order_representations(numbers)
    now = timezone.now()
    deliveries = []
    for event, matched in matches:
        if not matched:
            continue
        body = message_body(event, orders)
        deliveries += [
            WebhookDelivery(
                endpoint=endpoint,
                event=event,
                message_id=message_id(event),
                topic=event.topic,
                aggregate_type=event.aggregate_type,
                aggregate_id=event.aggregate_id,
                sequence=event.pk,
                body=body,
                created_at=now,
                next_attempt_at=now,
            )
            for endpoint in matched
        ]
    return deliveries


@transactional
def _dispatch_batch(batch: int) -> tuple[int, set[Chain]]:
    events = claim_outbox(batch)
    if not events:
        return 0, set()
    endpoints = list(WebhookEndpoint.objects.filter(active=True).order_by("pk"))
    deliveries = _deliveries_for(events, endpoints)
    WebhookDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    OutboxEvent.objects.filter(pk__in=[event.pk for event in events]).update(
        status=OutboxEvent.Status.DELIVERED, delivered_at=timezone.now(), attempts=F("attempts") + 1
    )
    chains = {(d.endpoint_id, d.aggregate_type, d.aggregate_id) for d in deliveries}
    transaction.on_commit(lambda: wake_chains(chains))
    return len(events), chains


def outbox_dispatch(*, batch: int = 500, max_batches: int = 20) -> int:
    """Fan pending outbox rows out into deliveries; returns how many rows were handed over."""
    total = 0
    for _ in range(max_batches):
        count, _chains = _dispatch_batch(batch)
        total += count
        if count < batch:
            break
    return total


def wake_chains(chains: set[Chain]) -> None:
    """Enqueue a sender per (endpoint, aggregate). A lost wake-up (the broker was down) costs a
    little time, nothing else: the scheduled sweep finds every due delivery in the database."""
    from ..tasks import deliver_chain

    for endpoint_id, aggregate_type, aggregate_id in sorted(chains):
        try:
            deliver_chain.delay(endpoint_id, aggregate_type, aggregate_id)
        except Exception:  # the broker is unreachable: the sweep will do it
            import logging

            logging.getLogger(__name__).warning("could not enqueue webhook delivery; the sweep will")
            return


def outbox_purge(*, now=None) -> int:
    """Delete outbox rows handed over more than OMS_OUTBOX_RETENTION_DAYS ago, and succeeded
    deliveries older than OMS_WEBHOOK_DELIVERY_RETENTION_DAYS (dead letters stay for an admin)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.OMS_OUTBOX_RETENTION_DAYS)
    handed_over = OutboxEvent.objects.filter(status=OutboxEvent.Status.DELIVERED, delivered_at__lt=cutoff)
    still_needed = outbox_oldest_needed()
    if still_needed is not None:
        handed_over = handed_over.filter(pk__lt=still_needed)
    rows, _ = handed_over.delete()
    kept = now - timedelta(days=settings.OMS_WEBHOOK_DELIVERY_RETENTION_DAYS)
    WebhookDelivery.objects.filter(status=WebhookDelivery.Status.SUCCEEDED, delivered_at__lt=kept).delete()
    return rows
