"""Sourcing orchestration: read the order and locked stock, run the pure engine, reserve,
create the fulfillment orders and report the allocation, all in one transaction."""

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction

from inventory.models import Location
from inventory.services import ReservationRequest, stock_lock_for_allocation, stock_release, stock_reserve
from oms.core.actor import Actor
from orders import services as order_services
from orders.models import Order, OrderLine

from .. import sourcing as engine
from ..models import FulfillmentOrder, FulfillmentOrderLine, RoutingRule

CLOSED = (Order.Status.CANCELLED, Order.Status.SHIPPED, Order.Status.COMPLETED)


def _float(value) -> float | None:
    return None if value is None else float(value)


def routing_rules() -> list[engine.Rule]:
    rules = RoutingRule.objects.filter(active=True).prefetch_related("include_locations", "exclude_locations")
    return [
        engine.Rule(
            id=rule.pk,
            name=rule.name,
            strategy=rule.strategy,
            channel_id=rule.channel_id,
            country_code=rule.country_code,
            region=rule.region,
            postal_prefix=rule.postal_prefix,
            sku_tag=rule.sku_tag,
            delivery_method=rule.delivery_method,
            include_location_ids=frozenset(loc.pk for loc in rule.include_locations.all()),
            exclude_location_ids=frozenset(loc.pk for loc in rule.exclude_locations.all()),
            include_kinds=frozenset(rule.include_kinds or []),
            exclude_kinds=frozenset(rule.exclude_kinds or []),
        )
        for rule in rules.order_by("position", "pk")
    ]


def destination_of(order: Order) -> engine.Destination:
    return engine.Destination(
        country_code=order.ship_country_code,
        region=order.ship_region,
        postal_code=order.ship_postal_code,
        latitude=_float(order.ship_latitude),
        longitude=_float(order.ship_longitude),
        channel_id=order.channel_id,
        delivery_method=order.delivery_method,
        pickup_location_id=order.pickup_location_id,
    )


def candidate_locations(order: Order, location_ids: Iterable[int]) -> dict[int, engine.CandidateLocation]:
    """Active locations that may serve this order: those that ship, and for a pickup order
    its store (if it takes pickups)."""
    pickup = order.delivery_method == Order.DeliveryMethod.PICKUP
    locations = [
        loc
        for loc in Location.objects.filter(pk__in=set(location_ids), active=True)
        if loc.can_ship or (pickup and loc.pk == order.pickup_location_id and loc.can_pickup)
    ]
    served = defaultdict(set)
    through = Location.channels.through.objects.filter(location_id__in=[loc.pk for loc in locations])
    for location_id, channel_id in through.values_list("location_id", "channel_id"):
        served[location_id].add(channel_id)
    return {
        loc.pk: engine.CandidateLocation(
            id=loc.pk,
            code=loc.code,
            kind=loc.kind,
            latitude=_float(loc.latitude),
            longitude=_float(loc.longitude),
            priority=loc.priority,
            cost_base=float(loc.shipping_cost_base),
            cost_per_km=float(loc.shipping_cost_per_km),
            channel_ids=frozenset(served[loc.pk]),
        )
        for loc in locations
    }


def line_request(line: OrderLine, quantity: int) -> engine.LineRequest:
    return engine.LineRequest(
        line_id=line.pk,
        sku_id=line.sku_id,
        quantity=quantity,
        label=f"line {line.line_number} ({line.sku.code})",
        tags=frozenset(line.sku.tags or []),
        dropship_vendor_id=line.sku.dropship_vendor_id,
    )


def _fo_kind(order: Order, location: Location) -> str:
    if location.kind == Location.Kind.DROPSHIP:
        return FulfillmentOrder.Kind.DROPSHIP
    if order.delivery_method == Order.DeliveryMethod.PICKUP:
        return FulfillmentOrder.Kind.PICKUP
    return FulfillmentOrder.Kind.SHIP


def _next_number(order: Order) -> str:
    count = FulfillmentOrder.objects.filter(order=order).count()
    return f"{order.number}-F{count + 1}"


def pending_fulfillment_order(order: Order, location: Location) -> FulfillmentOrder:
    """The order's pending FO at this location, or a new one (caller holds the order lock)."""
    fo = (
        FulfillmentOrder.objects.select_for_update()
        .filter(order=order, location=location, state=FulfillmentOrder.State.PENDING)
        .order_by("pk")
        .first()
    )
    if fo is None:
        fo = FulfillmentOrder.objects.create(
            order=order, location=location, kind=_fo_kind(order, location), number=_next_number(order)
        )
    fo.location = location
    return fo


