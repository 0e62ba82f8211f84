"""From the outbox to pushes: read the outbox with the gap-aware cursor (oms.integrations.cursor),
and for each shipment or cancellation of an order make one push for its channel, when the
channel's adapter can take it. The unique (channel, kind, aggregate) makes a repeat (the same
shipment named twice, a re-run after a crash) create nothing: each push exists once.

What is never pushed: lines the channel fulfils itself, a channel's own cancellations (it told
us), and anything for a channel whose adapter lacks push_fulfillment / push_cancellation."""

import logging

from django.db import transaction

from fulfillment.models import ShipmentLine
from oms.core.actor import CHANNEL
from oms.core.adapters import AdapterError, get_adapter, supports_cancellation_push, supports_fulfillment_push
from oms.core.models import OutboxEvent
from oms.core.transactions import transactional
from oms.integrations.cursor import cursor_step
from orders.models import Order, OrderEvent, OrderLine

from ..models import ChannelPush, PushCursor
from .locks import lock_cursor

logger = logging.getLogger(__name__)
COLLECTOR = "outbox"
BATCH = 2_000
SHIPPED = "order.shipped"
CANCELLED = "order.cancelled"
LINES_CANCELLED = "order.lines_cancelled"
TOPICS = (SHIPPED, CANCELLED, LINES_CANCELLED)
Kind = ChannelPush.Kind


def push_key(kind: str, aggregate: str) -> str:
    """The push's idempotency key at the channel: the same on every attempt and retry."""
    return f"oms-{kind}-{aggregate.replace(':', '-')}"


def _start_cursor() -> None:
    """A new collector starts at the outbox's end: what happened before it existed is not
    pushed (the channel was told by hand, or not at all)."""
    if not PushCursor.objects.filter(name=COLLECTOR).exists():
        last = OutboxEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        PushCursor.objects.get_or_create(name=COLLECTOR, defaults={"position": last})


class _Adapters:
    """Each channel's adapter once per step; None when it has none."""

    def __init__(self):
        self.cache = {}

    def __call__(self, channel):
        if channel.pk not in self.cache:
            try:
                self.cache[channel.pk] = get_adapter(channel)
            except AdapterError:
                self.cache[channel.pk] = None
        return self.cache[channel.pk]


def _line(order_line: OrderLine, quantity: int) -> dict:
    return {"sku": order_line.sku_code, "channel_line_id": order_line.channel_line_id, "quantity": quantity}


def _push(order: Order, kind: str, aggregate: str, payload: dict) -> ChannelPush:
    key = push_key(kind, aggregate)
    return ChannelPush(
        channel=order.channel,
        order=order,
        kind=kind,
        aggregate=aggregate,
        push_id=key,
        payload={"push_id": key, "order": order.number, "external_id": order.external_id, **payload},
    )


def _fulfillment_pushes(order: Order, event: OutboxEvent) -> list[ChannelPush]:
    ids = [p.get("shipment") for p in event.payload.get("packages") or [] if p.get("shipment")]
    if not ids:
        return []  # a shipment recorded without our shipment rows (before pushes existed)
    lines = ShipmentLine.objects.filter(shipment_id__in=ids).select_related(
        "shipment", "fulfillment_line__order_line"
    )
    by_shipment: dict[int, list[ShipmentLine]] = {}
    for line in lines.order_by("shipment_id", "pk"):
        by_shipment.setdefault(line.shipment_id, []).append(line)
    pushes = []
    for shipment_id in sorted(by_shipment):
        own = [
            sl for sl in by_shipment[shipment_id] if not sl.fulfillment_line.order_line.fulfilled_by_channel
        ]
        if not own:
            continue
        shipment = own[0].shipment
        pushes.append(
            _push(
                order,
                Kind.FULFILLMENT,
                f"shipment:{shipment_id}",
                {
                    "shipment": shipment_id,
                    "carrier": shipment.carrier,
                    "service": shipment.service,
                    "tracking_numbers": [shipment.tracking_number] if shipment.tracking_number else [],
                    "tracking_url": shipment.tracking_url,
                    "shipped_at": shipment.shipped_at.isoformat(),
                    "lines": [_line(sl.fulfillment_line.order_line, sl.quantity) for sl in own],
                    # beyond the contract's keys: nothing is left to ship (WooCommerce completes)
                    "order_shipped": event.payload.get("status") in ("shipped", "completed"),
                },
            )
        )
    return pushes


