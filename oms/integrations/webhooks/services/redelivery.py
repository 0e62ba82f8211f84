"""Redelivery: an admin sends a delivery again (any status), or every delivery of an endpoint
in a time range. The same message (body and `webhook-id`) goes out again, freshly signed, in
its place in its chain, with a fresh round of attempts."""

import logging

from django.db import transaction
from django.utils import timezone

from oms.core.actor import Actor
from oms.core.transactions import transactional

from ..errors import WebhookError, WebhookErrorCode
from ..models import WebhookDelivery, WebhookEndpoint
from .dispatch import wake_chains
from .locks import lock_deliveries

logger = logging.getLogger(__name__)
#: At most this many deliveries per range redelivery (ask again for the next range).
MAX_RANGE = 10_000


@transactional
def deliveries_redeliver(*, ids: list[int], actor: Actor) -> int:
    """Queue these deliveries again; returns how many."""
    deliveries = lock_deliveries(sorted(set(ids)))
    if not deliveries:
        return 0
    now = timezone.now()
    WebhookDelivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(
        status=WebhookDelivery.Status.PENDING,
        attempts=0,
        next_attempt_at=now,
        leased_until=None,
        dead_at=None,
    )
    chains = {(d.endpoint_id, d.aggregate_type, d.aggregate_id) for d in deliveries}
    transaction.on_commit(lambda: wake_chains(chains))
    logger.info("%d webhook deliveries redelivered by %s", len(deliveries), actor)
    return len(deliveries)


def delivery_redeliver(*, delivery: WebhookDelivery, actor: Actor) -> WebhookDelivery:
    deliveries_redeliver(ids=[delivery.pk], actor=actor)
    return WebhookDelivery.objects.get(pk=delivery.pk)


def endpoint_redeliver_range(
    *, endpoint: WebhookEndpoint, since, until=None, actor: Actor, statuses: list[str] | None = None
) -> int:
    """Every delivery of `endpoint` created in [since, until) (optionally only those in `statuses`,
    e.g. dead letters after an outage) goes out again."""
    until = until or timezone.now()
    if since >= until:
        raise WebhookError(
            WebhookErrorCode.INVALID_RANGE, "`since` must be before `until`.", details={"field": "since"}
        )
    chosen = WebhookDelivery.objects.filter(endpoint=endpoint, created_at__gte=since, created_at__lt=until)
    if statuses:
        chosen = chosen.filter(status__in=statuses)
    ids = list(chosen.order_by("pk").values_list("pk", flat=True)[:MAX_RANGE])
    return deliveries_redeliver(ids=ids, actor=actor)
