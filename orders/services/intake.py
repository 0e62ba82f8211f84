"""Intake: one normalized order from any channel becomes an Order, exactly once.

`data` is what `orders.api.serializers.OrderIntakeSerializer` validated (the API and the
admin import both validate with it), so it is well-formed. What is well-formed but cannot be
processed as is (unknown or inactive SKU, incomplete address, totals that do not add up,
unknown pickup location) is still accepted, on an `exception` hold whose reason says what
to fix. The natural key (channel, external_id) makes intake idempotent, races included: a known
(channel, external id) is an update, applied by orders.services.channel.

A new order lands as the channel states it: lines the channel fulfils itself are never
sourced here and carry the units it shipped; units and orders it cancelled, and refunds it
made, are recorded as they stand (nothing was reserved for them yet).
"""

from django.db import IntegrityError

from inventory.models import Location
from oms.core.actor import Actor
from oms.core.bulk import rows_insert, rows_where
from oms.core.models import Channel
from oms.core.money import ZERO, exact, quantize
from oms.core.transactions import retry_on_conflict, transactional

from ..models import PROGRESS_STATUSES, ChannelRefund, Hold, Order, OrderLine
from ..signals import order_accepted
from .amounts import apply_totals, compute_totals, totals_problem
from .channel import order_apply_channel_update
from .document import (
    PAYMENT_BASE,
    Rows,
    build_charges,
    build_lines,
    build_refunds,
    channel_totals,
    currency_problems,
    document_digest,
    find_skus,
    order_tax,
    payment_problem,
    refunded_sum_rest,
    sku_codes,
)
from .normalize import (
    add_business_days,
    address_problem,
    new_order_number,
    normalize_address,
    normalize_email,
    normalize_name_key,
    normalize_phone,
    surname_key,
)
from .timeline import timeline_event, timeline_write

PaymentStatus = Order.PaymentStatus


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
    found = rows_where(Order, ("id",), channel=channel.pk, external_id=external_id)
    return Order.objects.get(pk=found[0].pk) if found else None


def _insert(order: Order) -> None:
    """Insert with a fresh number. A unique violation means a concurrent intake of the same
    channel order won (or, about 1 in 10^11, the number was taken): the transaction starts
    again, and then finds that order (or draws another number)."""
    order.number = new_order_number()
    try:
        rows_insert([order])
    except IntegrityError as exc:
        retry_on_conflict(exc, ("external_id", "number"), "the order was inserted concurrently")
        raise


def _order(data: dict, channel: Channel, rows: Rows, ship_to: dict) -> Order:
    """The order as stated; its payment status the channel's, refunds aside (recorded next)."""
    customer = data.get("customer") or {}
    delivery = data.get("delivery") or {}
    name = " ".join((customer.get("name") or "").split())
    placed_at = data["placed_at"]
    return Order(
        channel=channel,
        external_id=data["external_id"].strip(),
        placed_at=placed_at,
        ship_by=data.get("ship_by") or add_business_days(placed_at, channel.handling_days),
        currency=data["currency"].upper(),
        channel_status=data.get("channel_status") or "",
        channel_updated_at=data.get("updated_at"),
        channel_digest=document_digest(data),
        customer_email=normalize_email(customer.get("email")),
        customer_name=name,
        customer_name_key=normalize_name_key(name),
        customer_surname_key=surname_key(name),
        customer_phone=normalize_phone(customer.get("phone")),
        customer_note=data.get("customer_note") or "",
        ship_name=ship_to["name"] or name,
        ship_company=ship_to["company"],
        ship_line1=ship_to["line1"],
        ship_line2=ship_to["line2"],
        ship_city=ship_to["city"],
        ship_region=ship_to["region"],
        ship_postal_code=ship_to["postal_code"],
        ship_country_code=ship_to["country_code"],
        ship_phone=ship_to["phone"],
        ship_latitude=ship_to["latitude"],
        ship_longitude=ship_to["longitude"],
        channel_address=json_address(ship_to),
        billing_address=json_address(normalize_address(data.get("billing_address")))
        if data.get("billing_address")
        else {},
        delivery_method=delivery.get("method") or Order.DeliveryMethod.SHIP,
        delivery_instructions=delivery.get("instructions") or "",
        payment_status=PAYMENT_BASE.get(data["payment_status"], data["payment_status"]),
        taxes_included=bool(data.get("taxes_included")),
        fulfilled_by_channel=all(line.fulfilled_by_channel or line.is_bundle for line in rows.lines),
        order_discount=exact(data.get("order_discount") or ZERO),
        order_tax=order_tax(data),
        channel_totals=channel_totals(data),
        discount_codes=[
            {"code": code["code"], "type": code.get("type") or "", "amount": str(code.get("amount") or "")}
            for code in data.get("discount_codes") or []
        ],
        attributes=[{"name": a["name"], "value": a["value"]} for a in data.get("attributes") or []],
    )


