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


def try_lock_delivery(delivery_id: int) -> WebhookDelivery | None:
    """The delivery if it is still open and nobody else is claiming it right now."""
    open_deliveries = WebhookDelivery.objects.filter(pk=delivery_id, status__in=WebhookDelivery.OPEN)
    return for_update(open_deliveries, skip_locked=True).first()


def lock_delivery(delivery_id: int) -> WebhookDelivery | None:
    return for_update(WebhookDelivery.objects.filter(pk=delivery_id)).first()


def lock_deliveries(ids: list[int]) -> list[WebhookDelivery]:
    return list(for_update(WebhookDelivery.objects.filter(pk__in=ids).order_by("pk")))


def lock_endpoint(endpoint_id: int) -> WebhookEndpoint | None:
    return for_update(WebhookEndpoint.objects.filter(pk=endpoint_id)).first()
