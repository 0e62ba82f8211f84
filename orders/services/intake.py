"""Intake: one normalized order from any channel becomes an Order, exactly once.

`data` is what `orders.api.serializers.OrderIntakeSerializer` validated (the API and the
admin import both validate with it), so it is well-formed. What is well-formed but cannot be
processed as is (unknown or inactive SKU, incomplete address, totals that do not add up,
unknown pickup location) is still accepted, on an `exception` hold whose reason says what
to fix. The natural key (channel, external_id) makes intake idempotent, races included.
"""

import secrets
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError

from inventory.models import Location, Sku, normalize_code
from oms.core.actor import Actor
from oms.core.models import Channel
from oms.core.money import ZERO, quantize
from oms.core.transactions import retry_on_conflict, transactional

from ..models import Hold, Order, OrderLine
from ..signals import order_accepted
from .timeline import timeline_event, timeline_write

#: Order numbers: base-32 without the lookalikes 0/O, 1/I/L and U.
NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
NUMBER_PREFIX = "OMS-"
NUMBER_LENGTH = 8
ADDRESS_FIELDS = (
    "name",
    "line1",
    "line2",
    "city",
    "region",
    "postal_code",
    "country_code",
    "latitude",
    "longitude",
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


def compute_totals(lines, shipping_price: Decimal, currency: str) -> dict[str, Decimal]:
    """subtotal = sum(unit price x quantity); total = subtotal - discount + tax + shipping."""
    subtotal = sum((line["unit_price"] * line["quantity"] for line in lines), ZERO)
    discount = sum((line["discount"] for line in lines), ZERO)
    tax = sum((line["tax"] for line in lines), ZERO)
    return {
        "subtotal": quantize(subtotal, currency),
        "discount": quantize(discount, currency),
        "tax": quantize(tax, currency),
        "total": quantize(subtotal - discount + tax + shipping_price, currency),
    }


def _totals_problem(sent: dict, computed: dict, currency: str) -> str | None:
    wrong = [
        f"{name} {quantize(sent[name], currency)} sent, {computed[name]} computed"
        for name in ("subtotal", "discount", "tax", "total")
        if sent.get(name) is not None and quantize(sent[name], currency) != computed[name]
    ]
    if wrong:
        return "Totals do not add up: " + "; ".join(wrong) + "."
    return None


def _sku_problem(number: int, code: str, sku: Sku | None) -> str | None:
    if sku is None:
        return f"Line {number}: unknown SKU {code!r}."
    if not sku.active:
        return f"Line {number}: SKU {code!r} is inactive."
    return None


def _pickup(delivery: dict) -> tuple[Location | None, str | None]:
    code = (delivery.get("pickup_location") or "").strip()
    location = Location.objects.filter(code=code).first()
    if location is None:
        return None, f"Unknown pickup location {code!r}."
    if not (location.active and location.can_pickup):
        return None, f"Location {code!r} does not offer pickup."
    return location, None


def existing_order(channel: Channel, external_id: str) -> Order | None:
    """The order the channel already sent under this id, if any (looked up by id first: the
    common answer, none, stays a cheap query)."""
    found = list(
        Order.objects.filter(channel=channel, external_id=external_id).values_list("pk", flat=True)[:1]
    )
    return Order.objects.get(pk=found[0]) if found else None


def _insert(order: Order) -> None:
    """Insert with a fresh number. A unique violation means a concurrent intake of the same
    channel order won (or, about 1 in 10^11, the number was taken): the transaction starts
    again, and then finds that order (or draws another number)."""
    order.number = new_order_number()
    try:
        order.save(force_insert=True)
    except IntegrityError as exc:
        retry_on_conflict(exc, ("external_id", "number"), "the order was inserted concurrently")
        raise


@transactional
def order_intake(*, data: dict, channel: Channel, actor: Actor) -> tuple[Order, bool]:
    """Accept a validated normalized order. Returns (order, created); created is False when
    the channel already sent this external id (then nothing is written). A new order comes back
    as intake wrote it, its lines, holds and events in `order.written` (so that the API can
    answer without reading them back); `order_accepted` receivers source it once this
    transaction has committed."""
    external_id = data["external_id"].strip()
    found = existing_order(channel, external_id)
    if found is not None:
        return found, False

    currency = data["currency"].upper()
    customer = data.get("customer") or {}
    delivery = data.get("delivery") or {}
    method = delivery.get("method") or Order.DeliveryMethod.SHIP
    raw_lines = data["lines"]
    problems: list[str] = []

    codes = [normalize_code(line["sku"]) for line in raw_lines]
    skus = {sku.code: sku for sku in Sku.objects.filter(code__in=set(codes))}
    lines = []
    for number, (raw, code) in enumerate(zip(raw_lines, codes, strict=True), start=1):
        sku = skus.get(code)
        problem = _sku_problem(number, code, sku)
        if problem:
            problems.append(problem)
        lines.append(
            OrderLine(
                line_number=number,
                sku=None if problem else sku,
                sku_code=code,
                name=(raw.get("name") or (sku.name if sku else ""))[:200],
                quantity=raw["quantity"],
                unit_price=quantize(raw["unit_price"], currency),
                discount=quantize(raw.get("discount") or ZERO, currency),
                tax=quantize(raw.get("tax") or ZERO, currency),
            )
        )

    ship_to = normalize_address(data.get("shipping_address"))
    pickup_location = None
    if method == Order.DeliveryMethod.PICKUP:
        pickup_location, problem = _pickup(delivery)
    else:
        problem = address_problem(ship_to, customer.get("name") or "")
    if problem:
        problems.append(problem)

    shipping_price = quantize(data.get("shipping_price") or ZERO, currency)
    computed = compute_totals(
        [
            {"unit_price": li.unit_price, "quantity": li.quantity, "discount": li.discount, "tax": li.tax}
            for li in lines
        ],
        shipping_price,
        currency,
    )
    sent = data.get("totals") or {}
    problem = _totals_problem(sent, computed, currency)
    if problem:
        problems.append(problem)
    totals = {
        name: quantize(sent[name], currency) if sent.get(name) is not None else computed[name]
        for name in computed
    }

    placed_at = data["placed_at"]
    order = Order(
        channel=channel,
        external_id=external_id,
        placed_at=placed_at,
        ship_by=data.get("ship_by") or add_business_days(placed_at, channel.handling_days),
        currency=currency,
        customer_email=normalize_email(customer.get("email")),
        customer_name=" ".join((customer.get("name") or "").split()),
        customer_name_key=normalize_name_key(customer.get("name")),
        customer_surname_key=surname_key(customer.get("name")),
        customer_phone=normalize_phone(customer.get("phone")),
        ship_name=ship_to["name"] or " ".join((customer.get("name") or "").split()),
        ship_line1=ship_to["line1"],
        ship_line2=ship_to["line2"],
        ship_city=ship_to["city"],
        ship_region=ship_to["region"],
        ship_postal_code=ship_to["postal_code"],
        ship_country_code=ship_to["country_code"],
        ship_latitude=ship_to["latitude"],
        ship_longitude=ship_to["longitude"],
        billing_address=_json_address(normalize_address(data.get("billing_address")))
        if data.get("billing_address")
        else {},
        delivery_method=method,
        pickup_location=pickup_location,
        subtotal=totals["subtotal"],
        discount_total=totals["discount"],
        tax_total=totals["tax"],
        shipping_price=shipping_price,
        total=totals["total"],
        payment_status=data.get("payment_status") or Order.PaymentStatus.PENDING,
    )

    holds = []
    if problems:
        holds.append(Hold(kind=Hold.Kind.EXCEPTION, reason=" ".join(problems)))
    if order.payment_status == Order.PaymentStatus.PENDING and not channel.pay_later_allowed:
        holds.append(
            Hold(
                kind=Hold.Kind.PAYMENT,
                reason=f"Awaiting payment: channel {channel.code} does not allow pay later.",
            )
        )
    if holds:
        order.hold()

    _insert(order)
    for line in lines:
        line.order = order
    OrderLine.objects.bulk_create(lines)
    for hold in holds:
        hold.order = order
        for field, value in actor.as_fields("opened_by").items():
            setattr(hold, field, value)
    Hold.objects.bulk_create(holds)

    events = [
        timeline_event(
            order,
            "accepted",
            actor,
            to_status=Order.Status.NEW,
            message=f"Order accepted from channel {channel.code}.",
            payload={
                "lines": len(lines),
                "total": str(order.total),
                "currency": currency,
                "payment_status": order.payment_status,
                "problems": problems,
            },
        )
    ]
    events += [
        timeline_event(
            order, "hold_opened", actor, message=hold.reason, payload={"hold_id": hold.pk, "kind": hold.kind}
        )
        for hold in holds
    ]
    if holds:
        events.append(
            timeline_event(
                order, "status_changed", actor, from_status=Order.Status.NEW, to_status=order.status
            )
        )
    events = timeline_write(order, events)
    order.written = {"lines": lines, "holds": holds, "events": events}
    order_accepted.send(sender=Order, order=order)
    return order, True


def _json_address(address: dict) -> dict:
    return {key: (str(value) if value is not None else None) for key, value in address.items()}
