"""What still stops an order from being processed as it stands: the intake's checks (unknown
or inactive SKU, incomplete ship-to address, unknown pickup location, totals that do not add
up), run again on the stored order. An exception hold is released only when none is left;
a mismatch of totals, a money question for customer service that does not stop the
warehouse, may be overridden with a reason."""

from dataclasses import dataclass

from inventory.models import Sku

from ..models import Order, OrderCharge, OrderLine
from .amounts import compute_totals, totals_problem
from .document import _sku_problem
from .normalize import address_problem

#: Problems a person may release an exception hold over (recorded with the reason).
OVERRIDABLE = frozenset({"totals"})


@dataclass(frozen=True)
class Problem:
    kind: str  # "sku", "address", "pickup", "totals"
    message: str


def link_known_skus(lines: list[OrderLine]) -> list[OrderLine]:
    """Lines whose SKU was unknown at intake and exists (active) now: link them to it, in
    memory; the caller saves them. Returns the lines it linked."""
    missing = {line.sku_code for line in lines if line.sku_id is None and line.removed_at is None}
    found = {sku.code: sku for sku in Sku.objects.filter(code__in=missing, active=True)} if missing else {}
    linked = []
    for line in lines:
        if line.sku_id is None and line.sku_code in found and line.removed_at is None:
            line.sku = found[line.sku_code]
            linked.append(line)
    return linked


def order_problems(order: Order, lines: list[OrderLine]) -> list[Problem]:
    """Everything about `order` (with its `lines`) that intake would put on an exception hold."""
    problems = []
    kept = [line for line in sorted(lines, key=lambda line: line.line_number) if line.removed_at is None]
    for line in kept:
        if line.quantity_open == 0:
            continue  # shipped or cancelled: nothing left for its SKU to stop
        problem = _sku_problem(line.line_number, line.sku_code, line.sku if line.sku_id else None)
        if problem:
            problems.append(Problem("sku", problem))
    if order.delivery_method == Order.DeliveryMethod.PICKUP:
        location = order.pickup_location
        if location is None:
            problems.append(Problem("pickup", "No pickup location is set."))
        elif not (location.active and location.can_pickup):
            problems.append(Problem("pickup", f"Location {location.code!r} does not offer pickup."))
    else:
        problem = address_problem(order.shipping_address, order.customer_name)
        if problem:
            problems.append(Problem("address", problem))
    computed = compute_totals(
        kept,
        list(OrderCharge.objects.filter(order=order)),
        order_tax=order.order_tax,
        order_discount=order.order_discount,
        taxes_included=order.taxes_included,
    )
    problem = totals_problem(order.channel_totals or {}, computed, order.currency)
    if problem:
        problems.append(Problem("totals", problem))
    return problems
