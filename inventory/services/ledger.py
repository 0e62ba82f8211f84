"""The ledger mechanics every stock service shares: lock levels in primary-key order,
apply deltas in memory, save levels and movements in bulk."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from oms.core.actor import Actor

from ..errors import InventoryError, InventoryErrorCode
from ..models import Location, Sku, StockLevel, StockMovement

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


def _holder_fields(holder: models.Model) -> dict:
    content_type = ContentType.objects.get_for_model(holder)
    return {"holder_type_id": content_type.pk, "holder_id": holder.pk}
