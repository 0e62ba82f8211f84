"""The warehouse steps: pick, pack, ship, deliver; pickup hand-over; drop-ship."""

from collections import defaultdict
from datetime import timedelta

from django.utils import timezone

from inventory.services import LockedStock, Take, stock_consume
from oms.core.actor import Actor
from oms.core.transactions import transactional
from orders import services as order_services
from orders.models import Order, OrderLine

from ..errors import FulfillmentConflict, FulfillmentError, FulfillmentErrorCode
from ..models import FulfillmentOrder, FulfillmentOrderLine, Shipment, ShipmentLine
from .common import (
    order_record_event,
    require_kind,
    require_no_pending_change,
    require_transition,
    require_workable,
    save_fo,
    save_lines,
    settle,
)
from .locks import Stock, Work, lock_work
from .packing import describe, pack_into
from .shipping import prepare_packages
from .sourcing import fulfillment_source_order, take_back

Kind = FulfillmentOrder.Kind


def _units(value, field: str, *, allow_zero: bool = False) -> int:
    low = 0 if allow_zero else 1
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise FulfillmentError(
            FulfillmentErrorCode.INVALID_QUANTITY,
            f"{field} must be a whole number of at least {low}.",
            details={"field": field, "value": value},
        )
    return value


def _line_map(
    fo: FulfillmentOrder, lines: list[FulfillmentOrderLine], keys
) -> dict[int, FulfillmentOrderLine]:
    by_id = {line.pk: line for line in lines}
    unknown = {int(key) for key in keys} - set(by_id)
    if unknown:
        raise FulfillmentError(
            FulfillmentErrorCode.LINE_NOT_FOUND,
            f"Lines {sorted(unknown)} are not on fulfillment order {fo.number}.",
            details={"line_ids": sorted(unknown)},
        )
    return by_id


def _event(order: Order, fo: FulfillmentOrder, kind: str, actor: Actor, message: str, **extra) -> None:
    order_record_event(
        order, kind, actor, message, fulfillment_order=fo.number, location=fo.location.code, **extra
    )


@transactional
def fulfillment_start_picking(*, fo: FulfillmentOrder, actor: Actor) -> FulfillmentOrder:
    work = lock_work(fo)
    order, fo = work.order, work.fo
    require_workable(order, "start picking")
    require_kind(fo, (Kind.SHIP, Kind.PICKUP), "start picking")
    require_transition(fo, fo.start_picking, "start picking")
    fo.start_picking()
    save_fo(fo)
    _event(order, fo, "picking_started", actor, f"Picking started at {fo.location.code} ({fo.number}).")
    return fo


@transactional
def fulfillment_confirm_pick(
    *, fo: FulfillmentOrder, picked: dict[int, int], actor: Actor
) -> tuple[FulfillmentOrder, object]:
    """Record what was picked per FO line (lines not named were picked in full). A short pick
    releases the missing units and sources them again elsewhere. Returns (fo, re-sourcing plan)."""
    work = lock_work(fo, Stock.ORDER)
    order, fo, lines = work.order, work.fo, work.lines
    if fo.state != FulfillmentOrder.State.PICKING:
        raise FulfillmentConflict(
            FulfillmentErrorCode.INVALID_TRANSITION,
            f"Fulfillment order {fo.number} is {fo.get_state_display().lower()}; start picking first.",
        )
    by_id = _line_map(fo, lines, picked)
    short = []
    for line in lines:
        target = line.quantity_open + line.quantity_shipped
        units = _units(picked.get(line.pk, picked.get(str(line.pk), target)), "picked", allow_zero=True)
        if units > target:
            raise FulfillmentError(
                FulfillmentErrorCode.INVALID_QUANTITY,
                f"{line.sku.code}: picked {units}, but only {target} are on this fulfillment order.",
                details={"line_id": line.pk, "picked": units, "quantity": target},
            )
        by_id[line.pk].quantity_picked = units
        if units < target:
            short.append((line, target - units))
    fo.picked_at = timezone.now()
    plan = None
    if short:
        plan = release_short(work, short, actor)
    else:
        save_lines(lines)
        save_fo(fo, "picked_at")
        _event(order, fo, "picked", actor, f"Picked in full at {fo.location.code} ({fo.number}).")
    return fo, plan


