"""The order timeline: every change writes an OrderEvent and an outbox row, together."""

from django.db import transaction

from oms.core.actor import Actor
from oms.core.bulk import rows_insert
from oms.core.outbox import outbox_event, outbox_write
from oms.core.transactions import transactional

from ..models import Order, OrderEvent

#: The order columns `order_payload` reads.
PAYLOAD_FIELDS = ("number", "channel", "channel__code", "external_id", "status", "payment_status")


def order_payload(order: Order) -> dict:
    """What every order outbox event carries about its order."""
    return {
        "order": order.number,
        "channel": order.channel.code if "channel" in order._state.fields_cache else order.channel_id,
        "external_id": order.external_id,
        "status": order.status,
        "payment_status": order.payment_status,
    }


def timeline_event(
    order: Order,
    kind: str,
    actor: Actor,
    *,
    from_status: str = "",
    to_status: str = "",
    message: str = "",
    payload: dict | None = None,
) -> OrderEvent:
    """An unsaved event; write several at once with `timeline_write`."""
    return OrderEvent(
        order=order,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        message=message,
        payload=payload or {},
        **actor.as_fields(),
    )


def timeline_write(order: Order, events: list[OrderEvent]) -> list[OrderEvent]:
    """Save events and, in the same transaction, one outbox row per event (topic order.<kind>)."""
    return timeline_write_many([(order, events)])


def timeline_write_many(entries: list[tuple[Order, list[OrderEvent]]]) -> list[OrderEvent]:
    """The events of many orders at once: one insert of events, one of outbox rows."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("timeline events must be written inside the transaction of the change")
    saved = rows_insert([event for _order, events in entries for event in events])
    bases = {order.pk: order_payload(order) for order, _events in entries}
    numbers = {order.pk: order.number for order, _events in entries}
    outbox_write(
        [
            outbox_event(
                f"order.{event.kind}",
                aggregate_type="order",
                aggregate_id=numbers[event.order_id],
                payload={
                    **bases[event.order_id],
                    "event": event.kind,
                    "from_status": event.from_status,
                    "to_status": event.to_status,
                    "message": event.message,
                    **event.payload,
                },
            )
            for event in saved
        ]
    )
    return saved


def timeline_record(order: Order, kind: str, actor: Actor, **fields) -> OrderEvent:
    return timeline_write(order, [timeline_event(order, kind, actor, **fields)])[0]


@transactional
def order_add_event(
    *, order: Order, kind: str, actor: Actor, message: str = "", payload: dict | None = None
) -> OrderEvent:
    """For other apps to put what they did on the timeline (a sourcing explanation, a re-route)."""
    return timeline_record(order, kind, actor, message=message, payload=payload)
