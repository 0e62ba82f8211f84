"""Stock promised to holders: lock up front, reserve, release, consume on shipment.

Every call here works on many holders at once and locks once (levels, then reservations),
so that no caller locks stock line by line. A caller that also locks its own rows (an order,
its fulfillment orders) calls `stock_lock` first and passes the result as `locked`.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.utils import timezone

from oms.core.actor import Actor
from oms.core.bulk import rows_insert
from oms.core.transactions import transactional

from ..errors import InsufficientStock, InventoryError, InventoryErrorCode
from ..models import Reservation
from .ledger import Kind, ReservationRequest, _holder_fields, _movement, _require_positive, _save
from .locks import LockedStock, Pair, lock_levels, lock_open_reservations


@dataclass(frozen=True)
class Take:
    """Units of one holder's open reservations: `quantity` of them, or all when None."""

    holder: models.Model
    quantity: int | None = None


@transactional
def stock_lock(
    *, pairs: Iterable[Pair] = (), sku_ids: Iterable[int] = (), create_missing: bool = False
) -> LockedStock:
    """Lock, before anything else in the transaction, the stock levels a step will touch:
    exact (sku_id, location_id) pairs and every level of `sku_ids` (sourcing plans on those).

    Holding these locks, a caller can read exact figures, lock its own rows, then reserve,
    release, consume or receive (passing `locked=`) without racing or deadlocking anyone.
    `create_missing` makes the levels of `pairs` that do not exist yet (a first restock)."""
    return lock_levels(pairs=pairs, sku_ids=sku_ids, create_missing=create_missing)


@transactional
def stock_reserve(
    *,
    requests: list[ReservationRequest],
    actor: Actor,
    reference: str = "",
    locked: LockedStock | None = None,
) -> list[Reservation]:
    """Reserve stock for holders, all or nothing; raises InsufficientStock naming the gaps."""
    for request in requests:
        _require_positive(request.quantity)
    pairs = {(request.sku_id, request.location_id) for request in requests}
    if locked is None:
        locked = lock_levels(pairs=pairs)
    else:
        locked.require(pairs)
    wanted = defaultdict(int)
    for request in requests:
        wanted[request.sku_id, request.location_id] += request.quantity
    shortages = [
        {
            "sku_id": sku_id,
            "location_id": location_id,
            "requested": quantity,
            "available": locked[sku_id, location_id].available if (sku_id, location_id) in locked else 0,
        }
        for (sku_id, location_id), quantity in wanted.items()
        if (sku_id, location_id) not in locked or locked[sku_id, location_id].available < quantity
    ]
    if shortages:
        raise InsufficientStock(shortages)

    reservations, movements = [], []
    for request in requests:
        level = locked[request.sku_id, request.location_id]
        holder = _holder_fields(request.holder)
        reservations.append(
            Reservation(
                stock_level=level, quantity=request.quantity, original_quantity=request.quantity, **holder
            )
        )
        movements.append(
            _movement(
                level,
                Kind.RESERVATION,
                actor,
                reserved_delta=request.quantity,
                reference=request.reference or reference,
                **holder,
            )
        )
    _save(movements)
    return rows_insert(reservations)


def _taken(takes: list[Take], reservations: list[Reservation]) -> list[tuple[Reservation, int]]:
    """Split each take over its holder's reservations, oldest first."""
    by_holder = defaultdict(list)
    for reservation in reservations:
        by_holder[reservation.holder_type_id, reservation.holder_id].append(reservation)
    taken = []
    for take in takes:
        type_id = _holder_fields(take.holder)["holder_type_id"]
        left = take.quantity
        for reservation in by_holder[type_id, take.holder.pk]:
            amount = reservation.quantity if left is None else min(reservation.quantity, left)
            if amount:
                taken.append((reservation, amount))
                reservation.quantity -= amount  # what is left open for a later take of the holder
            if left is not None:
                left -= amount
                if left == 0:
                    break
    return taken


def _close(taken, kind: str, status: str, actor: Actor, *, reason: str, reference: str, on_hand_too: bool):
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
        if reservation.quantity == 0:
            reservation.status, reservation.closed_at = status, now
    _save(movements)
    changed = list({id(reservation): reservation for reservation, _ in taken}.values())
    Reservation.objects.bulk_update(changed, ["quantity", "status", "closed_at"])
    return sum(amount for _, amount in taken)


def _check_takes(takes: list[Take]) -> None:
    for take in takes:
        if take.quantity is not None:
            _require_positive(take.quantity)


@transactional
def stock_release(
    *,
    takes: list[Take],
    actor: Actor,
    reason: str = "",
    reference: str = "",
    locked: LockedStock | None = None,
) -> int:
    """Release open reservations of many holders at once (each take: its units, or all of
    them); returns the units released. A holder with less reserved than asked gives what
    it has: releasing is never refused."""
    _check_takes(takes)
    _locked, reservations = lock_open_reservations([take.holder for take in takes], locked)
    taken = _taken(takes, reservations)
    if not taken:
        return 0
    return _close(
        taken,
        Kind.RELEASE,
        Reservation.Status.RELEASED,
        actor,
        reason=reason,
        reference=reference,
        on_hand_too=False,
    )


@transactional
def stock_consume(
    *, takes: list[Take], actor: Actor, reference: str = "", locked: LockedStock | None = None
) -> int:
    """Shipment: the reserved units of many holders leave the building (on_hand and reserved
    both go down), all or nothing; each take must name its quantity."""
    _check_takes(takes)
    _locked, reservations = lock_open_reservations([take.holder for take in takes], locked)
    reserved = defaultdict(int)
    for reservation in reservations:
        reserved[reservation.holder_type_id, reservation.holder_id] += reservation.quantity
    for take in takes:
        key = (_holder_fields(take.holder)["holder_type_id"], take.holder.pk)
        if take.quantity is None or reserved[key] < take.quantity:
            raise InventoryError(
                InventoryErrorCode.NOTHING_TO_RELEASE,
                f"Only {reserved[key]} units are reserved for this line; cannot ship {take.quantity}.",
                details={"reserved": reserved[key], "requested": take.quantity},
            )
        reserved[key] -= take.quantity
    return _close(
        _taken(takes, reservations),
        Kind.SHIPMENT,
        Reservation.Status.CONSUMED,
        actor,
        reason="",
        reference=reference,
        on_hand_too=True,
    )
