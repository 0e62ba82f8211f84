"""Picking by scan: each scan of a SKU code or barcode confirms units of a line; a short pick
reports what was found on one line; the pick is complete when every line is."""

from dataclasses import dataclass

from django.utils import timezone

from inventory.models import normalize_code
from oms.core.actor import Actor
from oms.core.transactions import transactional

from ..errors import FulfillmentConflict, FulfillmentError, FulfillmentErrorCode
from ..models import FulfillmentOrder, FulfillmentOrderLine
from .common import require_kind, require_workable, save_fo
from .locks import Stock, Work, lock_work
from .steps import _event, _units, release_short

State, Kind = FulfillmentOrder.State, FulfillmentOrder.Kind


@dataclass
class PickResult:
    fo: FulfillmentOrder
    line: FulfillmentOrderLine
    quantity: int
    complete: bool
    plan: object = None


def to_pick(line: FulfillmentOrderLine) -> int:
    """Units the line asks the picker for (shipped units were picked before)."""
    return line.quantity_open + line.quantity_shipped


def still_to_pick(line: FulfillmentOrderLine) -> int:
    return max(to_pick(line) - line.quantity_picked, 0)


def lines_for_code(lines: list[FulfillmentOrderLine], code: str) -> list[FulfillmentOrderLine]:
    """The lines whose SKU a scanned code names (its code or its barcode)."""
    raw, normalized = (code or "").strip(), normalize_code(code or "")
    return [
        line
        for line in lines
        if line.sku.code == normalized or (line.sku.barcode and line.sku.barcode == raw)
    ]


def _start_if_pending(work: Work, actor: Actor) -> None:
    """Scanning a pending FO starts picking it: the first scan is the start."""
    order, fo = work.order, work.fo
    require_workable(order, "pick")
    if fo.state == State.PENDING:
        require_kind(fo, (Kind.SHIP, Kind.PICKUP), "pick")
        fo.start_picking()
        save_fo(fo)
        _event(order, fo, "picking_started", actor, f"Picking started at {fo.location.code} ({fo.number}).")
    if fo.state != State.PICKING:
        raise FulfillmentConflict(
            FulfillmentErrorCode.INVALID_TRANSITION,
            f"Fulfillment order {fo.number} is {fo.get_state_display().lower()}; nothing to pick.",
            details={"state": fo.state},
        )
    if fo.picked_at is not None:
        raise FulfillmentConflict(
            FulfillmentErrorCode.ALREADY_PICKED, f"{fo.number} is picked already; pack it."
        )


def _complete_if_done(work: Work, actor: Actor) -> bool:
    """Every line picked: the pick is confirmed (picked_at), as a full confirm_pick would."""
    order, fo, lines = work.order, work.fo, work.lines
    if not fo.is_open or fo.picked_at is not None or any(still_to_pick(line) for line in lines):
        return fo.picked_at is not None
    fo.picked_at = timezone.now()
    save_fo(fo, "picked_at")
    _event(order, fo, "picked", actor, f"Picked in full at {fo.location.code} ({fo.number}).")
    return True


@transactional
def fulfillment_scan_pick(*, fo: FulfillmentOrder, code: str, quantity: int = 1, actor: Actor) -> PickResult:
    """One scan: `quantity` units of the SKU that `code` names. Refused when the item is not on
    the pick list (wrong item) or more would be picked than the line asks for (over-pick)."""
    quantity = _units(quantity, "quantity")
    work = lock_work(fo)
    _start_if_pending(work, actor)
    fo = work.fo
    matches = lines_for_code(work.lines, code)
    if not matches:
        raise FulfillmentError(
            FulfillmentErrorCode.WRONG_ITEM,
            f"Wrong item: {code.strip()} is not on pick list {fo.number}.",
            details={"code": code.strip()},
        )
    line = next((line for line in matches if still_to_pick(line)), matches[0])
    remaining = still_to_pick(line)
    if quantity > remaining:
        raise FulfillmentError(
            FulfillmentErrorCode.OVER_PICK,
            f"Too many {line.sku.code}: {line.quantity_picked} of {to_pick(line)} picked, "
            f"{remaining} more to pick; {quantity} scanned.",
            details={"line_id": line.pk, "remaining": remaining, "scanned": quantity},
        )
    line.quantity_picked += quantity
    FulfillmentOrderLine.objects.filter(pk=line.pk).update(quantity_picked=line.quantity_picked)
    complete = _complete_if_done(work, actor)
    return PickResult(fo=fo, line=line, quantity=quantity, complete=complete)


@transactional
def fulfillment_short_pick(*, fo: FulfillmentOrder, line_id: int, found: int, actor: Actor) -> PickResult:
    """The picker found only `found` units of one line: the rest is released and sourced again
    elsewhere (or backordered) at once. Returns the result with the re-sourcing plan."""
    found = _units(found, "found", allow_zero=True)
    work = lock_work(fo, Stock.ORDER)
    _start_if_pending(work, actor)
    fo = work.fo
    line = next((line for line in work.lines if line.pk == int(line_id)), None)
    if line is None:
        raise FulfillmentError(
            FulfillmentErrorCode.LINE_NOT_FOUND,
            f"Line {line_id} is not on fulfillment order {fo.number}.",
            details={"line_id": line_id},
        )
    target = to_pick(line)
    if found >= target:
        raise FulfillmentError(
            FulfillmentErrorCode.INVALID_QUANTITY,
            f"{line.sku.code}: {target} to pick; a short pick finds fewer than that.",
            details={"line_id": line.pk, "found": found, "quantity": target},
        )
    line.quantity_picked = max(found, line.quantity_shipped)
    others_done = not any(still_to_pick(other) for other in work.lines if other.pk != line.pk)
    fo.picked_at = timezone.now() if others_done else None
    plan = release_short(work, [(line, target - found)], actor)
    if fo.is_open and fo.picked_at is not None:
        _event(work.order, fo, "picked", actor, f"Picked at {fo.location.code} ({fo.number}), short.")
    return PickResult(fo=fo, line=line, quantity=target - found, complete=fo.picked_at is not None, plan=plan)
