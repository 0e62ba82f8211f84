"""Stock that arrives or is counted: receipts, return restocks, adjustments, cycle counts,
imports and safety stock (transfers between locations: transfers.py)."""

from collections import defaultdict

from oms.core.actor import Actor
from oms.core.transactions import transactional

from ..errors import InventoryError, InventoryErrorCode
from ..models import Location, Sku, StockLevel, StockMovement
from ..signals import stock_received
from .ledger import (
    Kind,
    StockLine,
    _below_reserved,
    _holder_fields,
    _movement,
    _require_positive,
    _save,
)
from .locks import LockedStock, lock_levels


def _signal_received(lines: list[StockLine]) -> None:
    by_location = defaultdict(set)
    for line in lines:
        by_location[line.location.pk].add(line.sku.pk)
    for location_id, sku_ids in by_location.items():
        stock_received.send(sender=StockMovement, sku_ids=sorted(sku_ids), location_id=location_id)


@transactional
def stock_receive(
    *,
    lines: list[StockLine],
    actor: Actor,
    reference: str = "",
    kind: str = Kind.RECEIPT,
    locked: LockedStock | None = None,
) -> list[StockMovement]:
    """Goods arrived: on_hand goes up. Sends `stock_received` so backorders can be filled.
    A caller that locked the levels first (a return receipt) passes them as `locked`."""
    for line in lines:
        _require_positive(line.quantity)
    pairs = {(line.sku.pk, line.location.pk) for line in lines}
    if locked is None:
        locked = lock_levels(pairs=pairs, create_missing=True)
    else:
        locked.require(pairs)
    movements = [
        _movement(
            locked[line.sku.pk, line.location.pk],
            kind,
            actor,
            on_hand_delta=line.quantity,
            reference=reference,
            **(_holder_fields(line.holder) if line.holder is not None else {}),
        )
        for line in lines
    ]
    saved = _save(movements)
    _signal_received(lines)
    return saved


def stock_restock_returns(
    *, lines: list[StockLine], actor: Actor, reference: str = "", locked: LockedStock | None = None
) -> list[StockMovement]:
    """Returned units put back on the shelf (each line held by its receipt): return movements,
    then `stock_received`."""
    return stock_receive(
        lines=lines, actor=actor, reference=reference, kind=Kind.RETURN_RESTOCK, locked=locked
    )


@transactional
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
    level = lock_levels(pairs=[(sku.pk, location.pk)], create_missing=delta > 0).get((sku.pk, location.pk))
    if level is None or level.on_hand + delta < level.reserved:
        level = level or StockLevel(sku=sku, location=location)
        raise _below_reserved(level, level.on_hand + delta)
    movement = _movement(
        level, Kind.ADJUSTMENT, actor, on_hand_delta=delta, reason=reason.strip(), reference=reference
    )
    return _save([movement])[0]


@transactional
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
    levels = lock_levels(pairs={(line.sku.pk, line.location.pk) for line in lines}, create_missing=True)
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
    return _save(movements) if movements else []


@transactional
def stock_set_safety(*, sku: Sku, location: Location, safety_stock: int) -> StockLevel:
    """Safety stock is a setting, not a movement: it only lowers what is offered as available."""
    if isinstance(safety_stock, bool) or not isinstance(safety_stock, int) or safety_stock < 0:
        raise InventoryError(InventoryErrorCode.INVALID_QUANTITY, "Safety stock must be zero or more.")
    level = lock_levels(pairs=[(sku.pk, location.pk)], create_missing=True)[sku.pk, location.pk]
    level.safety_stock = safety_stock
    level.save(update_fields=["safety_stock", "updated_at"])
    return level


def normalize_bin(value) -> str:
    """Bins are labels people scan and read: upper-case, no surrounding spaces."""
    return " ".join(str(value or "").split()).upper()[:40]


@transactional
def stock_set_bins(*, bins: dict[tuple[int, int], str]) -> int:
    """Where SKUs sit: {(sku_id, location_id): bin}, a setting, not a movement. Creates the
    levels that do not exist yet, so that a bin can be given before the first receipt.
    Returns how many bins changed."""
    levels = lock_levels(pairs=bins, create_missing=True)
    changed = []
    for key, value in bins.items():
        if levels[key].bin != normalize_bin(value):
            levels[key].bin = normalize_bin(value)
            changed.append(levels[key])
    StockLevel.objects.bulk_update(changed, ["bin", "updated_at"], batch_size=1000)
    return len(changed)


def stock_set_bin(*, sku: Sku, location: Location, bin: str) -> None:
    stock_set_bins(bins={(sku.pk, location.pk): bin})


@transactional
def stock_import_levels(
    *,
    rows: list[tuple[Sku, Location, int, int | None]],
    actor: Actor,
    reference: str = "import",
    bins: dict[tuple[int, int], str] | None = None,
) -> list[StockMovement]:
    """A stock import: each (sku, location, on_hand, safety_stock or None) is counted
    (COUNT movements for the differences) and its safety stock set, all or nothing.
    `bins` {(sku_id, location_id): bin} sets the bins the file names."""
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
        levels = lock_levels(pairs=safety)
        changed = []
        for key, value in safety.items():
            if levels[key].safety_stock != value:
                levels[key].safety_stock = value
                changed.append(levels[key])
        StockLevel.objects.bulk_update(changed, ["safety_stock"], batch_size=1000)
    if bins:
        stock_set_bins(bins=bins)
    return movements
