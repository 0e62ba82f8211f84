"""The ledger mechanics every stock service shares: apply deltas to locked levels in memory,
then save the levels and their movements in bulk (locks.py takes the locks)."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from oms.core.actor import Actor
from oms.core.bulk import rows_insert, rows_update

from ..errors import InventoryError, InventoryErrorCode
from ..models import Location, Sku, StockLevel, StockMovement

Kind = StockMovement.Kind


@dataclass(frozen=True)
class StockLine:
    """One SKU and quantity at one location, for the batch services; `holder` names what the
    movement is for (a return receipt), when anything."""

    sku: Sku
    location: Location
    quantity: int
    holder: models.Model | None = None


@dataclass(frozen=True)
class ReservationRequest:
    sku_id: int
    location_id: int
    quantity: int
    holder: models.Model
    reference: str = ""  # the ledger's reference for this one (an order number), else the call's


def _require_positive(quantity, field: str = "quantity") -> None:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
        raise InventoryError(
            InventoryErrorCode.INVALID_QUANTITY,
            f"{field} must be a whole number above zero.",
            details={"field": field, "value": quantity},
        )


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


def _save(movements: list[StockMovement]) -> list[StockMovement]:
    """Save the levels the movements changed (in memory, by `_movement`) and the movements."""
    now = timezone.now()
    levels = list({id(movement.stock_level): movement.stock_level for movement in movements}.values())
    for level in levels:
        level.updated_at = now
    rows_update(levels, ["on_hand", "reserved", "updated_at"])
    for movement in movements:
        movement.created_at = now
    return rows_insert(movements)


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


def _holder_fields(holder: models.Model) -> dict:
    content_type = ContentType.objects.get_for_model(holder)
    return {"holder_type_id": content_type.pk, "holder_id": holder.pk}
