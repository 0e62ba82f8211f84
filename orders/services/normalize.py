"""Normalizing what channels send: order numbers, emails, phones, names, addresses, dates."""

import secrets
from datetime import datetime, timedelta

#: Order numbers: base-32 without the lookalikes 0/O, 1/I/L and U.
NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
NUMBER_PREFIX = "OMS-"
NUMBER_LENGTH = 8
ADDRESS_FIELDS = (
    "name",
    "company",
    "line1",
    "line2",
    "city",
    "region",
    "postal_code",
    "country_code",
    "latitude",
    "longitude",
    "phone",
)
#: What a ship-to address needs before anything can be shipped to it.
REQUIRED_ADDRESS_FIELDS = {
    "line1": "street",
    "city": "city",
    "postal_code": "postal code",
    "country_code": "country code",
}


def new_order_number() -> str:
    return NUMBER_PREFIX + "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(NUMBER_LENGTH))


def normalize_email(value: str | None) -> str:
    return (value or "").strip().lower()


def normalize_phone(value: str | None) -> str:
    """Digits only; a leading + or 00 country-code prefix keeps its digits."""
    digits = "".join(ch for ch in (value or "") if ch.isdigit())
    return digits[2:] if (value or "").strip().startswith("00") else digits


def normalize_name_key(value: str | None) -> str:
    return " ".join((value or "").split()).lower()


def surname_key(value: str | None) -> str:
    """ "Maria  de Garcia" -> "garcia maria de": the last word first, for surname search."""
    words = normalize_name_key(value).split()
    return " ".join(words[-1:] + words[:-1])


def normalize_address(address: dict | None) -> dict:
    """Strip strings, upper-case the country code; latitude/longitude stay Decimal or None."""
    address = address or {}
    clean = {}
    for field in ADDRESS_FIELDS:
        value = address.get(field)
        if field in ("latitude", "longitude"):
            clean[field] = value
        else:
            clean[field] = " ".join(str(value or "").split())
    clean["country_code"] = clean["country_code"].upper()
    return clean


def add_business_days(start: datetime, days: int) -> datetime:
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def address_problem(address: dict, fallback_name: str) -> str | None:
    missing = [label for field, label in REQUIRED_ADDRESS_FIELDS.items() if not address.get(field)]
    if not (address.get("name") or fallback_name):
        missing.insert(0, "name")
    if missing:
        return f"Shipping address incomplete: missing {', '.join(missing)}."
    return None
