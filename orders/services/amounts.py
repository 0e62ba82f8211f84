"""An order's money: kept exactly as the channel stated it (4 decimals), our totals computed from
every component it states, and compared with the channel's totals at the currency's minor unit.

    subtotal = sum of line subtotals (stated, or unit price x quantity)
    discount = line discounts + charge discounts + the order's own discount
    tax      = line tax + charge tax + order-level tax lines
    total    = subtotal - discount + shipping + fees + tax (tax only when prices exclude it)
"""

from dataclasses import dataclass
from decimal import Decimal

from oms.core.money import EXACT_MAX, ZERO, exact, quantize

from ..models import OrderCharge, OrderLine

TOTAL_NAMES = ("subtotal", "discount", "tax", "shipping", "fees", "total")


@dataclass(frozen=True)
class LineMoney:
    unit_price: Decimal
    subtotal: Decimal
    discount: Decimal
    tax: Decimal


def stated_line_money(raw: dict) -> LineMoney:
    """A line's money as the channel states it: its subtotal (the whole line before discount)
    when given, else unit price x quantity; unit price derived from the subtotal when missing."""
    quantity = raw["quantity"]
    if raw.get("subtotal") is not None:
        subtotal = exact(raw["subtotal"])
        unit_price = (
            exact(raw["unit_price"]) if raw.get("unit_price") is not None else exact(subtotal / quantity)
        )
    else:
        unit_price = exact(raw["unit_price"])
        subtotal = exact(unit_price * quantity)
    tax = raw.get("tax")
    if tax is None:
        tax = sum((line_tax["amount"] for line_tax in raw.get("tax_lines") or []), ZERO)
    return LineMoney(unit_price, subtotal, exact(raw.get("discount") or ZERO), exact(tax))


def set_stated_money(line: OrderLine, money: LineMoney, quantity: int) -> None:
    """The channel stated these figures for `quantity` units: they become the line's money and
    what later quantity edits scale from."""
    line.unit_price, line.subtotal, line.discount, line.tax = (
        money.unit_price,
        money.subtotal,
        money.discount,
        money.tax,
    )
    line.stated_quantity = quantity
    line.stated_subtotal, line.stated_discount, line.stated_tax = money.subtotal, money.discount, money.tax


def scale_to_quantity(line: OrderLine, quantity: int) -> None:
    """A new quantity: subtotal, discount and tax scale from what the channel stated, never from
    figures already scaled, so going back to the stated quantity gives back the stated money."""
    stated = line.stated_quantity or line.quantity
    if quantity == stated:
        line.subtotal, line.discount, line.tax = line.stated_subtotal, line.stated_discount, line.stated_tax
    else:
        line.subtotal = exact(line.stated_subtotal * quantity / stated)
        line.discount = exact(line.stated_discount * quantity / stated)
        line.tax = exact(line.stated_tax * quantity / stated)
    line.quantity = quantity


def compute_totals(
    lines, charges, *, order_tax: Decimal = ZERO, order_discount: Decimal = ZERO, taxes_included: bool = False
) -> dict[str, Decimal]:
    """Our totals from the lines still on the order (not removed) and the charges."""
    kept = [line for line in lines if line.removed_at is None]
    shipping = [charge for charge in charges if charge.kind == OrderCharge.Kind.SHIPPING]
    fees = [charge for charge in charges if charge.kind != OrderCharge.Kind.SHIPPING]
    subtotal = sum((line.subtotal for line in kept), ZERO)
    discount = sum((line.discount for line in kept), ZERO) + sum((c.discount for c in charges), ZERO)
    discount += order_discount
    tax = sum((line.tax for line in kept), ZERO) + sum((c.tax for c in charges), ZERO) + order_tax
    shipping_total = sum((c.amount for c in shipping), ZERO)
    fees_total = sum((c.amount for c in fees), ZERO)
    total = subtotal - discount + shipping_total + fees_total + (ZERO if taxes_included else tax)
    return {
        "subtotal": exact(subtotal),
        "discount": exact(discount),
        "tax": exact(tax),
        "shipping": exact(shipping_total),
        "fees": exact(fees_total),
        "total": exact(total),
    }


LINE_MONEY = ("subtotal", "discount", "tax")


def amount_past_columns(lines, computed: dict) -> str | None:
    """The first figure (a line's scaled money, or an order total) past EXACT_MAX, the largest
    amount the money columns keep, named for people ("line 2 subtotal", "total"); else None."""
    for line in lines:
        for name in LINE_MONEY:
            if abs(getattr(line, name)) > EXACT_MAX:
                return f"line {line.line_number} {name}"
    for name, value in computed.items():
        if abs(value) > EXACT_MAX:
            return name
    return None


def totals_problem(stated: dict, computed: dict, currency: str) -> str | None:
    """The totals the channel stated that ours do not match, compared at the minor unit."""
    wrong = [
        f"{name} {quantize(Decimal(stated[name]), currency)} sent, {quantize(computed[name], currency)} "
        "computed"
        for name in TOTAL_NAMES
        if stated.get(name) is not None
        and quantize(Decimal(stated[name]), currency) != quantize(computed[name], currency)
    ]
    if wrong:
        return "Totals do not add up: " + "; ".join(wrong) + "."
    return None


def apply_totals(order, computed: dict) -> None:
    order.subtotal, order.discount_total, order.tax_total = (
        computed["subtotal"],
        computed["discount"],
        computed["tax"],
    )
    order.shipping_price, order.fees_total, order.total = (
        computed["shipping"],
        computed["fees"],
        computed["total"],
    )


TOTAL_FIELDS = ["subtotal", "discount_total", "tax_total", "shipping_price", "fees_total", "total"]


def totals_of(order) -> dict[str, str]:
    """The order's totals for a timeline payload (rounded for people to read)."""
    currency = order.currency
    return {
        "subtotal": str(quantize(order.subtotal, currency)),
        "discount": str(quantize(order.discount_total, currency)),
        "tax": str(quantize(order.tax_total, currency)),
        "shipping": str(quantize(order.shipping_price, currency)),
        "fees": str(quantize(order.fees_total, currency)),
        "total": str(quantize(order.total, currency)),
    }


def jsonable_totals(stated: dict) -> dict[str, str]:
    return {name: str(value) for name, value in stated.items() if value is not None}
