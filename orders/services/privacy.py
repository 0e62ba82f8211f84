"""Personal data: anonymize an order's customer on request or after the retention period.

Totals, lines, quantities, the stock ledger and the timeline stay; what identifies a person
(email, name, phone, street, postal code, coordinates, billing address, address values kept
by address edits, and the stored intake answers replayed for idempotency) is erased. The
timeline records who did it.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from oms.core.actor import Actor
from oms.core.errors import DomainError
from oms.core.models import IdempotencyRecord, OutboxEvent
from oms.core.transactions import transactional

from ..errors import OrderConflict, OrderErrorCode
from ..models import Order, OrderEvent
from ..permissions import ORDER_ANONYMIZE
from .locks import lock_order
from .timeline import timeline_record

REDACTED = "[redacted]"
PII_FIELDS = {
    "customer_email": "",
    "customer_name": "",
    "customer_name_key": "",
    "customer_surname_key": "",
    "customer_phone": "",
    "ship_name": "",
    "ship_line1": "",
    "ship_line2": "",
    "ship_postal_code": "",
    "ship_latitude": None,
    "ship_longitude": None,
    "billing_address": {},
}
#: Timeline and outbox kinds whose payloads carry address values.
ADDRESS_EVENT_KIND = "address_changed"
CLOSED = (Order.Status.SHIPPED, Order.Status.COMPLETED, Order.Status.CANCELLED)


def _redact_changes(payload: dict) -> dict:
    changes = payload.get("changes") or {}
    return {
        **payload,
        "changes": {
            field: (change if field == "delivery" else {"before": REDACTED, "after": REDACTED})
            for field, change in changes.items()
        },
    }


def _redact_answer(body):
    if not isinstance(body, dict):
        return body
    body = dict(body)
    if isinstance(body.get("customer"), dict):
        body["customer"] = dict.fromkeys(body["customer"], "")
    for key in ("shipping_address", "billing_address"):
        if isinstance(body.get(key), dict):
            body[key] = {
                field: (value if field in ("city", "region", "country_code") else None)
                for field, value in body[key].items()
            }
    return body


@transactional
def order_anonymize(*, order: Order, actor: Actor, reason: str = "") -> Order:
    order = lock_order(order)
    ORDER_ANONYMIZE.require(actor, order)
    if order.anonymized_at is not None:
        raise OrderConflict(OrderErrorCode.ALREADY_ANONYMIZED, f"Order {order.number} is already anonymized.")
    for field, value in PII_FIELDS.items():
        setattr(order, field, value)
    order.anonymized_at = timezone.now()
    order.save(update_fields=[*PII_FIELDS, "anonymized_at", "updated_at"])

    events = list(OrderEvent.objects.filter(order=order, kind=ADDRESS_EVENT_KIND))
    for event in events:
        event.payload = _redact_changes(event.payload)
    OrderEvent.objects.bulk_update(events, ["payload"])
    outbox = list(
        OutboxEvent.objects.filter(
            aggregate_type="order", aggregate_id=order.number, topic=f"order.{ADDRESS_EVENT_KIND}"
        )
    )
    for row in outbox:
        row.payload = _redact_changes(row.payload)
    OutboxEvent.objects.bulk_update(outbox, ["payload"])
    answers = list(IdempotencyRecord.objects.filter(response_body__number=order.number))
    for record in answers:
        record.response_body = _redact_answer(record.response_body)
    IdempotencyRecord.objects.bulk_update(answers, ["response_body"])

    timeline_record(
        order,
        "anonymized",
        actor,
        message=reason or "Customer data anonymized.",
        payload={"reason": reason, "redacted_events": len(events)},
    )
    return order


def order_anonymize_expired(*, now: datetime | None = None, days: int | None = None) -> list[str]:
    """Anonymize closed orders placed more than OMS_CUSTOMER_DATA_RETENTION_DAYS ago (no-op when
    the setting is unset). One transaction per order; returns the numbers anonymized."""
    days = days if days is not None else settings.OMS_CUSTOMER_DATA_RETENTION_DAYS
    if not days:
        return []
    cutoff = (now or timezone.now()) - timedelta(days=days)
    actor = Actor.system("retention")
    ids = Order.objects.filter(
        placed_at__lt=cutoff, anonymized_at__isnull=True, status__in=CLOSED
    ).values_list("pk", flat=True)
    done = []
    for order_id in list(ids):
        try:
            order = order_anonymize(
                order=Order(pk=order_id), actor=actor, reason=f"Retention period of {days} days ended."
            )
        except DomainError:
            continue
        done.append(order.number)
    return done
