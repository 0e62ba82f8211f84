"""Sourcing orchestration: read the orders and the locked stock, run the pure engine, reserve,
create the fulfillment orders and report the allocations, all in one transaction.

Sourcing works on batches: a queue of waiting orders (requests.py) is sourced many at a time,
each order planned on what the ones before it left, then everything written together, so
that the statements per batch stay the same whether it holds one order or fifty.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from inventory.models import Location
from inventory.services import LockedStock, ReservationRequest, Take, stock_release, stock_reserve
from oms.core.actor import Actor
from oms.core.bulk import rows_insert, rows_update
from oms.core.transactions import transactional
from orders import services as order_services
from orders.models import Order, OrderLine

from .. import sourcing as engine
from ..models import FulfillmentOrder, FulfillmentOrderLine, RoutingRule
from .locks import lock_fulfillment_orders, lock_order_for_sourcing, require_sku_levels

CLOSED = (Order.Status.CANCELLED, Order.Status.SHIPPED, Order.Status.COMPLETED)
#: The order line columns sourcing reads (line_request, _unallocated), with those recording
#: the allocations needs: a line row is wide (prices, the channel's ids and properties).
LINE_FIELDS = (*order_services.ALLOCATION_LINE_FIELDS, "sku__code", "sku__tags", "sku__dropship_vendor")


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


def serves(order: Order, location: Location) -> bool:
    """An active location may serve this order if it ships, or it is the pickup order's store
    and takes pickups."""
    if not location.active:
        return False
    pickup = order.delivery_method == Order.DeliveryMethod.PICKUP
    return location.can_ship or (pickup and location.pk == order.pickup_location_id and location.can_pickup)


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


@dataclass(frozen=True)
class SourcingJob:
    """One locked order to source in a batch, and how."""

    order: Order
    reason: str = ""
    exclude_location_ids: frozenset[int] = frozenset()
    exclude_reason: str = ""
    record_empty: bool = True  # off: a plan that allocates nothing is not recorded (a backorder run)


@dataclass
class _Context:
    """What every order of a batch is planned against: locations, rules, running availability."""

    rows: dict[int, Location]
    candidates: dict[int, engine.CandidateLocation]
    rules: list[engine.Rule]
    available: dict[tuple[int, int], int]
    locations_of_sku: dict[int, list[int]]

    @classmethod
    def load(cls, orders: list[Order], lines: list[OrderLine], locked: LockedStock) -> "_Context":
        sku_ids = {line.sku_id for line in lines}
        levels = [level for level in locked.values() if level.sku_id in sku_ids]
        location_ids = {level.location_id for level in levels}
        location_ids |= {order.pickup_location_id for order in orders}
        location_ids |= {line.sku.dropship_vendor_id for line in lines}  # named even without stock
        rows = Location.objects.in_bulk(location_ids - {None})
        locations_of_sku = defaultdict(list)
        for level in levels:
            locations_of_sku[level.sku_id].append(level.location_id)
        return cls(
            rows=rows,
            candidates=candidate_locations(rows.values()),
            rules=routing_rules(),
            available={(level.sku_id, level.location_id): level.available for level in levels},
            locations_of_sku=locations_of_sku,
        )

    def plan(self, job: SourcingJob, lines: list[OrderLine]) -> tuple[engine.Plan, engine.Rule | None]:
        """Plan one order on what is left, and take what it allocates off what is left."""
        order = job.order
        serving = {pk: loc for pk, loc in self.candidates.items() if serves(order, self.rows[pk])}
        stock = {
            (line.sku_id, location_id): self.available[line.sku_id, location_id]
            for line in lines
            for location_id in self.locations_of_sku[line.sku_id]
            if location_id in serving
        }
        requests = [line_request(line, line.quantity_unallocated) for line in lines]
        destination = destination_of(order)
        rule = engine.match_rule(self.rules, requests, destination)
        plan = engine.source(
            lines=requests,
            destination=destination,
            locations=serving.values(),
            stock=stock,
            rule=rule,
            exclude_location_ids=job.exclude_location_ids,
            exclude_reason=job.exclude_reason,
        )
        if job.reason:
            plan.sentences.insert(0, f"{job.reason.rstrip('.')}.")
        sku_of = {line.pk: line.sku_id for line in lines}
        for allocation in plan.allocations:
            self.available[sku_of[allocation.line_id], allocation.location_id] -= allocation.quantity
        return plan, rule


def _order_lines(order_ids) -> dict[int, list[OrderLine]]:
    """Every line of these orders (read once: sourcing plans on some, recording the
    allocations needs them all)."""
    by_order = defaultdict(list)
    lines = OrderLine.objects.filter(order_id__in=list(order_ids)).select_related("sku").only(*LINE_FIELDS)
    for line in lines.order_by("pk"):
        by_order[line.order_id].append(line)
    return by_order


def _unallocated(lines: list[OrderLine]) -> list[OrderLine]:
    # Lines the channel ships itself, and bundle parents (their children are picked), never.
    return [
        line
        for line in lines
        if line.sku_id is not None
        and not line.fulfilled_by_channel
        and not line.is_bundle
        and line.quantity_unallocated > 0
    ]


def source_orders(
    jobs: list[SourcingJob], *, locked: LockedStock, actor: Actor
) -> dict[int, engine.Plan | None]:
    """Source a batch of orders the caller locked (in this transaction: the jobs' orders are the
    locked instances), on stock it locked first (every level of their SKUs). Returns each
    order's plan, or None when it had nothing to source."""
    open_jobs = [job for job in jobs if job.order.status not in CLOSED]
    every_line = _order_lines(job.order.pk for job in open_jobs)
    lines = {
        order_id: sourced
        for order_id, order_lines in every_line.items()
        if (sourced := _unallocated(order_lines))
    }
    all_lines = [line for order_lines in lines.values() for line in order_lines]
    require_sku_levels(locked, {line.sku_id for line in all_lines})
    plans: dict[int, engine.Plan | None] = {job.order.pk: None for job in jobs}
    if not all_lines:
        return plans
    context = _Context.load([job.order for job in open_jobs], all_lines, locked)
    placements, recorded = [], []
    for job in open_jobs:
        order_lines = lines.get(job.order.pk)
        if not order_lines:
            continue
        plan, rule = context.plan(job, order_lines)
        plans[job.order.pk] = plan
        if not plan.allocations and not job.record_empty:
            continue
        by_line = {line.pk: line for line in order_lines}
        placements.append(
            (
                job.order,
                [(context.rows[a.location_id], by_line[a.line_id], a.quantity) for a in plan.allocations],
            )
        )
        recorded.append((job.order, plan, rule))
    fos = assign_many(placements, actor, locked=locked)
    order_services.order_record_allocations_locked(
        allocations=[
            order_services.Allocation(
                order=order,
                allocated=plan.allocated_by_line(),
                explanation=plan.explanation,
                payload={
                    "rule": rule.name if rule else None,
                    "fulfillment_orders": [fo.number for fo in fos.get(order.pk, [])],
                    "backordered": {str(k): v for k, v in plan.backordered.items()},
                },
            )
            for order, plan, rule in recorded
        ],
        lines=every_line,
        actor=actor,
    )
    return plans