def release_short(work: Work, short: list[tuple[FulfillmentOrderLine, int]], actor: Actor):
    """Units the picker did not find: release them, tell the order, settle the FO (saving its
    picked_at) and source them again elsewhere. Returns the re-sourcing plan."""
    order, fo, lines = work.order, work.fo, work.lines
    freed = take_back(short, actor, reason="short pick", reference=fo.number, locked=work.locked)
    save_lines(lines)
    text = ", ".join(f"{units} x {line.sku.code}" for line, units in short)
    order_services.order_record_deallocation(
        order=order,
        quantities=freed,
        actor=actor,
        reason=f"Short pick at {fo.location.code} ({fo.number}): {text} missing.",
        payload={"fulfillment_order": fo.number, "location": fo.location.code},
    )
    if not settle(fo, lines, "short pick: nothing left to pick"):
        save_fo(fo, "picked_at")
    return fulfillment_source_order(
        order=order,
        actor=actor,
        reason=f"Re-sourcing after a short pick at {fo.location.code}",
        exclude_location_ids=[fo.location_id],
        exclude_reason="short-picked there",
        locked=work.locked,
    )


@transactional
def fulfillment_pack(
    *, fo: FulfillmentOrder, actor: Actor, packages: list[dict] | None = None
) -> FulfillmentOrder:
    """Picked units into packages ([{weight_grams, length_mm, width_mm, height_mm, lines:
    {fo_line_id: units}}], every picked unit once; a shipment's packages need a weight);
    without `packages`, one package holding everything."""
    work = lock_work(fo)
    order, fo = work.order, work.fo
    require_workable(order, "pack")
    require_transition(fo, fo.pack, "pack")
    if fo.picked_at is None:
        raise FulfillmentConflict(
            FulfillmentErrorCode.NOT_PICKED, f"Confirm the picked quantities of {fo.number} before packing."
        )
    made = pack_into(fo, work.lines, packages, require_weight=packages is not None and fo.kind == Kind.SHIP)
    fo.pack()
    save_fo(fo, "packed_at")
    _event(order, fo, "packed", actor, f"Packed at {fo.location.code} ({fo.number}) into {describe(made)}.")
    return fo


def _all_delivered(order: Order) -> bool:
    open_lines = any(line.quantity_open for line in OrderLine.objects.filter(order=order))
    undelivered = (
        FulfillmentOrder.objects.filter(order=order).exclude(state__in=FulfillmentOrder.DONE_STATES).exists()
    )
    return not open_lines and not undelivered


