"""The webhooks' row locks (design section 2). A delivery is locked before its endpoint; the
dispatcher locks outbox rows only (it inserts deliveries, it locks none)."""

from oms.core.models import OutboxEvent
from oms.core.transactions import for_update

from ..models import WebhookDelivery, WebhookEndpoint


def claim_outbox(batch: int) -> list[OutboxEvent]:
    """Pending outbox rows, oldest first, that no other dispatcher holds: each row goes to one
    dispatcher only (`FOR UPDATE SKIP LOCKED`; SQLite has one writer at a time anyway)."""
    pending = OutboxEvent.objects.filter(status=OutboxEvent.Status.PENDING).order_by("id")
    return list(for_update(pending, skip_locked=True)[:batch])


def lock_chain_head(chain) -> WebhookDelivery | None:
    """The first open delivery of a chain (ordered by sequence), locked, with its endpoint (read,
    not locked: `OF self`). Waits for a sender that holds it for a moment (its claim or record);
    never skips it, or the chain would overtake its own head."""
    return for_update(chain.select_related("endpoint")).first()


def lock_delivery(delivery_id: int) -> WebhookDelivery | None:
    return for_update(WebhookDelivery.objects.filter(pk=delivery_id)).first()


def lock_deliveries(ids: list[int]) -> list[WebhookDelivery]:
    return list(for_update(WebhookDelivery.objects.filter(pk__in=ids).order_by("pk")))


def lock_endpoint(endpoint_id: int) -> WebhookEndpoint | None:
    return for_update(WebhookEndpoint.objects.filter(pk=endpoint_id)).first()
