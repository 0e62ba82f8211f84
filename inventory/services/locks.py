"""Every row lock inventory takes, in the one lock order of design section 2.

1. Stock levels first: every (SKU, location) row the step touches, in one statement, in
   primary-key order. A caller that will also lock order or fulfillment rows takes these
   first (`stock_lock`) and passes the `LockedStock` on to the inventory calls it makes.
2. Reservations next, only ever under their stock level's lock.
3. A transfer after the stock level it moves units into or out of.

Locks are `FOR NO KEY UPDATE OF <table>`: they exclude other writers of the same rows but not
inserts that merely reference them (a movement or reservation naming a locked level, an
order line naming a SKU), whose foreign-key checks take `FOR KEY SHARE` at commit.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from oms.core.transactions import RetryTransaction, for_update

from ..models import Reservation, StockLevel, Transfer

Pair = tuple[int, int]  # (sku_id, location_id)


class LockedStock(dict[Pair, StockLevel]):
    """Stock levels locked in this transaction, by (sku_id, location_id)."""

    sku_ids: frozenset[int] = frozenset()

    def covers(self, pairs: Iterable[Pair]) -> bool:
        return all(pair in self or pair[0] in self.sku_ids for pair in pairs)

    def require(self, pairs: Iterable[Pair]) -> None:
        """The step needs these levels locked; they changed since it looked: start again."""
        missing = sorted(pair for pair in set(pairs) if pair not in self and pair[0] not in self.sku_ids)
        if missing:
            raise RetryTransaction(f"stock levels {missing} were not locked up front")

    def by_pk(self) -> dict[int, StockLevel]:
        return {level.pk: level for level in self.values()}


def lock_levels(
    *, pairs: Iterable[Pair] = (), sku_ids: Iterable[int] = (), create_missing: bool = False
) -> LockedStock:
    """Lock the stock levels of exact (sku_id, location_id) pairs and every level of `sku_ids`
    (at any location), in one statement in primary-key order. `create_missing` inserts the
    pairs that have no level yet (a first receipt) before locking them."""
    pairs, sku_ids = set(pairs), frozenset(sku_ids)
    if create_missing and pairs:
        StockLevel.objects.bulk_create(
            [StockLevel(sku_id=sku_id, location_id=location_id) for sku_id, location_id in sorted(pairs)],
            ignore_conflicts=True,
            batch_size=1000,
        )
    locked = LockedStock()
    locked.sku_ids = sku_ids
    condition = Q(sku_id__in=sorted(sku_ids)) if sku_ids else Q()
    # One OR term per location (not per pair), so that a 10,000-line count stays one short
    # statement; the locks are still taken in primary-key order.
    by_location = defaultdict(set)
    for sku_id, location_id in pairs:
        if sku_id not in sku_ids:
            by_location[location_id].add(sku_id)
    for location_id, location_skus in sorted(by_location.items()):
        condition |= Q(location_id=location_id, sku_id__in=sorted(location_skus))
    if not condition:
        return locked
    for level in for_update(StockLevel.objects.filter(condition)).order_by("pk"):
        locked[level.sku_id, level.location_id] = level
    return locked


def holder_condition(holders: Iterable[models.Model]) -> Q:
    """The reservations (or movements) of these holders: one term per holder model."""
    by_type = defaultdict(set)
    for holder in holders:
        by_type[ContentType.objects.get_for_model(holder).pk].add(holder.pk)
    condition = Q()
    for type_id, ids in sorted(by_type.items()):
        condition |= Q(holder_type_id=type_id, holder_id__in=sorted(ids))
    return condition


def lock_open_reservations(holders: Iterable[models.Model], locked: LockedStock | None) -> tuple:
    """Lock the holders' open reservations (primary-key order, one statement), after their
    stock levels: those in `locked` when the caller took them up front, else locked here
    first. Returns (locked stock, reservations with their locked levels attached)."""
    condition = holder_condition(holders)
    if not condition:
        return locked or LockedStock(), []
    open_reservations = Reservation.objects.filter(condition, status=Reservation.Status.OPEN)
    if locked is None:
        pairs = open_reservations.values_list("stock_level__sku_id", "stock_level__location_id")
        locked = lock_levels(pairs=set(pairs))
    reservations = list(for_update(open_reservations).order_by("pk"))
    levels = locked.by_pk()
    if any(reservation.stock_level_id not in levels for reservation in reservations):
        raise RetryTransaction("a reservation was opened at a stock level this transaction did not lock")
    for reservation in reservations:
        reservation.stock_level = levels[reservation.stock_level_id]
    return locked, reservations


def lock_transfer(transfer: Transfer) -> Transfer:
    """The transfer locked and fresh (its SKU and locations joined for reading, not locked);
    the caller locked the stock level it moves units at first."""
    return for_update(Transfer.objects.select_related("sku", "from_location", "to_location")).get(
        pk=transfer.pk
    )
