"""Sourcing orchestration: read the order and locked stock, run the pure engine, reserve,
create the fulfillment orders and report the allocation, all in one transaction."""

import logging
from collections import defaultdict
from collections.abc import Iterable

from inventory.models import Location
from inventory.services import LockedStock, ReservationRequest, Take, stock_release, stock_reserve
from oms.core.actor import Actor
from oms.core.errors import DomainError
from oms.core.transactions import transactional
from orders import services as order_services
from orders.models import Hold, Order, OrderLine

from .. import sourcing as engine
from ..models import FulfillmentOrder, FulfillmentOrderLine, RoutingRule
from .locks import lock_fulfillment_orders, lock_order_for_sourcing, require_sku_levels

logger = logging.getLogger(__name__)
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


def candidate_locations(locations: Iterable[Location]) -> dict[int, engine.CandidateLocation]:
    """The engine's view of these locations (channels served included: one query)."""
    locations = list(locations)
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


def serving_locations(order: Order, location_ids: Iterable[int]) -> dict[int, Location]:
    """Active locations that may serve this order: those that ship, and for a pickup order
    its store (if it takes pickups)."""
    pickup = order.delivery_method == Order.DeliveryMethod.PICKUP
    return {
        loc.pk: loc
        for loc in Location.objects.filter(pk__in=set(location_ids), active=True)
        if loc.can_ship or (pickup and loc.pk == order.pickup_location_id and loc.can_pickup)
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


def _fulfillment_orders_at(
    order: Order, locations: list[Location]
) -> tuple[dict[int, FulfillmentOrder], list[int]]:
    """The order's pending FO at each location (locked), or a new one: one read of the
    order's FOs, one lock, one insert. The caller holds the order lock. Returns the FOs by
    location id and the ids of those that existed before."""
    existing = list(FulfillmentOrder.objects.filter(order=order).values_list("pk", "location_id", "state"))
    pending = {
        location_id: pk for pk, location_id, state in existing if state == FulfillmentOrder.State.PENDING
    }
    wanted = {location.pk: location for location in locations}
    reused = [pending[location_id] for location_id in wanted if location_id in pending]
    fos = {fo.location_id: fo for fo in lock_fulfillment_orders(reused).values()} if reused else {}
    new = [
        FulfillmentOrder(
            order=order,
            location=location,
            kind=_fo_kind(order, location),
            number=f"{order.number}-F{len(existing) + index}",
        )
        for index, location in enumerate((loc for loc in wanted.values() if loc.pk not in fos), start=1)
    ]
    for fo in FulfillmentOrder.objects.bulk_create(new):
        fos[fo.location_id] = fo
    for fo in fos.values():
        fo.location = wanted[fo.location_id]
    return fos, reused


def assign(
    order: Order,
    allocations: list[tuple[Location, OrderLine, int]],
    actor: Actor,
    *,
    locked: LockedStock,
    reference: str = "",
) -> list[FulfillmentOrder]:
    """Put units of order lines on (pending) fulfillment orders and reserve them, all or nothing
    (InsufficientStock). The caller holds the stock locks (`locked`) and the order lock. Queries
    stay the same whatever the number of lines and locations."""
    fos, reused = _fulfillment_orders_at(order, [location for location, _, _ in allocations])
    existing: dict[tuple[int, int], FulfillmentOrderLine] = {}
    for fo_line in FulfillmentOrderLine.objects.filter(fulfillment_order_id__in=reused) if reused else []:
        existing[fo_line.fulfillment_order_id, fo_line.order_line_id] = fo_line
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
    if grown:
        FulfillmentOrderLine.objects.bulk_update(grown, ["quantity"])
    requests = [
        ReservationRequest(sku_id, location_id, units, fo_line)
        for fo_line, sku_id, location_id, units in holders
    ]
    if requests:
        stock_reserve(requests=requests, actor=actor, reference=reference or order.number, locked=locked)
    return list(fos.values())


def take_back(
    taken: list[tuple[FulfillmentOrderLine, int]],
    actor: Actor,
    *,
    reason: str,
    locked: LockedStock,
    reference: str = "",
) -> dict[int, int]:
    """Release `units` of each FO line's reservations (one batch call) and lower its quantity
    (the units leave this FO). Returns {order_line_id: units} for order_record_deallocation;
    the caller saves the lines."""
    taken = [(fo_line, units) for fo_line, units in taken if units > 0]
    if not taken:
        return {}
    stock_release(
        takes=[Take(fo_line, units) for fo_line, units in taken],
        actor=actor,
        reason=reason,
        reference=reference,
        locked=locked,
    )
    freed: dict[int, int] = defaultdict(int)
    for fo_line, units in taken:
        fo_line.quantity -= units
        fo_line.quantity_picked = min(fo_line.quantity_picked, fo_line.quantity - fo_line.quantity_cancelled)
        freed[fo_line.order_line_id] += units
    return dict(freed)


@transactional
def fulfillment_source_order(
    *,
    order: Order,
    actor: Actor,
    reason: str = "",
    exclude_location_ids: Iterable[int] = (),
    exclude_reason: str = "",
    record_empty: bool = True,
    locked: LockedStock | None = None,
) -> engine.Plan | None:
    """Source every unallocated unit of the order; None when there is nothing to source.
    A plan that allocates nothing is still recorded (the order shows backordered) unless
    `record_empty` is off (a backorder run that found nothing new). A caller inside a step that
    locked the order's stock already passes it as `locked`."""
    order, locked = lock_order_for_sourcing(order, locked)
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
    sku_ids = {line.sku_id for line in lines}
    require_sku_levels(locked, sku_ids)
    levels = [level for level in locked.values() if level.sku_id in sku_ids]
    location_ids = {level.location_id for level in levels} | {order.pickup_location_id}
    location_ids |= {line.sku.dropship_vendor_id for line in lines}  # named even without stock
    rows = serving_locations(order, location_ids - {None})
    locations = candidate_locations(rows.values())
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
    fos = assign(
        order,
        [(rows[a.location_id], by_line[a.line_id], a.quantity) for a in plan.allocations],
        actor,
        locked=locked,
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


def fulfillment_source_after_commit(*, order_id: int, reason: str) -> engine.Plan | None:
    """Source an order whose acceptance (or release) has committed. Whatever goes wrong is
    kept on the order: it goes on an `exception` hold naming the failure, which customer
    service sees, and releasing that hold sources it again. Never raises."""
    actor = Actor.system("fulfillment")
    try:
        return fulfillment_source_order(order=Order(pk=order_id), actor=actor, reason=reason)
    except Order.DoesNotExist:
        return None
    except Exception as exc:  # a sourcing failure must not lose the order: it is held instead
        logger.exception("sourcing order %s failed", order_id)
        _hold_after_failure(order_id, exc, actor)
        return None


def _hold_after_failure(order_id: int, exc: Exception, actor: Actor) -> None:
    what = exc.message if isinstance(exc, DomainError) else f"an unexpected error ({type(exc).__name__})"
    try:
        order_services.order_hold(
            order=Order(pk=order_id),
            kind=Hold.Kind.EXCEPTION,
            reason=f"Sourcing failed: {what}. Release this hold to source the order again.",
            actor=actor,
        )
    except DomainError as refusal:  # closed meanwhile (cancelled, shipped): nothing to hold
        logger.warning("order %s not held after a sourcing failure: %s", order_id, refusal.message)