def _delivery_problem(data: dict, order: Order, rows: Rows, ship_to: dict) -> tuple[object, str | None]:
    if order.delivery_method == Order.DeliveryMethod.PICKUP:
        return _pickup(data.get("delivery") or {})
    if not any(line.fulfilled_here for line in rows.lines):
        return None, None  # the channel ships it: its address is the channel's business
    return None, address_problem(ship_to, order.customer_name)


def _cancel_as_stated(order: Order, data: dict, lines: list[OrderLine]) -> None:
    if data.get("cancelled_at"):
        order.channel_cancelled_at = data["cancelled_at"]
        for line in lines:
            line.quantity_cancelled = line.quantity - line.quantity_shipped


def _progress_as_stated(order: Order, lines: list[OrderLine]) -> str:
    """A new order whose lines the channel already shipped or cancelled starts where they are."""
    if any(line.quantity_open for line in lines):
        if any(line.quantity_shipped for line in lines):
            order.ship_partially()
    elif any(line.quantity_shipped for line in lines):
        order.ship()
    else:
        order.cancel()
    return order.status


def _payment_as_stated(order: Order, data: dict, rows: Rows, problems: list[str]) -> list[ChannelRefund]:
    """The payment status the channel states; its refunds recorded, each once and never past the
    total (the ones that do not fit are problems); the status follows what was recorded."""
    stated = data["payment_status"]
    currency = order.currency
    refunds = build_refunds(data, rows.lines, currency)
    rest = refunded_sum_rest(data, currency, sum((refund.recorded_amount for refund in refunds), ZERO))
    if rest is not None:
        refunds.append(rest)
    if stated == PaymentStatus.REFUNDED and not refunds:
        whole = quantize(order.total, currency)
        refunds = [
            ChannelRefund(channel_refund_id="payment-status:refunded", amount=whole, recorded_amount=whole)
        ]
    kept, refunded, limit = [], ZERO, quantize(order.total, currency)
    for refund in refunds:
        if refunded + refund.recorded_amount > limit:
            problems.append(
                f"Refund {refund.channel_refund_id} of {refund.recorded_amount} is more than is left to "
                f"refund ({limit - refunded})."
            )
            continue
        kept.append(refund)
        refunded += refund.recorded_amount
    if refunded > 0 and order.payment_status == PaymentStatus.VOIDED:
        problems.append("The channel reports the payment voided, yet states refunds.")
        return []
    if refunded > 0:
        if order.payment_status != PaymentStatus.PAID:
            order.capture_payment()  # money went back: it had been taken
        order.refunded_total = refunded
        if refunded >= limit:
            order.refund_fully()
        else:
            order.refund_partially()
    if stated in PAYMENT_BASE:
        problem = payment_problem(stated, order.payment_status)
        if problem:
            problems.append(problem)
    return kept


def _holds(order: Order, channel: Channel, problems: list[str]) -> list[Hold]:
    holds = []
    if problems:
        holds.append(Hold(kind=Hold.Kind.EXCEPTION, reason=" ".join(problems)))
    if order.payment_status == PaymentStatus.PENDING and not channel.pay_later_allowed:
        holds.append(
            Hold(
                kind=Hold.Kind.PAYMENT,
                reason=f"Awaiting payment: channel {channel.code} does not allow pay later.",
            )
        )
    if order.payment_status == PaymentStatus.VOIDED:
        holds.append(
            Hold(kind=Hold.Kind.PAYMENT, reason="Payment voided: collect a new payment or cancel the order.")
        )
    return holds if order.status in PROGRESS_STATUSES else []