def _consume(
    fo: FulfillmentOrder,
    order: Order,
    packages: list[dict],
    lines: list[FulfillmentOrderLine],
    actor: Actor,
    locked: LockedStock,
) -> tuple[list[Shipment], dict[int, int]]:
    """Create one Shipment per package, consume the reservations, record on the order."""
    by_id = {line.pk: line for line in lines}
    totals: dict[int, int] = defaultdict(int)
    for index, package in enumerate(packages):
        if not package.get("lines"):
            raise FulfillmentError(
                FulfillmentErrorCode.FIELD_REQUIRED,
                f"Package {index + 1} has no lines.",
                details={"index": index},
            )
        _line_map(fo, lines, package["lines"])
        for key, units in package["lines"].items():
            totals[int(key)] += _units(units, f"packages.{index}.lines.{key}")
    for line_id, units in totals.items():
        line = by_id[line_id]
        limit = line.quantity_open
        if fo.kind == Kind.SHIP:
            limit = min(limit, max(line.quantity_picked - line.quantity_shipped, 0))
        if units > limit:
            raise FulfillmentError(
                FulfillmentErrorCode.INVALID_QUANTITY,
                f"{line.sku.code}: cannot ship {units}; {limit} ready to ship.",
                details={"line_id": line_id, "requested": units, "available": limit},
            )
    now = timezone.now()
    shipments = []
    for package in packages:
        shipment = Shipment.objects.create(
            fulfillment_order=fo,
            carrier=package["carrier"],
            service=package.get("service", ""),
            tracking_number=package.get("tracking_number", ""),
            tracking_url=package.get("tracking_url", ""),
            shipped_at=now,
            **actor.as_fields(),
        )
        ShipmentLine.objects.bulk_create(
            [
                ShipmentLine(shipment=shipment, fulfillment_line_id=int(key), quantity=units)
                for key, units in package["lines"].items()
            ]
        )
        if package.get("package") is not None:
            package["package"].shipment = shipment
            package["package"].save(update_fields=["shipment"])
        shipments.append(shipment)
    stock_consume(
        takes=[Take(by_id[line_id], units) for line_id, units in totals.items()],
        actor=actor,
        reference=fo.number,
        locked=locked,
    )
    by_order_line: dict[int, int] = defaultdict(int)
    for line_id, units in totals.items():
        line = by_id[line_id]
        line.quantity_shipped += units
        line.quantity_picked = max(line.quantity_picked, line.quantity_shipped)
        by_order_line[line.order_line_id] += units
    save_lines(lines)
    order_services.order_record_shipment(
        order=order,
        quantities=dict(by_order_line),
        actor=actor,
        message=_shipped_message(fo, shipments),
        shipment={
            "fulfillment_order": fo.number,
            "location": fo.location.code,
            "carrier": packages[0]["carrier"],
            "tracking_numbers": [s.tracking_number for s in shipments if s.tracking_number],
            "packages": [
                {
                    "shipment": s.pk,
                    "carrier": s.carrier,
                    "service": s.service,
                    "tracking_number": s.tracking_number,
                    "tracking_url": s.tracking_url,
                }
                for s in shipments
            ],
        },
    )
    return shipments, dict(by_order_line)


def _shipped_message(fo: FulfillmentOrder, shipments: list[Shipment]) -> str:
    what = "; ".join(
        " ".join(part for part in (s.carrier, s.service, s.tracking_number) if part) for s in shipments
    )
    verb = "Handed over" if fo.kind == Kind.PICKUP else "Shipped"
    return f"{verb} at {fo.location.code} ({fo.number}): {what}."


@transactional
def fulfillment_ship(*, fo: FulfillmentOrder, packages: list[dict], actor: Actor) -> list[Shipment]:
    """Ship one or more packages: [{carrier, service, tracking_number, tracking_url,
    lines: {fo_line_id: units}}]. Partial quantities are allowed; the FO is shipped once
    nothing is left open on it."""
    work = lock_work(fo, Stock.OWN)
    order, fo, lines = work.order, work.fo, work.lines
    require_workable(order, "ship")
    require_kind(fo, (Kind.SHIP, Kind.DROPSHIP), "ship (pickup orders are collected)")
    require_transition(fo, fo.ship, "ship")
    if not packages:
        raise FulfillmentError(FulfillmentErrorCode.FIELD_REQUIRED, "Ship at least one package.")
    for index, package in enumerate(packages):
        if not (package.get("carrier") or "").strip():
            raise FulfillmentError(
                FulfillmentErrorCode.FIELD_REQUIRED,
                f"Package {index + 1} needs a carrier.",
                details={"field": f"packages.{index}.carrier"},
            )
    require_no_pending_change(fo, "ship it")
    packages = prepare_packages(fo, packages)
    shipments, _ = _consume(fo, order, packages, lines, actor, work.locked)
    settle(fo, lines)
    return shipments


