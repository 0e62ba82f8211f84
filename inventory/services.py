"""Every change of stock. Each function is atomic, locks the stock rows it changes in
primary-key order (one statement), and writes a ledger movement per change.

Lock order rule for callers that touch several levels in one transaction (sourcing,
re-sourcing): call `stock_lock_for_allocation` first, for every SKU involved, so that
all later locks in the transaction are on rows already held.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from oms.core.actor import Actor

from .errors import InsufficientStock, InventoryError, InventoryErrorCode
from .models import Location, Reservation, Sku, StockLevel, StockMovement
from .signals import stock_received

Kind = StockMovement.Kind


@dataclass(frozen=True)
class StockLine:
    """One SKU and quantity at one location, for the batch services."""

    sku: Sku
    location: Location
    quantity: int


@dataclass(frozen=True)
class ReservationRequest:
    sku_id: int
    location_id: int
    quantity: int
    holder: models.Model


def _require_positive(quantity, field: str = "quantity") -> None:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
        raise InventoryError(
            InventoryErrorCode.INVALID_QUANTITY,
            f"{field} must be a whole number above zero.",
            details={"field": field, "value": quantity},
        )


def _lock_levels(pairs: Iterable[tuple[int, int]], *, create_missing: bool = False) -> dict:
    """Lock the stock levels of (sku_id, location_id) pairs, in primary-key order."""
    pairs = set(pairs)
    if not pairs:
        return {}
    if create_missing:
        StockLevel.objects.bulk_create(
            [StockLevel(sku_id=sku_id, location_id=location_id) for sku_id, location_id in sorted(pairs)],
            ignore_conflicts=True,
            batch_size=1000,
        )
    # One OR term per location (not per pair), so that a 10,000-line count stays one
    # short statement; the locks are still taken in primary-key order.
    by_location = defaultdict(set)
    for sku_id, location_id in pairs:
        by_location[location_id].add(sku_id)
    condition = Q()
    for location_id, sku_ids in by_location.items():
        condition |= Q(location_id=location_id, sku_id__in=sorted(sku_ids))
    levels = StockLevel.objects.select_for_update().filter(condition).order_by("pk")
    return {(level.sku_id, level.location_id): level for level in levels}


def _movement(
    level: StockLevel,
    kind: str,
    actor: Actor,
    *,
    on_hand_delta: int = 0,
    reserved_delta: int = 0,
    reason: str = "",
    reference: str = "",
    holder_type_id: int | None = None,
    holder_id: int | None = None,
) -> StockMovement:
    """Apply the deltas to `level` in memory and return the unsaved movement."""
    level.on_hand += on_hand_delta
    level.reserved += reserved_delta
    return StockMovement(
        stock_level=level,
        sku_id=level.sku_id,
        location_id=level.location_id,
        kind=kind,
        on_hand_delta=on_hand_delta,
        reserved_delta=reserved_delta,
        on_hand_after=level.on_hand,
        reserved_after=level.reserved,
        reason=reason[:200],
        reference=reference[:100],
        holder_type_id=holder_type_id,
        holder_id=holder_id,
        **actor.as_fields(),
    )


def _save(levels: Iterable[StockLevel], movements: list[StockMovement]) -> list[StockMovement]:
    now = timezone.now()
    levels = list(levels)
    for level in levels:
        level.updated_at = now
    StockLevel.objects.bulk_update(levels, ["on_hand", "reserved", "updated_at"], batch_size=1000)
    for movement in movements:
        movement.created_at = now
    return StockMovement.objects.bulk_create(movements, batch_size=1000)


def _below_reserved(level: StockLevel, new_on_hand: int) -> InventoryError:
    return InventoryError(
        InventoryErrorCode.BELOW_RESERVED,
        f"{level.sku.code} at {level.location.code}: on hand cannot go below the "
        f"{level.reserved} units reserved for orders.",
        details={
            "sku": level.sku.code,
            "location": level.location.code,
            "reserved": level.reserved,
            "requested_on_hand": new_on_hand,
        },
    )


def _signal_received(lines: list[StockLine]) -> None:
    by_location = defaultdict(set)
    for line in lines:
        by_location[line.location.pk].add(line.sku.pk)
    for location_id, sku_ids in by_location.items():
        stock_received.send(sender=StockMovement, sku_ids=sorted(sku_ids), location_id=location_id)


@transaction.atomic
def stock_receive(
    *,
    lines: list[StockLine],
    actor: Actor,
    reference: str = "",
    kind: str = Kind.RECEIPT,
    holder: models.Model | None = None,
) -> list[StockMovement]:
    """Goods arrived: on_hand goes up. Sends `stock_received` so backorders can be filled."""
    for line in lines:
        _require_positive(line.quantity)
    levels = _lock_levels(((line.sku.pk, line.location.pk) for line in lines), create_missing=True)
    holder_fields = _holder_fields(holder) if holder is not None else {}
    movements = [
        _movement(
            levels[line.sku.pk, line.location.pk],
            kind,
            actor,
            on_hand_delta=line.quantity,
            reference=reference,
            **holder_fields,
        )
        for line in lines
    ]
    saved = _save(levels.values(), movements)
    _signal_received(lines)
    return saved


def stock_restock_return(
    *, sku: Sku, location: Location, quantity: int, actor: Actor, holder: models.Model, reference: str = ""
) -> StockMovement:
    """A returned unit put back on the shelf: a return movement, then `stock_received`."""
    return stock_receive(
        lines=[StockLine(sku, location, quantity)],
        actor=actor,
        reference=reference,
        kind=Kind.RETURN_RESTOCK,
        holder=holder,
    )[0]


@transaction.atomic
def stock_adjust(
    *, sku: Sku, location: Location, delta: int, reason: str, actor: Actor, reference: str = ""
) -> StockMovement:
    """Correct on_hand by `delta` (damage, found stock, ...). A reason is required."""
    if isinstance(delta, bool) or not isinstance(delta, int) or delta == 0:
        raise InventoryError(
            InventoryErrorCode.INVALID_QUANTITY,
            "delta must be a non-zero whole number.",
            details={"field": "delta", "value": delta},
        )
    if not (reason or "").strip():
        raise InventoryError(
            InventoryErrorCode.REASON_REQUIRED, "An adjustment needs a reason.", details={"field": "reason"}
        )
    level = _lock_levels([(sku.pk, location.pk)], create_missing=delta > 0).get((sku.pk, location.pk))
    if level is None or level.on_hand + delta < level.reserved:
        level = level or StockLevel(sku=sku, location=location)
        raise _below_reserved(level, level.on_hand + delta)
    movement = _movement(
        level, Kind.ADJUSTMENT, actor, on_hand_delta=delta, reason=reason.strip(), reference=reference
    )
    return _save([level], [movement])[0]


@transaction.atomic
def stock_transfer(
    *,
    sku: Sku,
    from_location: Location,
    to_location: Location,
    quantity: int,
    actor: Actor,
    reference: str = "",
) -> tuple[StockMovement, StockMovement]:
    """Move available units between locations: two movements, one transaction."""
    _require_positive(quantity)
    if from_location.pk == to_location.pk:
        raise InventoryError(
            InventoryErrorCode.SAME_LOCATION,
            "A transfer needs two different locations.",
            details={"field": "to_location"},
        )
    source_key, target_key = (sku.pk, from_location.pk), (sku.pk, to_location.pk)
    levels = _lock_levels([source_key, target_key], create_missing=True)
    source, target = levels[source_key], levels[target_key]
    source.sku, source.location = sku, from_location
    if source.on_hand - source.reserved < quantity:
        raise InsufficientStock(
            [
                {
                    "sku": sku.code,
                    "location": from_location.code,
                    "requested": quantity,
                    "available": source.on_hand - source.reserved,
                }
            ]
        )
    reference = reference or f"transfer {from_location.code}->{to_location.code}"
    movements = [
        _movement(source, Kind.TRANSFER_OUT, actor, on_hand_delta=-quantity, reference=reference),
        _movement(target, Kind.TRANSFER_IN, actor, on_hand_delta=quantity, reference=reference),
    ]
    out_movement, in_movement = _save([source, target], movements)
    return out_movement, in_movement


@transaction.atomic
def stock_count(
    *, lines: list[StockLine], actor: Actor, reason: str = "cycle count", reference: str = ""
) -> list[StockMovement]:
    """A cycle count: on_hand becomes the counted quantity; the difference is recorded.

    All or nothing: a count below what is reserved refuses the whole batch. A line that
    matches what the system already holds writes no movement.
    """
    for line in lines:
        if isinstance(line.quantity, bool) or not isinstance(line.quantity, int) or line.quantity < 0:
            raise InventoryError(
                InventoryErrorCode.INVALID_QUANTITY,
                "A count must be zero or more.",
                details={"sku": line.sku.code, "value": line.quantity},
            )
    levels = _lock_levels(((line.sku.pk, line.location.pk) for line in lines), create_missing=True)
    movements = []
    for line in lines:
        level = levels[line.sku.pk, line.location.pk]
        if line.quantity < level.reserved:
            level.sku, level.location = line.sku, line.location
            raise _below_reserved(level, line.quantity)
        difference = line.quantity - level.on_hand
        if difference:
            movements.append(
                _movement(
                    level, Kind.COUNT, actor, on_hand_delta=difference, reason=reason, reference=reference
                )
            )
    return _save(levels.values(), movements) if movements else []


@transaction.atomic
def stock_lock_for_allocation(*, sku_ids: Iterable[int]) -> list[StockLevel]:
    """Lock every stock level of these SKUs (pk order) and return them for sourcing.

    Holding these locks, a caller can plan on exact figures and then reserve, release
    or re-source in the same transaction without racing or deadlocking anyone.
    """
    return list(StockLevel.objects.select_for_update().filter(sku_id__in=set(sku_ids)).order_by("pk"))


def _holder_fields(holder: models.Model) -> dict:
    content_type = ContentType.objects.get_for_model(holder)
    return {"holder_type_id": content_type.pk, "holder_id": holder.pk}


@transaction.atomic
def stock_reserve(
    *, requests: list[ReservationRequest], actor: Actor, reference: str = ""
) -> list[Reservation]:
    """Reserve stock for holders, all or nothing; raises InsufficientStock naming the gaps."""
    for request in requests:
        _require_positive(request.quantity)
    levels = _lock_levels((request.sku_id, request.location_id) for request in requests)
    wanted = defaultdict(int)
    for request in requests:
        wanted[request.sku_id, request.location_id] += request.quantity
    shortages = [
        {
            "sku_id": sku_id,
            "location_id": location_id,
            "requested": quantity,
            "available": levels[sku_id, location_id].available if (sku_id, location_id) in levels else 0,
        }
        for (sku_id, location_id), quantity in wanted.items()
        if (sku_id, location_id) not in levels or levels[sku_id, location_id].available < quantity
    ]
    if shortages:
        raise InsufficientStock(shortages)

    reservations, movements = [], []
    for request in requests:
        level = levels[request.sku_id, request.location_id]
        holder = _holder_fields(request.holder)
        reservations.append(
            Reservation(
                stock_level=level, quantity=request.quantity, original_quantity=request.quantity, **holder
            )
        )
        movements.append(
            _movement(
                level, Kind.RESERVATION, actor, reserved_delta=request.quantity, reference=reference, **holder
            )
        )
    _save(levels.values(), movements)
    return Reservation.objects.bulk_create(reservations)


def _holder_condition(holders: Iterable[models.Model]) -> Q:
    condition = Q()
    for holder in holders:
        condition |= Q(holder_type=ContentType.objects.get_for_model(holder), holder_id=holder.pk)
    return condition


def _lock_open_reservations(holders: Iterable[models.Model]) -> tuple[dict, list[Reservation]]:
    """Lock the holders' stock levels, then their open reservations: always levels first."""
    condition = _holder_condition(holders)
    if not condition:
        return {}, []
    open_reservations = Reservation.objects.filter(condition, status=Reservation.Status.OPEN)
    pairs = set(open_reservations.values_list("stock_level__sku_id", "stock_level__location_id"))
    while True:
        levels = _lock_levels(pairs)
        by_id = {level.pk: level for level in levels.values()}
        reservations = list(open_reservations.select_for_update().order_by("pk"))
        if all(reservation.stock_level_id in by_id for reservation in reservations):
            break
        # A reservation was opened at another level between the read and the locks:
        # take that level's lock as well (still in one ordered statement) and look again.
        pairs |= set(open_reservations.values_list("stock_level__sku_id", "stock_level__location_id"))
    for reservation in reservations:
        reservation.stock_level = by_id[reservation.stock_level_id]
    return levels, reservations


