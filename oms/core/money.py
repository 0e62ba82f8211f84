"""Money is Decimal with an ISO 4217 currency, never float."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import models

# Currencies whose minor unit is not the cent; everything else has two decimals.
MINOR_UNITS = {"JPY": 0, "KRW": 0, "ISK": 0, "CLP": 0, "VND": 0, "BHD": 3, "KWD": 3, "OMR": 3, "JOD": 3}

ZERO = Decimal("0")


def minor_unit(currency: str) -> Decimal:
    return Decimal(1).scaleb(-MINOR_UNITS.get(currency.upper(), 2))


def quantize(amount: Decimal | int | str, currency: str) -> Decimal:
    """Round half up to the currency's minor unit."""
    return Decimal(amount).quantize(minor_unit(currency), rounding=ROUND_HALF_UP)


#: Money as a channel states it: up to 4 decimals (BigCommerce sends "40.0000"), 11 integer
#: digits, as many as the 3-decimal columns have. Every amount and computed total fits in it.
EXACT_DIGITS = 15
EXACT_PLACES = 4
EXACT_MAX = Decimal(10) ** (EXACT_DIGITS - EXACT_PLACES) - Decimal(1).scaleb(-EXACT_PLACES)


def exact(amount: Decimal | int | str) -> Decimal:
    """An amount kept as stated, to EXACT_PLACES decimals (computed shares round half up there)."""
    return Decimal(amount).quantize(Decimal(1).scaleb(-EXACT_PLACES), rounding=ROUND_HALF_UP)


class MoneyField(models.DecimalField):
    """A monetary amount; the currency lives on the owning row (an order has one)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 3)
        kwargs.setdefault("default", ZERO)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "oms.core.money.MoneyField", args, kwargs


class ExactMoneyField(MoneyField):
    """An amount exactly as the channel stated it (or computed from such amounts), up to 4
    decimals; rounded to the currency's minor unit only for display and for refunds."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", EXACT_DIGITS)
        kwargs.setdefault("decimal_places", EXACT_PLACES)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "oms.core.money.ExactMoneyField", args, kwargs