@transactional
def fulfillment_mark_delivered(*, fo: FulfillmentOrder, actor: Actor) -> FulfillmentOrder:
    work = lock_work(fo)
    order, fo = work.order, work.fo
    require_transition(fo, fo.deliver, "mark it delivered")
    fo.deliver()
    save_fo(fo, "delivered_at")
    _record_delivered(order, fo, actor)
    return fo


def _record_delivered(order: Order, fo: FulfillmentOrder, actor: Actor, **details) -> None:
    """The FO's packages reached the customer: stamp its shipments and tell the order."""
    Shipment.objects.filter(fulfillment_order=fo, delivered_at__isnull=True).update(
        delivered_at=fo.delivered_at
    )
    order_services.order_record_delivery(
        order=order,
        actor=actor,
        all_delivered=_all_delivered(order),
        payload={"fulfillment_order": fo.number, "location": fo.location.code, **details},
    )


@transactional
def fulfillment_ready_for_pickup(*, fo: FulfillmentOrder, actor: Actor) -> FulfillmentOrder:
    work = lock_work(fo)
    order, fo = work.order, work.fo
    require_workable(order, "offer it for pickup")
    require_kind(fo, (Kind.PICKUP,), "offer it for pickup")
    require_transition(fo, fo.ready_for_pickup, "offer it for pickup")
    require_no_pending_change(fo, "offer it for pickup")
    fo.ready_for_pickup()
    save_fo(fo, "ready_at")
    store = fo.location
    collect_by = fo.ready_at + timedelta(days=store.pickup_hold_days)
    # The outbox row of this event is the customer's "ready for pickup" notice.
    _event(
        order,
        fo,
        "ready_for_pickup",
        actor,
        f"Ready for pickup at {store.code} ({fo.number}); kept until {collect_by:%Y-%m-%d}.",
        notify_customer=True,
        customer={"email": order.customer_email, "name": order.customer_name},
        store={
            "code": store.code,
            "name": store.name,
            "address": ", ".join(
                part for part in (store.address_line, store.postal_code, store.city, store.region) if part
            ),
        },
        collect_by=collect_by.isoformat(),
    )
    return fo


@transactional
def fulfillment_collect(*, fo: FulfillmentOrder, collected_by: str, actor: Actor) -> FulfillmentOrder:
    """The customer (or someone for them) took the goods: consumed like a shipment."""
    work = lock_work(fo, Stock.OWN)
    order, fo, lines = work.order, work.fo, work.lines
    require_workable(order, "hand it over")
    require_transition(fo, fo.collect, "hand it over")
    require_no_pending_change(fo, "hand it over")
    collected_by = (collected_by or "").strip()
    if not collected_by:
        raise FulfillmentError(
            FulfillmentErrorCode.FIELD_REQUIRED, "Say who collected it.", details={"field": "collected_by"}
        )
    package = {
        "carrier": "pickup",
        "service": f"collected by {collected_by}"[:60],
        "lines": {line.pk: line.quantity_open for line in lines if line.quantity_open},
    }
    if package["lines"]:
        _consume(fo, order, [package], lines, actor, work.locked)
    fo.collect()
    fo.collected_by = collected_by[:200]
    save_fo(fo, "delivered_at", "collected_by")
    _record_delivered(order, fo, actor, collected_by=collected_by)
    return fo


@transactional
def fulfillment_send_to_vendor(*, fo: FulfillmentOrder, actor: Actor) -> FulfillmentOrder:
    work = lock_work(fo)
    order, fo = work.order, work.fo
    require_workable(order, "send it to the vendor")
    require_kind(fo, (Kind.DROPSHIP,), "send it to a vendor")
    require_transition(fo, fo.send_to_vendor, "send it to the vendor")
    fo.send_to_vendor()
    save_fo(fo)
    _event(order, fo, "sent_to_vendor", actor, f"Sent to drop-ship vendor {fo.location.code} ({fo.number}).")
    return fo