def _take(reservations: list[Reservation], quantity: int | None) -> list[tuple[Reservation, int]]:
    """Split `quantity` (None: everything) over the reservations, oldest first."""
    taken, left = [], quantity
    for reservation in reservations:
        amount = reservation.quantity if left is None else min(reservation.quantity, left)
        if amount:
            taken.append((reservation, amount))
        if left is not None:
            left -= amount
            if left == 0:
                break
    return taken


def _close_reservations(
    levels: dict,
    taken,
    kind: str,
    status: str,
    actor: Actor,
    *,
    reason: str,
    reference: str,
    on_hand_too: bool,
) -> int:
    now = timezone.now()
    movements = []
    for reservation, amount in taken:
        movements.append(
            _movement(
                reservation.stock_level,
                kind,
                actor,
                on_hand_delta=-amount if on_hand_too else 0,
                reserved_delta=-amount,
                reason=reason,
                reference=reference,
                holder_type_id=reservation.holder_type_id,
                holder_id=reservation.holder_id,
            )
        )
        reservation.quantity -= amount
        if reservation.quantity == 0:
            reservation.status, reservation.closed_at = status, now
    _save(levels.values(), movements)
    Reservation.objects.bulk_update([r for r, _ in taken], ["quantity", "status", "closed_at"])
    return sum(amount for _, amount in taken)


