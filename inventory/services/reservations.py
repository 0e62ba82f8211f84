"""Stock promised to holders: lock for allocation, reserve, release, consume on shipment.

Locks are always taken levels first, then reservations, each in primary-key order."""

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from oms.core.actor import Actor

from ..errors import InsufficientStock, InventoryError, InventoryErrorCode
from ..models import Reservation, StockLevel
from .ledger import (
    Kind,
    ReservationRequest,
    _holder_fields,
    _lock_levels,
    _movement,
    _require_positive,
    _save,
)


@transaction.atomic
def stock_lock_for_allocation(*, sku_ids: Iterable[int]) -> list[StockLevel]:
    """Lock every stock level of these SKUs (pk order) and return them for sourcing.

    Holding these locks, a caller can plan on exact figures and then reserve, release
    or re-source in the same transaction without racing or deadlocking anyone.
    """
    return list(StockLevel.objects.select_for_update().filter(sku_id__in=set(sku_ids)).order_by("pk"))


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
