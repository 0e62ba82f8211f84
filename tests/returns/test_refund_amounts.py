"""Refund arithmetic, to the cent: every expected amount below was worked out by hand."""

import itertools
from decimal import Decimal as D

import pytest

from oms.core.errors import DomainError
from returns.refunds import PricedLine, RefundRequestLine, compute_refund, line_paid, line_refund

PLAIN = PricedLine(unit_price=D("10.00"), discount=D("0"), tax=D("0"), quantity=1)
# 3 x 10.00, 3.00 off the line, 2.70 tax: each unit paid 10.00 - 1.00 + 0.90
EVEN = PricedLine(unit_price=D("10.00"), discount=D("3.00"), tax=D("2.70"), quantity=3)
# 3 x 9.99, 1.00 off, 2.00 tax: each unit paid 9.99 + 1/3 = 10.3333...
THIRDS = PricedLine(unit_price=D("9.99"), discount=D("1.00"), tax=D("2.00"), quantity=3)
# a cent of discount over two units: the first unit paid 0.995, rounded half up
HALF = PricedLine(unit_price=D("1.00"), discount=D("0.01"), tax=D("0"), quantity=2)
# yen have no minor unit
YEN = PricedLine(unit_price=D("1000"), discount=D("100"), tax=D("90"), quantity=3)
# Bahraini dinar: three decimals
DINAR = PricedLine(unit_price=D("1.250"), discount=D("0"), tax=D("0.100"), quantity=3)
# 7 x 19.99, 5.00 off, 9.45 tax: each unit paid 19.99 + 4.45 / 7 = 20.6257...
SEVENS = PricedLine(unit_price=D("19.99"), discount=D("5.00"), tax=D("9.45"), quantity=7)
# a free gift: the discount is the whole price
FREE = PricedLine(unit_price=D("5.00"), discount=D("10.00"), tax=D("0"), quantity=2)


@pytest.mark.parametrize(
    ("line", "currency", "units", "paid"),
    [
        (PLAIN, "USD", 0, "0.00"),
        (PLAIN, "USD", 1, "10.00"),
        (EVEN, "USD", 1, "9.90"),
        (EVEN, "USD", 2, "19.80"),
        (EVEN, "USD", 3, "29.70"),
        (THIRDS, "USD", 1, "10.32"),
        (THIRDS, "USD", 2, "20.65"),
        (THIRDS, "USD", 3, "30.97"),
        (HALF, "USD", 1, "1.00"),
        (HALF, "USD", 2, "1.99"),
        (YEN, "JPY", 1, "997"),
        (YEN, "JPY", 2, "1993"),
        (YEN, "JPY", 3, "2990"),
        (DINAR, "BHD", 1, "1.283"),
        (DINAR, "BHD", 2, "2.567"),
        (DINAR, "BHD", 3, "3.850"),
        (SEVENS, "USD", 1, "20.63"),
        (SEVENS, "USD", 2, "41.25"),
        (SEVENS, "USD", 3, "61.88"),
        (SEVENS, "USD", 7, "144.38"),
        (FREE, "USD", 1, "0.00"),
        (FREE, "USD", 2, "0.00"),
    ],
)
def test_what_a_customer_paid_for_some_units_of_a_line(line, currency, units, paid):
    assert line_paid(line, units, currency) == D(paid)
    assert str(line_paid(line, units, currency)) == paid  # the currency's minor unit, exactly


@pytest.mark.parametrize(
    ("line", "currency", "already", "units", "refund"),
    [
        (EVEN, "USD", 0, 1, "9.90"),
        (EVEN, "USD", 1, 2, "19.80"),
        (THIRDS, "USD", 0, 1, "10.32"),
        (THIRDS, "USD", 1, 1, "10.33"),  # the rounding cent comes back on the second unit
        (THIRDS, "USD", 2, 1, "10.32"),
        (THIRDS, "USD", 1, 2, "20.65"),
        (HALF, "USD", 0, 1, "1.00"),
        (HALF, "USD", 1, 1, "0.99"),
        (YEN, "JPY", 0, 1, "997"),
        (YEN, "JPY", 1, 1, "996"),
        (YEN, "JPY", 2, 1, "997"),
        (DINAR, "BHD", 0, 1, "1.283"),
        (DINAR, "BHD", 1, 1, "1.284"),
        (DINAR, "BHD", 2, 1, "1.283"),
        (SEVENS, "USD", 1, 2, "41.25"),
        (SEVENS, "USD", 3, 4, "82.50"),
    ],
)
def test_refund_of_more_units_is_the_difference_of_cumulative_paid_amounts(
    line, currency, already, units, refund
):
    assert line_refund(line, already_refunded=already, units=units, currency=currency) == D(refund)


def compositions(total: int):
    """Every way to split `total` units into successive refunds (64 ways for 7 units)."""
    for cuts in itertools.product([False, True], repeat=total - 1):
        parts, size = [], 1
        for cut in cuts:
            if cut:
                parts.append(size)
                size = 1
            else:
                size += 1
        yield [*parts, size]