@transaction.atomic
def stock_release(
    *,
    holders: Iterable[models.Model],
    actor: Actor,
    quantity: int | None = None,
    reason: str = "",
    reference: str = "",
) -> int:
    """Release the open reservations of holders (all, or `quantity` units); returns units released."""
    if quantity is not None:
        _require_positive(quantity)
    levels, reservations = _lock_open_reservations(holders)
    taken = _take(reservations, quantity)
    if not taken:
        return 0
    return _close_reservations(
        levels,
        taken,
        Kind.RELEASE,
        Reservation.Status.RELEASED,
        actor,
        reason=reason,
        reference=reference,
        on_hand_too=False,
    )


@transaction.atomic
def stock_consume(*, holder: models.Model, quantity: int, actor: Actor, reference: str = "") -> int:
    """Shipment: the reserved units leave the building (on_hand and reserved both go down)."""
    _require_positive(quantity)
    levels, reservations = _lock_open_reservations([holder])
    open_quantity = sum(reservation.quantity for reservation in reservations)
    if open_quantity < quantity:
        raise InventoryError(
            InventoryErrorCode.NOTHING_TO_RELEASE,
            f"Only {open_quantity} units are reserved for this line; cannot ship {quantity}.",
            details={"reserved": open_quantity, "requested": quantity},
        )
    return _close_reservations(
        levels,
        _take(reservations, quantity),
        Kind.SHIPMENT,
        Reservation.Status.CONSUMED,
        actor,
        reason="",
        reference=reference,
        on_hand_too=True,
    )