def _save(order: Order, rows: Rows, refunds: list[ChannelRefund], holds: list[Hold], actor: Actor) -> None:
    """Insert the order and its rows: a fixed number of statements whatever the number of lines
    (bundle children after their parents, tax lines after their owners; none when empty)."""
    _insert(order)
    for row in [*rows.lines, *rows.charges, *rows.tax_lines, *refunds, *holds]:
        row.order = order
    rows_insert(rows.parents)
    rows_insert(rows.children)
    rows_insert(rows.charges)
    rows_insert(rows.tax_lines)
    rows_insert(refunds)
    for hold in holds:
        for field, value in actor.as_fields("opened_by").items():
            setattr(hold, field, value)
    rows_insert(holds)


@transactional
def order_intake(*, data: dict, channel: Channel, actor: Actor) -> tuple[Order, bool]:
    """Accept a validated normalized order. Returns (order, created). A known (channel, external
    id) is an update (orders.services.channel; its result in `order.update_result`). A new order
    comes back as intake wrote it, its rows in `order.written` (so that the API can answer
    without reading them back); `order_accepted` receivers source it once this transaction has
    committed."""
    found = existing_order(channel, data["external_id"].strip())
    if found is not None:
        result = order_apply_channel_update(order=found, data=data, actor=actor)
        result.order.update_result = result
        return result.order, False

    rows = build_lines(data, find_skus(sku_codes(data)))
    build_charges(data, rows)
    problems = [*rows.problems, *currency_problems(data)]
    ship_to = normalize_address(data.get("shipping_address"))
    order = _order(data, channel, rows, ship_to)
    order.pickup_location, problem = _delivery_problem(data, order, rows, ship_to)
    if problem:
        problems.append(problem)
    computed = compute_totals(
        rows.lines,
        rows.charges,
        order_tax=order.order_tax,
        order_discount=order.order_discount,
        taxes_included=order.taxes_included,
    )
    apply_totals(order, computed)
    problem = totals_problem(order.channel_totals, computed, order.currency)
    if problem:
        problems.append(problem)
    refunds = _payment_as_stated(order, data, rows, problems)
    _cancel_as_stated(order, data, rows.lines)
    progress = _progress_as_stated(order, rows.lines)
    holds = _holds(order, channel, problems)
    if problems:
        order.channel_digest = ""  # sent again once fixed, it is worth applying
    if holds:
        order.hold()
    _save(order, rows, refunds, holds, actor)
    events = _intake_events(order, channel, actor, rows, refunds, holds, progress, problems)
    order.written = {
        "lines": rows.lines,
        "holds": holds,
        "events": timeline_write(order, events),
        "charges": rows.charges,
        "tax_lines": rows.tax_lines,
        "channel_refunds": refunds,
    }
    order_accepted.send(sender=Order, order=order)
    return order, True


def _intake_events(order, channel, actor, rows, refunds, holds, progress, problems) -> list:
    events = [
        timeline_event(
            order,
            "accepted",
            actor,
            to_status=Order.Status.NEW,
            message=f"Order accepted from channel {channel.code}.",
            payload={
                "lines": len(rows.lines),
                "total": str(quantize(order.total, order.currency)),
                "currency": order.currency,
                "payment_status": order.payment_status,
                "fulfilled_by_channel": order.fulfilled_by_channel,
                "channel_status": order.channel_status,
                "problems": problems,
            },
        )
    ]
    if progress != Order.Status.NEW:
        events.append(
            timeline_event(order, "status_changed", actor, from_status=Order.Status.NEW, to_status=progress)
        )
    events += [
        timeline_event(
            order,
            "refunded",
            actor,
            payload={"amount": str(refund.recorded_amount), "channel_refund_id": refund.channel_refund_id},
        )
        for refund in refunds
    ]
    events += [
        timeline_event(
            order, "hold_opened", actor, message=hold.reason, payload={"hold_id": hold.pk, "kind": hold.kind}
        )
        for hold in holds
    ]
    if holds:
        events.append(
            timeline_event(order, "status_changed", actor, from_status=progress, to_status=order.status)
        )
    return events


def json_address(address: dict) -> dict:
    return {key: (str(value) if value is not None else None) for key, value in address.items()}
