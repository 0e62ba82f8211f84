"""Refund arithmetic: pure (no ORM), Decimal in, Decimal out.

What the customer paid for `n` units of a line is
    paid(n) = (subtotal - discount + tax) x n / quantity
(subtotal, discount and tax are for the whole line, as the channel stated them; tax counts only
when prices exclude it), quantized half up to the currency's minor unit.
A refund of `q` more units, when `r` were refunded before, is paid(r + q) - paid(r): the
refunds of a line are differences of one cumulative series, so however the units are split
over refunds they add up to exactly what the line paid, never a cent more or less.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from oms.core.money import ZERO, quantize

from .errors import ReturnConflict, ReturnError, ReturnErrorCode


@dataclass(frozen=True)
class PricedLine:
    """An order line's prices, as the channel sent them (discount and tax: whole line)."""

    unit_price: Decimal
    discount: Decimal
    tax: Decimal
    quantity: int
    #: The whole line before discount as the channel stated it (a line total its quantity does not
    #: divide, such as 10.00 for 3); unit price x quantity when not stated.
    subtotal: Decimal | None = None
    #: Prices already include the tax (the tax is shown, not added on top).
    taxes_included: bool = False

    @property
    def whole_line_paid(self) -> Decimal:
        subtotal = self.unit_price * self.quantity if self.subtotal is None else self.subtotal
        return subtotal - self.discount + (0 if self.taxes_included else self.tax)


def line_paid(line: PricedLine, units: int, currency: str) -> Decimal:
    """What the customer paid for the first `units` units of the line."""
    if not 0 <= units <= line.quantity:
        raise ValueError(f"units must be between 0 and {line.quantity}, not {units}")
    if units == line.quantity:  # the whole line: no division, exactly what the line says
        return quantize(line.whole_line_paid, currency)
    return quantize(line.whole_line_paid * units / line.quantity, currency)


def line_refund(line: PricedLine, *, already_refunded: int, units: int, currency: str) -> Decimal:
    """The refund for `units` more units of a line of which `already_refunded` were refunded."""
    if units <= 0:
        raise ValueError("units must be above zero")
    return line_paid(line, already_refunded + units, currency) - line_paid(line, already_refunded, currency)


@dataclass(frozen=True)
class RefundRequestLine:
    key: object  # whatever the caller uses to find the line again (a return line id)
    line: PricedLine
    already_refunded: int  # units of this order line refunded before, on any return
    units: int


@dataclass(frozen=True)
class RefundAmounts:
    lines: list[tuple[object, int, Decimal]]  # (key, units, amount)
    lines_amount: Decimal
    shipping_amount: Decimal
    restocking_fee: Decimal
    total: Decimal


def compute_refund(
    *,
    lines: Iterable[RefundRequestLine],
    currency: str,
    order_total: Decimal,
    order_refunded: Decimal,
    shipping_price: Decimal = ZERO,
    include_shipping: bool = False,
    shipping_already_refunded: bool = False,
    restocking_fee: Decimal = ZERO,
) -> RefundAmounts:
    """Amounts of one refund: lines + shipping (at most once) - restocking fee, never below
    zero and never above what remains refundable on the order (total - refunded so far)."""
    restocking_fee = quantize(Decimal(restocking_fee), currency)
    if restocking_fee < 0:
        raise ReturnError(
            ReturnErrorCode.INVALID_AMOUNT,
            "The restocking fee cannot be negative.",
            details={"restocking_fee": str(restocking_fee)},
        )
    priced = [
        (
            item.key,
            item.units,
            line_refund(
                item.line, already_refunded=item.already_refunded, units=item.units, currency=currency
            ),
        )
        for item in lines
    ]
    lines_amount = sum((amount for _key, _units, amount in priced), ZERO)

    shipping_amount = ZERO
    if include_shipping:
        if shipping_already_refunded:
            raise ReturnConflict(
                ReturnErrorCode.SHIPPING_ALREADY_REFUNDED,
                "Shipping was already refunded on this order; it is refunded at most once.",
            )
        shipping_amount = quantize(shipping_price, currency)

    gross = lines_amount + shipping_amount
    fee = min(restocking_fee, gross)
    total = gross - fee
    remaining = quantize(order_total - order_refunded, currency)
    if total > remaining:
        raise ReturnConflict(
            ReturnErrorCode.REFUND_EXCEEDS_ORDER,
            f"This refund of {total} {currency} exceeds the {remaining} {currency} left to refund "
            "on the order.",
            details={"total": str(total), "remaining": str(remaining), "currency": currency},
        )
    return RefundAmounts(
        lines=priced,
        lines_amount=lines_amount,
        shipping_amount=shipping_amount,
        restocking_fee=fee,
        total=total,
    )