@transaction.atomic
def stock_set_safety(*, sku: Sku, location: Location, safety_stock: int) -> StockLevel:
    """Safety stock is a setting, not a movement: it only lowers what is offered as available."""
    if isinstance(safety_stock, bool) or not isinstance(safety_stock, int) or safety_stock < 0:
        raise InventoryError(InventoryErrorCode.INVALID_QUANTITY, "Safety stock must be zero or more.")
    level = _lock_levels([(sku.pk, location.pk)], create_missing=True)[sku.pk, location.pk]
    level.safety_stock = safety_stock
    level.save(update_fields=["safety_stock", "updated_at"])
    return level


@transaction.atomic
def stock_import_levels(
    *, rows: list[tuple[Sku, Location, int, int | None]], actor: Actor, reference: str = "import"
) -> list[StockMovement]:
    """A stock import: each (sku, location, on_hand, safety_stock or None) is counted
    (COUNT movements for the differences) and its safety stock set, all or nothing."""
    movements = stock_count(
        lines=[StockLine(sku, location, on_hand) for sku, location, on_hand, _ in rows],
        actor=actor,
        reason="stock import",
        reference=reference,
    )
    safety = {(sku.pk, location.pk): value for sku, location, _, value in rows if value is not None}
    for value in safety.values():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InventoryError(InventoryErrorCode.INVALID_QUANTITY, "Safety stock must be zero or more.")
    if safety:
        levels = _lock_levels(safety)
        changed = []
        for key, value in safety.items():
            if levels[key].safety_stock != value:
                levels[key].safety_stock = value
                changed.append(levels[key])
        StockLevel.objects.bulk_update(changed, ["safety_stock"], batch_size=1000)
    return movements


@transaction.atomic
def sku_create(*, actor: Actor, **fields) -> Sku:
    """A new catalog item (the code is normalized by the model)."""
    sku = Sku(**fields)
    sku.save()
    return sku


@transaction.atomic
def sku_update(*, sku: Sku, actor: Actor, **fields) -> Sku:
    for name, value in fields.items():
        setattr(sku, name, value)
    sku.save()
    return sku


@transaction.atomic
def location_create(*, actor: Actor, channels=None, staff=None, **fields) -> Location:
    location = Location(**fields)
    location.save()
    if channels is not None:
        location.channels.set(channels)
    if staff is not None:
        location.staff.set(staff)
    return location


@transaction.atomic
def location_update(*, location: Location, actor: Actor, channels=None, staff=None, **fields) -> Location:
    for name, value in fields.items():
        setattr(location, name, value)
    location.save()
    if channels is not None:
        location.channels.set(channels)
    if staff is not None:
        location.staff.set(staff)
    return location