def assign(
    order: Order, allocations: list[tuple[Location, OrderLine, int]], actor: Actor, reference: str = ""
) -> list[FulfillmentOrder]:
    """Put units of order lines on (pending) fulfillment orders and reserve them, all or nothing
    (InsufficientStock). The caller holds the order lock and the stock locks. Queries grow with
    the number of locations, not with the number of lines."""
    fos: dict[int, FulfillmentOrder] = {}
    existing: dict[tuple[int, int], FulfillmentOrderLine] = {}
    for location, _, _ in allocations:
        if location.pk not in fos:
            fo = fos[location.pk] = pending_fulfillment_order(order, location)
            for fo_line in FulfillmentOrderLine.objects.filter(fulfillment_order=fo):
                existing[fo.pk, fo_line.order_line_id] = fo_line
    new_lines, grown, holders = [], [], []
    for location, order_line, quantity in allocations:
        fo = fos[location.pk]
        fo_line = existing.get((fo.pk, order_line.pk))
        if fo_line is None or fo_line.sku_id != order_line.sku_id:
            fo_line = FulfillmentOrderLine(
                fulfillment_order=fo, order_line=order_line, sku_id=order_line.sku_id, quantity=quantity
            )
            existing[fo.pk, order_line.pk] = fo_line
            new_lines.append(fo_line)
        else:
            fo_line.quantity += quantity
            if fo_line.pk is not None and fo_line not in grown:
                grown.append(fo_line)
        holders.append((fo_line, order_line.sku_id, location.pk, quantity))
    FulfillmentOrderLine.objects.bulk_create(new_lines)
    FulfillmentOrderLine.objects.bulk_update(grown, ["quantity"])
    requests = [
        ReservationRequest(sku_id, location_id, units, fo_line)
        for fo_line, sku_id, location_id, units in holders
    ]
    if requests:
        stock_reserve(requests=requests, actor=actor, reference=reference or order.number)
    return list(fos.values())


def take_back(
    taken: list[tuple[FulfillmentOrderLine, int]], actor: Actor, *, reason: str, reference: str = ""
) -> dict[int, int]:
    """Release `units` of each FO line's reservations and lower its quantity (the units leave
    this FO). Returns {order_line_id: units} for order_record_deallocation; caller saves lines."""
    freed: dict[int, int] = defaultdict(int)
    for fo_line, units in taken:
        if units <= 0:
            continue
        stock_release(holders=[fo_line], quantity=units, actor=actor, reason=reason, reference=reference)
        fo_line.quantity -= units
        fo_line.quantity_picked = min(fo_line.quantity_picked, fo_line.quantity - fo_line.quantity_cancelled)
        freed[fo_line.order_line_id] += units
    return dict(freed)


@transaction.atomic
def fulfillment_source_order(
    *,
    order: Order,
    actor: Actor,
    reason: str = "",
    exclude_location_ids: Iterable[int] = (),
    exclude_reason: str = "",
    record_empty: bool = True,
) -> engine.Plan | None:
    """Source every unallocated unit of the order; None when there is nothing to source.
    A plan that allocates nothing is still recorded (the order shows backordered) unless
    `record_empty` is off (a backorder run that found nothing new)."""
    order = order_services.lock_order(order)
    if order.status in CLOSED:
        return None
    lines = [
        line
        for line in OrderLine.objects.filter(order=order, sku__isnull=False)
        .select_related("sku")
        .order_by("pk")
        if line.quantity_unallocated > 0
    ]
    if not lines:
        return None
    levels = stock_lock_for_allocation(sku_ids={line.sku_id for line in lines})
    location_ids = {level.location_id for level in levels} | {order.pickup_location_id}
    location_ids |= {line.sku.dropship_vendor_id for line in lines}  # named even without stock
    locations = candidate_locations(order, location_ids - {None})
    stock = {
        (level.sku_id, level.location_id): level.available
        for level in levels
        if level.location_id in locations
    }
    requests = [line_request(line, line.quantity_unallocated) for line in lines]
    destination = destination_of(order)
    rule = engine.match_rule(routing_rules(), requests, destination)
    plan = engine.source(
        lines=requests,
        destination=destination,
        locations=locations.values(),
        stock=stock,
        rule=rule,
        exclude_location_ids=exclude_location_ids,
        exclude_reason=exclude_reason,
    )
    if reason:
        plan.sentences.insert(0, f"{reason.rstrip('.')}.")
    if not plan.allocations and not record_empty:
        return plan
    by_line = {line.pk: line for line in lines}
    location_rows = Location.objects.in_bulk(plan.location_ids())
    fos = assign(
        order,
        [(location_rows[a.location_id], by_line[a.line_id], a.quantity) for a in plan.allocations],
        actor,
    )
    order_services.order_record_allocation(
        order=order,
        allocated=plan.allocated_by_line(),
        actor=actor,
        explanation=plan.explanation,
        payload={
            "rule": rule.name if rule else None,
            "fulfillment_orders": [fo.number for fo in fos],
            "backordered": {str(k): v for k, v in plan.backordered.items()},
        },
    )
    return plan
