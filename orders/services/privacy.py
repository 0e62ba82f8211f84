"""Personal data: anonymize an order's customer on request or after the retention period.

Totals, lines, quantities, the stock ledger and the timeline stay; what identifies a person
(email, name, phone, street, postal code, coordinates, billing address, address values kept
by address edits, and the stored intake answers replayed for idempotency) is erased. Free text
is scrubbed too: what the customer wrote (the order's note and delivery instructions) is erased,
and in what staff wrote (timeline notes, hold reasons) the customer's email, name, phone, street
and postal code, and anything shaped like an email address or a phone number, become
"[redacted]"; the returns app scrubs its own texts on `order_anonymized`. The timeline records
who did it.
"""

import re
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from oms.core.actor import Actor
from oms.core.errors import DomainError
from oms.core.models import IdempotencyRecord, OutboxEvent
from oms.core.transactions import transactional

from ..errors import OrderConflict, OrderErrorCode
from ..models import Hold, Order, OrderEvent
from ..permissions import ORDER_ANONYMIZE
from ..signals import order_anonymized
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
#: Written by the customer: erased whole.
CUSTOMER_TEXT_FIELDS = ("customer_note", "delivery_instructions")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
#: International notation only: a bare run of digits may be a date, an order or a tracking number.
PHONE = re.compile(r"\+\d[\d ()./-]{6,}\d")


def scrub_text(text: str, known: list[str]) -> str:
    """`text` without the customer's own values (`known`) nor anything like an email or a phone."""
    for value in sorted({v.strip() for v in known if v and len(v.strip()) >= 3}, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", REDACTED, text, flags=re.IGNORECASE)
    return PHONE.sub(REDACTED, EMAIL.sub(REDACTED, text))


def _known_values(order: Order) -> list[str]:
    fields = ("customer_email", "customer_name", "customer_phone", "ship_name", "ship_line1", "ship_line2")
    values = [getattr(order, field) for field in fields]
    values += (order.customer_name or "").split() + (order.ship_name or "").split()
    return [*values, order.ship_postal_code]


def _scrub_staff_texts(order: Order, known: list[str]) -> int:
    notes = list(OrderEvent.objects.filter(order=order).exclude(message=""))
    for event in notes:
        event.message = scrub_text(event.message, known)
    OrderEvent.objects.bulk_update(notes, ["message"])
    holds = list(Hold.objects.filter(order=order))
    for hold in holds:
        hold.reason = scrub_text(hold.reason, known)
        hold.release_reason = scrub_text(hold.release_reason, known)
    Hold.objects.bulk_update(holds, ["reason", "release_reason"])
    return len(notes)


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
    known = _known_values(order)
    for field, value in PII_FIELDS.items():
        setattr(order, field, value)
    for field in CUSTOMER_TEXT_FIELDS:
        setattr(order, field, "")
    order.anonymized_at = timezone.now()
    order.save(update_fields=[*PII_FIELDS, *CUSTOMER_TEXT_FIELDS, "anonymized_at", "updated_at"])
    scrubbed = _scrub_staff_texts(order, known)
    order_anonymized.send(sender=Order, order=order, scrub=lambda text: scrub_text(text, known))

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
        payload={"reason": reason, "redacted_events": len(events), "scrubbed_texts": scrubbed},
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
