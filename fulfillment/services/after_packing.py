"""Work changed after it was packed: customer service cancels units that sit in a box, or
changes where a packed box goes. The change is recorded on the fulfillment order, and the
warehouse confirms it (unpacks, re-packs) before anything ships or is handed over
(common.require_no_pending_change). Recorded inside the cancel / edit transaction."""

from django.utils import timezone

from oms.core.actor import Actor
from oms.core.transactions import transactional
from orders import services as order_services

from ..errors import FulfillmentConflict, FulfillmentErrorCode
from ..models import FulfillmentChange, FulfillmentOrder, FulfillmentOrderLine, Package
from .common import order_record_event
from .locks import lock_work
from .packing import describe, pack_into, packable, packages_still_fit

State = FulfillmentOrder.State
PACKED_STATES = (State.PACKED, State.READY_FOR_PICKUP)


def is_packed(fo: FulfillmentOrder) -> bool:
    return fo.state in PACKED_STATES


def cancelled_change(
    fo: FulfillmentOrder, taken: list[tuple[FulfillmentOrderLine, int]]
) -> FulfillmentChange:
    """Units cancelled out of a packed FO (the FO's state as it was before the cancel)."""
    items = ", ".join(f"{units} x {line.sku.code}" for line, units in taken)
    return FulfillmentChange(
        fulfillment_order=fo,
        kind=FulfillmentChange.Kind.CANCELLED,
        message=f"Cancelled after packing: {items}. Take them out and put them back on the shelf.",
        payload={
            "lines": [{"line": line.pk, "sku": line.sku.code, "cancelled": units} for line, units in taken]
        },
    )


def address_change(fo: FulfillmentOrder, order) -> FulfillmentChange:
    where = ", ".join(part for part in (order.ship_line1, order.ship_city, order.ship_country_code) if part)
    return FulfillmentChange(
        fulfillment_order=fo,
        kind=FulfillmentChange.Kind.ADDRESS,
        message=f"Ship-to address changed to {where}: print a new packing slip and label.",
        payload={"address": {key: str(value or "") for key, value in order.shipping_address.items()}},
    )


def delivery_change(fo: FulfillmentOrder, order) -> FulfillmentChange:
    now = (
        f"pickup at {order.pickup_location.code}"
        if order.delivery_method == order.DeliveryMethod.PICKUP and order.pickup_location_id
        else "shipping to the customer"
    )
    return FulfillmentChange(
        fulfillment_order=fo,
        kind=FulfillmentChange.Kind.DELIVERY,
        message=f"The order is now {now}; this work was released. Unpack it and put the items back.",
        payload={"delivery_method": order.delivery_method},
    )


def record_changes(order, changes: list[FulfillmentChange], actor: Actor) -> None:
    """Save the changes and put each on the order's timeline (customer service sees that the
    warehouse must confirm it)."""
    if not changes:
        return
    FulfillmentChange.objects.bulk_create(changes)
    for change in changes:
        fo = change.fulfillment_order
        order_record_event(
            order,
            "fulfillment_change_pending",
            actor,
            f"{fo.number} at {fo.location.code} changed after packing: {change.message}",
            fulfillment_order=fo.number,
            location=fo.location.code,
            change=change.kind,
        )


def pending_changes(fo: FulfillmentOrder) -> list[FulfillmentChange]:
    return list(
        FulfillmentChange.objects.filter(fulfillment_order=fo, confirmed_at__isnull=True).order_by("pk")
    )


@transactional
def fulfillment_confirm_changes(
    *, fo: FulfillmentOrder, actor: Actor, packages: list[dict] | None = None
) -> FulfillmentOrder:
    """The warehouse dealt with the changes: re-packed what is left into `packages` (as for
    packing; None keeps packages that still hold exactly what is left, else one package), or
    unpacked work that has nothing left. Then it may ship or be handed over again."""
    work = lock_work(fo)
    order, fo, lines = work.order, work.fo, work.lines
    pending = pending_changes(fo)
    if not pending:
        raise FulfillmentConflict(
            FulfillmentErrorCode.NOTHING_TO_CONFIRM, f"{fo.number} has no change waiting to be confirmed."
        )
    if fo.is_open and is_packed(fo) and any(packable(fo, line) for line in lines):
        if packages is None and packages_still_fit(fo, lines):
            done = "kept its packages"
        else:
            require_weight = packages is not None and fo.kind == FulfillmentOrder.Kind.SHIP
            done = f"re-packed into {describe(pack_into(fo, lines, packages, require_weight=require_weight))}"
    else:
        Package.objects.filter(fulfillment_order=fo, shipment__isnull=True).delete()
        done = "unpacked; the items are back on the shelf"
    now = timezone.now()
    for change in pending:
        change.confirmed_at, change.confirmed_by = now, actor.label[:150]
    FulfillmentChange.objects.bulk_update(pending, ["confirmed_at", "confirmed_by"])
    order_services.order_add_event(
        order=order,
        kind="fulfillment_change_confirmed",
        actor=actor,
        message=f"{fo.number} at {fo.location.code}: change confirmed, {done}.",
        payload={"fulfillment_order": fo.number, "location": fo.location.code, "changes": len(pending)},
    )
    return fo
