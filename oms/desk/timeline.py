"""The order timeline as people read it: a label for every event kind, and a status change
shown on the step that caused it instead of as a second row.

Services write a step and the status change it causes as two events of one transaction
(`allocated` then `status_changed` new -> allocated); the page shows them as one entry.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from orders.models import Order, OrderEvent

LABELS = {
    "accepted": "Order accepted",
    "allocated": "Stock allocated",
    "deallocated": "Allocation released",
    "status_changed": "Status changed",
    "hold_opened": "Hold opened",
    "hold_released": "Hold released",
    "note": "Note",
    "address_changed": "Address changed",
    "lines_edited": "Lines edited",
    "lines_cancelled": "Lines cancelled",
    "cancelled": "Order cancelled",
    "payment_status_changed": "Payment updated",
    "refunded": "Refund recorded",
    "anonymized": "Customer data anonymized",
    "picking_started": "Picking started",
    "picked": "Picked",
    "packed": "Packed",
    "shipped": "Shipped",
    "delivered": "Delivered",
    "ready_for_pickup": "Ready for pickup",
    "sent_to_vendor": "Sent to drop-ship vendor",
    "rerouted": "Re-routed",
    "returned": "Units returned",
    "return_requested": "Return requested",
    "return_authorized": "Return authorized",
    "return_rejected": "Return rejected",
    "return_cancelled": "Return cancelled",
    "return_received": "Return received",
    "return_closed": "Return closed",
    "return_exchanged": "Return exchanged",
    "return_tracking_updated": "Return tracking updated",
    "exchange_for_return": "Exchange order created",
    "refund_requested": "Refund asked of the provider",
    "refund_succeeded": "Refund paid back",
    "refund_failed": "Refund failed",
    "refund_resent": "Refund sent again",
    "refund_waived": "Refund waived",
    "channel_push_sent": "Told the channel",
    "channel_push_failed": "Channel not told",
    "channel_push_retried": "Channel told again",
}
STATUS_LABELS = dict(Order.Status.choices) | dict(Order.PaymentStatus.choices)
#: Events of one transaction are written together; a status change this close to the step
#: before it, by the same actor, belongs to that step.
SAME_STEP = timedelta(seconds=2)


def label(kind: str) -> str:
    return LABELS.get(kind) or kind.replace("_", " ").capitalize()


@dataclass
class TimelineEntry:
    event: OrderEvent
    label: str
    status_change: tuple[str, str] | None = None
    details: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.event.kind


def _status_change(event: OrderEvent) -> tuple[str, str] | None:
    if not event.to_status:
        return None
    return (STATUS_LABELS.get(event.from_status, event.from_status), STATUS_LABELS.get(event.to_status))


def _details(event: OrderEvent) -> list[str]:
    """A few readable facts from the payload (what changed, where it went)."""
    payload = event.payload or {}
    facts = []
    for change in payload.get("changes", []) if isinstance(payload.get("changes"), list) else []:
        if change.get("field") in ("quantity", "sku"):
            facts.append(f"Line {change['line']}: {change['field']} {change['before']} → {change['after']}")
        elif change.get("field") == "added":
            after = change.get("after") or {}
            facts.append(f"Line {after.get('line')} added: {after.get('quantity')} x {after.get('sku')}")
        elif change.get("field") == "removed":
            facts.append(f"Line {change['line']} removed")
    if isinstance(payload.get("changes"), dict):
        for name, change in payload["changes"].items():
            facts.append(
                f"{name.replace('_', ' ')}: {change.get('before') or '—'} → {change.get('after') or '—'}"
            )
    for line in payload.get("lines", []) if isinstance(payload.get("lines"), list) else []:
        if "cancelled" in line:
            facts.append(f"Line {line['line']} ({line['sku']}): {line['cancelled']} cancelled")
    if payload.get("fulfillment_orders"):
        facts.append("Fulfillment: " + ", ".join(payload["fulfillment_orders"]))
    for key in ("carrier", "tracking_numbers", "amount", "reference", "rma"):
        value = payload.get(key)
        if value:
            facts.append(f"{key.replace('_', ' ')}: {', '.join(value) if isinstance(value, list) else value}")
    return facts


def _held_progress(event: OrderEvent, status: str) -> tuple[str, str] | None:
    """During a hold a step moves the progress underneath it; services record that as
    "<old progress> -> on_hold". Say so instead of showing a hold that began again."""
    if status == Order.Status.ON_HOLD and event.to_status == Order.Status.ON_HOLD and event.from_status:
        return ("", f"Still on hold; progress moved on from {STATUS_LABELS.get(event.from_status, '')}")
    return None


def timeline(events: list[OrderEvent]) -> list[TimelineEntry]:
    """Entries oldest first; each status change folded into the step that caused it."""
    entries: list[TimelineEntry] = []
    status = ""
    for event in sorted(events, key=lambda e: e.pk):
        held = _held_progress(event, status) if event.kind == "status_changed" else None
        if event.to_status and event.kind in ("status_changed", "accepted"):
            status = event.to_status
        previous = entries[-1] if entries else None
        if (
            event.kind == "status_changed"
            and previous is not None
            and previous.status_change is None
            and previous.event.actor_label == event.actor_label
            and event.created_at - previous.event.created_at <= SAME_STEP
        ):
            previous.status_change = held or _status_change(event)
            continue
        entries.append(
            TimelineEntry(event, label(event.kind), held or _status_change(event), _details(event))
        )
    return entries
