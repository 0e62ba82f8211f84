"""Receiving and inspection: line by line, with the condition found and a disposition.

Restocked units go back on the shelf through the inventory ledger (a return movement held
by the receipt, then `stock_received`, which lets fulfillment fill waiting backorders);
scrapped units and units going back to the vendor move no stock.
"""

from collections import defaultdict

from django.utils import timezone

from inventory.models import Location
from inventory.services import StockLine, stock_restock_returns, works_at
from oms.core.actor import Actor
from oms.core.transactions import transactional
from orders import services as order_services

from ..errors import ReturnConflict, ReturnError, ReturnErrorCode, ReturnForbidden
from ..models import ReturnAuthorization, ReturnLine, ReturnReceipt
from ..permissions import RETURN_RECEIVE
from .common import pk_of, record, require_transition, rma_lines, set_actor, whole_number
from .locks import lock_rma
from .settlement import close_if_settled

Disposition = ReturnReceipt.Disposition
CONDITIONS = set(ReturnReceipt.Condition.values)
DISPOSITIONS = set(Disposition.values)
#: ReturnLine counter per disposition.
COUNTERS = {
    Disposition.RESTOCK: "quantity_restocked",
    Disposition.SCRAP: "quantity_scrapped",
    Disposition.VENDOR: "quantity_to_vendor",
}


def _validated(rma: ReturnAuthorization, lines: dict[int, ReturnLine], items: list[dict]):
    if not items:
        raise ReturnError(ReturnErrorCode.NO_LINES, "Say what was received: at least one line.")
    result, totals = [], defaultdict(int)
    for index, item in enumerate(items):
        line = lines.get(pk_of(item.get("return_line")))
        if line is None:
            raise ReturnError(
                ReturnErrorCode.LINE_NOT_ON_RETURN,
                f"Line {index + 1}: return line {pk_of(item.get('return_line'))} is not on {rma.number}.",
                details={"index": index, "return_line": pk_of(item.get("return_line"))},
            )
        quantity = whole_number(item.get("quantity"), f"lines.{index}.quantity")
        condition, disposition = item.get("condition") or "", item.get("disposition") or ""
        if condition not in CONDITIONS:
            raise ReturnError(
                ReturnErrorCode.INVALID_CONDITION,
                f"Line {index + 1}: condition {condition!r} is not one of {', '.join(sorted(CONDITIONS))}.",
                details={"index": index, "condition": condition},
            )
        if disposition not in DISPOSITIONS:
            raise ReturnError(
                ReturnErrorCode.INVALID_DISPOSITION,
                f"Line {index + 1}: disposition {disposition!r} is not one of "
                f"{', '.join(sorted(DISPOSITIONS))}.",
                details={"index": index, "disposition": disposition},
            )
        if disposition == Disposition.RESTOCK and line.order_line.sku_id is None:
            raise ReturnError(
                ReturnErrorCode.INVALID_DISPOSITION,
                f"Line {index + 1}: {line.order_line.sku_code} is not a known SKU; it cannot be restocked.",
                details={"index": index},
            )
        totals[line.pk] += quantity
        if totals[line.pk] > line.quantity_outstanding:
            raise ReturnConflict(
                ReturnErrorCode.RECEIVE_TOO_MANY,
                f"{line.order_line.sku_code}: {totals[line.pk]} received, but only "
                f"{line.quantity_outstanding} of the {line.quantity} authorized are still expected.",
                details={
                    "return_line": line.pk,
                    "received": totals[line.pk],
                    "authorized": line.quantity,
                    "expected": line.quantity_outstanding,
                },
            )
        result.append((line, quantity, condition, disposition))
    return result


@transactional
def return_receive(
    *, rma: ReturnAuthorization, location: Location, lines: list[dict], actor: Actor
) -> list[ReturnReceipt]:
    """Goods of an authorized RMA arrived at `location`: lines = [{return_line, quantity,
    condition, disposition}] (a line may appear more than once: one unit damaged and
    scrapped, one new and restocked). Partial receipts are fine; the RMA becomes
    `received` once every line is fully received."""
    order, rma, locked = lock_rma(rma, restock_at=location)
    RETURN_RECEIVE.require(actor, rma)
    if not works_at(actor, location):
        raise ReturnForbidden(
            ReturnErrorCode.LOCATION_NOT_ALLOWED,
            f"{actor.label or actor.kind} does not work at {location.code}; receive returns at your own "
            "location.",
            details={"location": location.code},
        )
    require_transition(rma, rma.mark_received, "received (authorize it first)")
    by_id = {line.pk: line for line in rma_lines(rma)}
    validated = _validated(rma, by_id, lines)

    now = timezone.now()
    receipts, returned, restock = [], defaultdict(int), []
    for line, quantity, condition, disposition in validated:
        receipt = ReturnReceipt(
            line=line,
            quantity=quantity,
            condition=condition,
            disposition=disposition,
            location=location,
            created_at=now,
        )
        set_actor(receipt, "actor", actor)
        line.quantity_received += quantity
        setattr(line, COUNTERS[disposition], getattr(line, COUNTERS[disposition]) + quantity)
        returned[line.order_line_id] += quantity
        receipts.append(receipt)
    ReturnReceipt.objects.bulk_create(receipts)
    for receipt in receipts:
        if receipt.disposition == Disposition.RESTOCK:
            restock.append(StockLine(receipt.line.order_line.sku, location, receipt.quantity, holder=receipt))
    if restock:
        stock_restock_returns(lines=restock, actor=actor, reference=rma.number, locked=locked)
    ReturnLine.objects.bulk_update(
        list(by_id.values()),
        ["quantity_received", "quantity_restocked", "quantity_scrapped", "quantity_to_vendor"],
    )

    order_services.order_record_return(
        order=order, quantities=dict(returned), actor=actor, payload={"rma": rma.number}
    )
    complete = all(line.quantity_outstanding == 0 for line in by_id.values())
    if rma.receiving_location_id is None:
        rma.receiving_location = location
    if complete:
        rma.mark_received()
        rma.received_at = now
    rma.save()
    record(
        order,
        "return_received",
        actor,
        rma,
        message=f"Return {rma.number}: {sum(r.quantity for r in receipts)} unit(s) received at "
        f"{location.code}" + (", all received." if complete else "."),
        location=location.code,
        complete=complete,
        receipts=[
            {
                "order_line": line.order_line_id,
                "sku": line.order_line.sku_code,
                "quantity": quantity,
                "condition": condition,
                "disposition": disposition,
            }
            for line, quantity, condition, disposition in validated
        ],
    )
    if complete:
        close_if_settled(order, rma, list(by_id.values()), actor)
    return receipts