def _pending_fulfillment_orders(wanted: dict[int, tuple[Order, dict[int, Location]]]):
    """{order id: {location id: FO}}: each order's pending FO at each wanted location (locked),
    or a new one. One read of the orders' FOs, one lock, one insert. Also returns the ids of the
    FOs that existed before."""
    existing = defaultdict(list)
    for pk, order_id, location_id, state in FulfillmentOrder.objects.filter(
        order_id__in=list(wanted)
    ).values_list("pk", "order_id", "location_id", "state"):
        existing[order_id].append((pk, location_id, state))
    reused_ids = [
        pk
        for order_id, (_order, locations) in wanted.items()
        for pk, location_id, state in existing[order_id]
        if state == FulfillmentOrder.State.PENDING and location_id in locations
    ]
    fos = defaultdict(dict)
    for fo in lock_fulfillment_orders(reused_ids).values() if reused_ids else []:
        fos[fo.order_id][fo.location_id] = fo
    new = []
    for order_id, (order, locations) in wanted.items():
        missing = [location for location in locations.values() if location.pk not in fos[order_id]]
        for index, location in enumerate(missing, start=len(existing[order_id]) + 1):
            new.append(
                FulfillmentOrder(
                    order=order,
                    location=location,
                    kind=_fo_kind(order, location),
                    number=f"{order.number}-F{index}",
                )
            )
    for fo in rows_insert(new):
        fos[fo.order_id][fo.location_id] = fo
    for order_id, (_order, locations) in wanted.items():
        for location_id, fo in fos[order_id].items():
            fo.location = locations[location_id]
    return fos, reused_ids


def assign_many(
    placements: list[tuple[Order, list[tuple[Location, OrderLine, int]]]],
    actor: Actor,
    *,
    locked: LockedStock,
) -> dict[int, list[FulfillmentOrder]]:
    """Put units of order lines on (pending) fulfillment orders and reserve them, all or nothing
    (InsufficientStock), for many orders at once. The caller holds the stock locks (`locked`)
    and the orders' locks. The statements are the same whatever the number of orders, lines and
    locations. Returns each order's fulfillment orders that got units."""
    wanted = {
        order.pk: (order, {location.pk: location for location, _, _ in allocations})
        for order, allocations in placements
        if allocations
    }
    if not wanted:
        return {}
    fos, reused = _pending_fulfillment_orders(wanted)
    existing: dict[tuple[int, int], FulfillmentOrderLine] = {}
    for fo_line in FulfillmentOrderLine.objects.filter(fulfillment_order_id__in=reused) if reused else []:
        existing[fo_line.fulfillment_order_id, fo_line.order_line_id] = fo_line
    new_lines, grown, requests = [], [], []
    for order, allocations in placements:
        for location, order_line, quantity in allocations:
            fo = fos[order.pk][location.pk]
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
            requests.append((fo_line, order_line.sku_id, location.pk, quantity, order.number))
    rows_insert(new_lines)
    if grown:
        rows_update(grown, ["quantity"])
    stock_reserve(
        requests=[
            ReservationRequest(sku_id, location_id, units, fo_line, reference=number)
            for fo_line, sku_id, location_id, units, number in requests
        ],
        actor=actor,
        locked=locked,
    )
    return {order_id: list(by_location.values()) for order_id, by_location in fos.items()}


def assign(
    order: Order, allocations: list[tuple[Location, OrderLine, int]], actor: Actor, *, locked: LockedStock
) -> list[FulfillmentOrder]:
    """`assign_many` for one order (a re-route to a chosen location)."""
    return assign_many([(order, allocations)], actor, locked=locked).get(order.pk, [])


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
    """Source every unallocated unit of one order; None when there is nothing to source. A
    plan that allocates nothing is still recorded (the order shows backordered) unless
    `record_empty` is off. A caller inside a step that locked the order's stock already (a short
    pick, a reject, an edit) passes it as `locked`."""
    order, locked = lock_order_for_sourcing(order, locked)
    job = SourcingJob(order, reason, frozenset(exclude_location_ids), exclude_reason, record_empty)
    return source_orders([job], locked=locked, actor=actor)[order.pk]