@pytest.mark.parametrize(
    ("line", "currency", "whole"),
    [(SEVENS, "USD", "144.38"), (THIRDS, "USD", "30.97"), (YEN, "JPY", "2990"), (DINAR, "BHD", "3.850")],
)
def test_partial_refunds_of_a_line_always_add_up_to_what_the_line_paid(line, currency, whole):
    for split in compositions(line.quantity):
        refunded, total = 0, D(0)
        for units in split:
            total += line_refund(line, already_refunded=refunded, units=units, currency=currency)
            refunded += units
        assert total == D(whole), split


# VAT included in the price (a European shop): 3 x 12.00 with 6.00 of tax inside them
VAT_INCLUDED = PricedLine(
    unit_price=D("12.00"), discount=D("0"), tax=D("6.00"), quantity=3, taxes_included=True
)
# a channel line total its quantity does not divide (Amazon's ItemPrice): 10.00 for 3 units
THIRD_OF_TEN = PricedLine(
    unit_price=D("3.3333"), discount=D("0"), tax=D("0"), quantity=3, subtotal=D("10.00")
)


@pytest.mark.parametrize(("units", "paid"), [(1, "12.00"), (2, "24.00"), (3, "36.00")])
def test_tax_included_in_the_price_is_not_refunded_a_second_time(units, paid):
    assert line_paid(VAT_INCLUDED, units, "EUR") == D(paid)


@pytest.mark.parametrize(("units", "paid"), [(1, "3.33"), (2, "6.67"), (3, "10.00")])
def test_a_line_total_its_quantity_does_not_divide_refunds_to_the_cent_of_that_total(units, paid):
    assert line_paid(THIRD_OF_TEN, units, "USD") == D(paid)


def test_units_outside_the_line_are_a_programming_error():
    with pytest.raises(ValueError):
        line_paid(EVEN, 4, "USD")
    with pytest.raises(ValueError):
        line_refund(EVEN, already_refunded=0, units=0, currency="USD")


def one(line=EVEN, units=2, already=0, key="a"):
    return RefundRequestLine(key=key, line=line, already_refunded=already, units=units)


# EVEN's order: 29.70 of goods + 4.95 shipping = 34.65
ORDER = {"currency": "USD", "order_total": D("34.65"), "shipping_price": D("4.95")}


@pytest.mark.parametrize(
    ("options", "lines", "shipping", "fee", "total"),
    [
        ({}, "19.80", "0.00", "0.00", "19.80"),
        ({"include_shipping": True}, "19.80", "4.95", "0.00", "24.75"),
        ({"restocking_fee": D("2.00")}, "19.80", "0.00", "2.00", "17.80"),
        ({"include_shipping": True, "restocking_fee": D("2.00")}, "19.80", "4.95", "2.00", "22.75"),
        # a fee larger than the refund takes it to zero, never below
        ({"restocking_fee": D("30")}, "19.80", "0.00", "19.80", "0.00"),
        # fees are rounded like any amount
        ({"restocking_fee": D("1.005")}, "19.80", "0.00", "1.01", "18.79"),
        # shipping already refunded is fine as long as it is not asked for again
        ({"shipping_already_refunded": True}, "19.80", "0.00", "0.00", "19.80"),
        # exactly what is left on the order
        ({"order_refunded": D("15.00"), "restocking_fee": D("0.15")}, "19.80", "0.00", "0.15", "19.65"),
    ],
)
def test_refund_totals(options, lines, shipping, fee, total):
    amounts = compute_refund(lines=[one()], **{"order_refunded": D(0), **ORDER, **options})
    assert (amounts.lines_amount, amounts.shipping_amount, amounts.restocking_fee, amounts.total) == (
        D(lines),
        D(shipping),
        D(fee),
        D(total),
    )
    assert amounts.total == amounts.lines_amount + amounts.shipping_amount - amounts.restocking_fee


def test_refund_of_several_lines_keeps_each_lines_amount():
    amounts = compute_refund(
        lines=[one(EVEN, 1, key="even"), one(THIRDS, 2, already=1, key="thirds")],
        currency="USD",
        order_total=D("100"),
        order_refunded=D("10.32"),
    )
    assert amounts.lines == [("even", 1, D("9.90")), ("thirds", 2, D("20.65"))]
    assert amounts.lines_amount == D("30.55")
    assert amounts.total == D("30.55")


@pytest.mark.parametrize(
    ("options", "code"),
    [
        ({"include_shipping": True, "shipping_already_refunded": True}, "shipping_already_refunded"),
        ({"order_refunded": D("15.00")}, "refund_exceeds_order"),  # 19.80 > 19.65 left
        ({"order_refunded": D("34.65")}, "refund_exceeds_order"),
        ({"restocking_fee": D("-1")}, "invalid_amount"),
    ],
)
def test_refund_refusals(options, code):
    with pytest.raises(DomainError) as refused:
        compute_refund(lines=[one()], **{"order_refunded": D(0), **ORDER, **options})
    assert refused.value.code == code
