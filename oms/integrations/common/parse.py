"""Reading the values of channel documents: pure functions, no Django.

Money comes back as a decimal string exactly as stated (never through a float): channels send
strings ("74.46", "10.8000", "9.0") or JSON numbers (a WooCommerce line price, a Shopify refund
subtotal), which the loader keeps as Decimal (`load_json`). Times come back as ISO 8601 with
their offset: channels send offsets, "Z", milliseconds, RFC 2822 or naive UTC.
"""

import html
import json
import re
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from email.utils import parsedate_to_datetime

ZERO = Decimal("0")
TRUE_WORDS = {"true", "1", "yes", "y", "on"}
FALSE_WORDS = {"false", "0", "no", "n", "off", ""}


def load_json(text: str | bytes):
    """JSON with every number that has a fraction as Decimal: its digits survive."""
    return json.loads(text, parse_float=Decimal)


def decimal(value, *, default: Decimal | None = None) -> Decimal | None:
    """A channel's amount (string, int, Decimal, float) as Decimal; None/"" -> default."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if isinstance(value, bool):
        raise ValueError(f"Not an amount: {value!r}.")
    if isinstance(value, float):
        value = repr(value)  # 19.8 stays 19.8, never 19.800000000000000710...
    try:
        result = Decimal(str(value).strip())
    except InvalidOperation as error:
        raise ValueError(f"Not an amount: {value!r}.") from error
    if not result.is_finite():
        raise ValueError(f"Not an amount: {value!r}.")
    return result


def money(value, *, default: str | None = None) -> str | None:
    """An amount as the normalized order's decimal string ("9.0" -> "9.00", "10.8000" kept)."""
    amount = decimal(value)
    if amount is None:
        return default
    return text_of(amount)


def text_of(amount: Decimal) -> str:
    """Decimal as a plain string with at least two decimals, never in exponent form."""
    if amount == amount.to_integral_value() or -amount.as_tuple().exponent < 2:
        amount = amount.quantize(Decimal("0.01"))
    return format(amount, "f")


def total(values) -> Decimal:
    return sum((decimal(value, default=ZERO) for value in values), ZERO)


def positive(amount: Decimal) -> str:
    """A negative channel amount (WooCommerce refunds: "-21.48") as the money it is."""
    return text_of(abs(amount))


_EPOCH = re.compile(r"^\d+(\.\d+)?([eE][+-]?\d+)?$")


def timestamp(value, *, naive_is_utc: bool = False) -> str | None:
    """A channel's time as ISO 8601 with its offset.

    Accepts ISO 8601 ("2025-03-14T09:26:53-07:00", "...Z", with milliseconds), RFC 2822
    ("Fri, 14 Mar 2025 16:26:53 +0000", BigCommerce V2) and epoch seconds (number or string,
    "1.569521782042E9"). A time without an offset is UTC only when the caller says so
    (WooCommerce `_gmt` fields); otherwise it is refused rather than guessed."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int | float | Decimal) or (isinstance(value, str) and _EPOCH.match(value.strip())):
        return datetime.fromtimestamp(float(value), tz=UTC).isoformat()
    raw = str(value).strip()
    parsed = _iso(raw) or _rfc2822(raw)
    if parsed is None:
        raise ValueError(f"Not a time: {value!r}.")
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        if not naive_is_utc:
            raise ValueError(f"A time without its UTC offset: {value!r}.")
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.isoformat()


def _iso(raw: str) -> datetime | None:
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None


def _rfc2822(raw: str) -> datetime | None:
    try:
        return parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None


def text(value, *, limit: int | None = None) -> str:
    """Channel text: HTML entities decoded ("&ndash;" -> an en dash, "&amp;" -> "&"), trimmed."""
    if value is None:
        return ""
    result = html.unescape(str(value)).strip()
    return result[:limit] if limit else result


def flag(value) -> bool:
    """A channel boolean: true/false, or "true"/"false" as strings (Amazon IsGift)."""
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, int | Decimal):
        return bool(value)
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"Not a boolean: {value!r}.")


def identifier(value) -> str:
    """An id as text: 64-bit integers and leading zeros survive ("04637219385517")."""
    if value is None or value is False:
        return ""
    if isinstance(value, Decimal):
        value = int(value)
    return str(value).strip()


def rate_fraction(value, *, percent: bool = False) -> str | None:
    """A tax rate as the fraction the normalized order keeps (0.0825 for 8.25 %)."""
    rate = decimal(value)
    if rate is None:
        return None
    if percent:
        rate = rate / 100
    return format(rate.normalize(), "f") if rate else "0"


def address(
    *, name="", company="", line1="", line2="", city="", region="", postal_code="", country_code="", phone=""
) -> dict:
    """A normalized address from a channel's fields (entities decoded, empty parts left out)."""
    parts = {
        "name": text(name, limit=200),
        "company": text(company, limit=200),
        "line1": text(line1, limit=200),
        "line2": text(line2, limit=200),
        "city": text(city, limit=100),
        "region": text(region, limit=100),
        "postal_code": text(postal_code, limit=20),
        "country_code": text(country_code, limit=2).upper(),
        "phone": text(phone, limit=40),
    }
    return {key: value for key, value in parts.items() if value}


def full_name(*parts) -> str:
    return " ".join(text(part) for part in parts if text(part))
