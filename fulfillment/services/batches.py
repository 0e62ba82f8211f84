"""Batch picking: several fulfillment orders of one location on one walk through the bins,
each order's units into its own tote. Each order joins, is scanned and is short-picked in its
own transaction (its own locks, in the one lock order); the batch only groups them."""

from django.utils import timezone

from inventory.models import Location
from oms.core.actor import Actor
from oms.core.errors import DomainError
from oms.core.transactions import transactional

from ..errors import FulfillmentConflict, FulfillmentError, FulfillmentErrorCode
from ..models import FulfillmentOrder, FulfillmentOrderLine, PickBatch
from .common import save_fo
from .locks import lock_pick_batch, lock_work
from .picking import PickResult, _start_if_pending, fulfillment_scan_pick, lines_for_code, still_to_pick

MAX_ORDERS = 12


@transactional
def _new_batch(location: Location, actor: Actor) -> PickBatch:
    batch = PickBatch.objects.create(
        number=f"tmp-{timezone.now().timestamp()}", location=location, **actor.as_fields()
    )
    batch.number = f"PB-{batch.pk:06d}"
    batch.save(update_fields=["number"])
    return batch


@transactional
def _join(fo: FulfillmentOrder, batch: PickBatch, tote: str, actor: Actor) -> FulfillmentOrder:
    work = lock_work(fo)
    fo = work.fo
    if fo.location_id != batch.location_id:
        raise FulfillmentError(
            FulfillmentErrorCode.LOCATION_UNAVAILABLE, f"{fo.number} is not work of {batch.location.code}."
        )
    if fo.batch_id and PickBatch.objects.filter(pk=fo.batch_id, closed_at__isnull=True).exists():
        raise FulfillmentConflict(FulfillmentErrorCode.WORK_IN_PROGRESS, f"{fo.number} is in another batch.")
    _start_if_pending(work, actor)
    fo.batch, fo.tote = batch, tote
    save_fo(fo, "batch", "tote")
    return fo


def pick_batch_create(
    *, location: Location, fulfillment_orders: list[FulfillmentOrder], actor: Actor
) -> tuple[PickBatch, list[str]]:
    """A batch of these orders (oldest first as given), tote T1, T2, ... each; picking starts
    for each. An order that cannot join (on hold, picked already, in another batch) is left
    out and named in the returned refusals. Refused when none can join."""
    if not fulfillment_orders:
        raise FulfillmentError(FulfillmentErrorCode.FIELD_REQUIRED, "Choose the orders to pick together.")
    if len(fulfillment_orders) > MAX_ORDERS:
        raise FulfillmentError(
            FulfillmentErrorCode.INVALID_QUANTITY,
            f"A batch holds at most {MAX_ORDERS} orders (one tote each).",
        )
    batch = _new_batch(location, actor)
    refusals, joined = [], 0
    for fo in fulfillment_orders:
        try:
            _join(fo, batch, f"T{joined + 1}", actor)
            joined += 1
        except DomainError as error:
            refusals.append(f"{fo.number}: {error.message}")
    if not joined:
        PickBatch.objects.filter(pk=batch.pk).delete()
        raise FulfillmentConflict(
            FulfillmentErrorCode.NOTHING_TO_MOVE,
            "None of those orders can be picked now: " + " ".join(refusals),
        )
    return batch, refusals


def batch_work(batch: PickBatch) -> list[FulfillmentOrder]:
    """The batch's orders still being picked, in tote order, with their lines and SKUs."""
    fos = list(
        FulfillmentOrder.objects.filter(
            batch=batch, state=FulfillmentOrder.State.PICKING, picked_at__isnull=True
        )
        .select_related("location")
        .order_by("pk")
    )
    lines = (
        FulfillmentOrderLine.objects.filter(fulfillment_order__in=fos).select_related("sku").order_by("pk")
    )
    by_fo = {fo.pk: [] for fo in fos}
    for line in lines:
        by_fo[line.fulfillment_order_id].append(line)
    for fo in fos:
        fo.open_lines = by_fo[fo.pk]
    return sorted(fos, key=lambda fo: int(fo.tote[1:] or 0) if fo.tote[1:].isdigit() else 0)


def pick_batch_scan(*, batch: PickBatch, code: str, quantity: int = 1, actor: Actor) -> list[PickResult]:
    """Scanned units of a SKU go to the totes that still need it, first tote first. Refused as
    a whole (nothing recorded) when no order of the batch wants the item or fewer units are
    wanted than scanned."""
    if batch.closed_at is not None:
        raise FulfillmentConflict(FulfillmentErrorCode.INVALID_TRANSITION, f"Batch {batch.number} is done.")
    plan, wanted, known = [], 0, False
    for fo in batch_work(batch):
        for line in lines_for_code(fo.open_lines, code):
            known = True
            if still_to_pick(line):
                plan.append((fo, still_to_pick(line)))
                wanted += still_to_pick(line)
    if not known:
        raise FulfillmentError(
            FulfillmentErrorCode.WRONG_ITEM,
            f"Wrong item: {code.strip()} is not on batch {batch.number}.",
            details={"code": code.strip()},
        )
    if quantity > wanted:
        raise FulfillmentError(
            FulfillmentErrorCode.OVER_PICK,
            f"Too many {code.strip()}: the batch needs {wanted} more; {quantity} scanned.",
            details={"remaining": wanted, "scanned": quantity},
        )
    results, left = [], quantity
    for fo, units in plan:
        if left == 0:
            break
        take = min(units, left)
        results.append(fulfillment_scan_pick(fo=fo, code=code, quantity=take, actor=actor))
        left -= take
    pick_batch_close_if_done(batch=batch)
    return results


@transactional
def pick_batch_close_if_done(*, batch: PickBatch) -> PickBatch:
    """Closed once none of its orders is still being picked."""
    batch = lock_pick_batch(batch)
    if batch.closed_at is None and not batch_work(batch):
        batch.closed_at = timezone.now()
        batch.save(update_fields=["closed_at", "updated_at"])
    return batch