def _by_the_channel(order: Order, event: OutboxEvent) -> bool:
    """Whether the channel itself cancelled (an update from it, or its own API call): the
    timeline event written with this outbox row says who did it."""
    kind = event.topic.removeprefix("order.")
    actor = (
        OrderEvent.objects.filter(order=order, kind=kind, created_at__lte=event.created_at)
        .order_by("-id")
        .values_list("actor_kind", "actor_id")
        .first()
    )
    return actor is not None and actor[0] == CHANNEL and actor[1] == order.channel_id


def _cancellation_push(order: Order, event: OutboxEvent) -> ChannelPush | None:
    if _by_the_channel(order, event):
        return None
    quantities = {int(pk): units for pk, units in (event.payload.get("quantities") or {}).items()}
    lines = {line.pk: line for line in OrderLine.objects.filter(order=order).order_by("pk")}
    cancelled = [(lines[pk], units) for pk, units in quantities.items() if pk in lines]
    pushed = [(line, units) for line, units in cancelled if not line.fulfilled_by_channel]
    if not pushed:
        return None
    whole = (
        event.topic == CANCELLED
        and not any(line.quantity_shipped for line in lines.values())
        and len(pushed) == len(cancelled)
    )
    reason = event.payload.get("reason") or event.payload.get("message") or ""
    payload = {
        "reason": reason,
        "lines": [] if whole else [_line(line, units) for line, units in pushed],
        "restock": True,
    }
    aggregate = f"order:{order.number}" if whole else f"event:{event.pk}"
    return _push(order, Kind.CANCELLATION, aggregate, payload)


def pushes_for(events: list[OutboxEvent]) -> list[ChannelPush]:
    """The pushes these outbox rows call for (unsaved)."""
    numbers = {event.aggregate_id for event in events if event.aggregate_type == "order"}
    orders = {o.number: o for o in Order.objects.filter(number__in=numbers).select_related("channel")}
    adapter_of = _Adapters()
    pushes = []
    for event in events:
        order = orders.get(event.aggregate_id)
        if order is None:
            continue
        adapter = adapter_of(order.channel)
        if adapter is None:
            continue
        if event.topic == SHIPPED and supports_fulfillment_push(adapter):
            pushes += _fulfillment_pushes(order, event)
        elif event.topic in (CANCELLED, LINES_CANCELLED) and supports_cancellation_push(adapter):
            push = _cancellation_push(order, event)
            if push is not None:
                pushes.append(push)
    return pushes


@transactional
def pushes_collect(*, limit: int = BATCH) -> list[int]:
    """One step of the collector: the outbox rows since the last step (late commits included)
    become pushes, each created once; their senders are enqueued after the commit. Returns the
    ids of the pushes still waiting for their first attempt among them."""
    _start_cursor()
    cursor = lock_cursor(COLLECTOR)
    step = cursor_step(OutboxEvent.objects.all(), position=cursor.position, gaps=cursor.gaps, limit=limit)
    if step.position == cursor.position and step.gaps == cursor.gaps:
        return []
    cursor.position, cursor.gaps = step.position, step.gaps
    cursor.save(update_fields=["position", "gaps", "updated_at"])
    if not step.ids:
        return []
    events = list(OutboxEvent.objects.filter(pk__in=step.ids, topic__in=TOPICS).order_by("pk"))
    return pushes_create(events=events)


@transactional
def pushes_create(*, events: list[OutboxEvent]) -> list[int]:
    """The pushes these outbox rows call for, each created once (a row read again creates
    nothing), and their senders enqueued after the commit. Returns the ids of those still
    waiting for their first attempt."""
    pushes = pushes_for(events)
    if not pushes:
        return []
    ChannelPush.objects.bulk_create(pushes, ignore_conflicts=True)
    waiting = list(
        ChannelPush.objects.filter(
            push_id__in=[push.push_id for push in pushes], status=ChannelPush.Status.PENDING, attempts=0
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    wake([(pk, 0) for pk in waiting])
    return waiting


def wake(pairs: list[tuple[int, int]]) -> None:
    """Enqueue a sender per (push id, attempts made so far) after the commit. A lost wake-up
    costs a little time: the sweep finds every due push in the database."""
    if not pairs:
        return

    def enqueue():
        from ..tasks import push_send

        for push_id, attempts in pairs:
            try:
                push_send.delay(push_id, attempts)
            except Exception:  # the broker is unreachable: the sweep will do it
                logger.warning("could not enqueue channel pushes; the sweep will", exc_info=True)
                return

    transaction.on_commit(enqueue)
