"""Updates from the channel: a known (channel, external id) arriving again.

The document is compared with what the channel stated before (not with what customer service
changed since: a line's stated quantity and money, the channel's ship-to), and each difference is
applied through the service that owns it, on the timeline as done by the channel:
- header (channel status, notes, customer, billing address, attributes, discount codes);
- ship-to or pickup location -> order_edit_address;
- lines: matched by channel line id (by position when neither side has ids); new -> added,
  gone -> removed, quantity / SKU / money -> order_edit_lines; units the channel cancelled ->
  order_cancel_lines; units it shipped of lines it fulfils -> order_record_channel_shipment;
- shipping lines, fees, tax lines, order discount -> replaced, totals computed again;
- the order cancelled -> order_cancel; payment -> order_update_payment; refunds ->
  order_record_refund, each once by its channel refund id.
Each step runs in a savepoint: a change the OMS cannot apply (a line already shipped) leaves no
trace of itself and goes, with the difference, on an `exception` hold (on a closed order, which
cannot be held, on the timeline). A document whose updated-at is older than the last one applied
is ignored.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from oms.core.actor import Actor
from oms.core.errors import DomainError
from oms.core.money import ZERO, exact, quantize
from oms.core.transactions import transactional

from ..models import OPEN_STATUSES, ChannelRefund, Hold, Order, OrderLine
from .amounts import (
    compute_totals,
    totals_problem,
)
from .cancellation import order_cancel
from .channel_lines import BY_CHANNEL, apply_charges, apply_lines
from .document import (
    PAYMENT_BASE,
    build_charges,
    build_lines,
    build_refunds,
    channel_totals,
    currency_problems,
    document_digest,
    find_skus,
    order_tax,
    payment_problem,
    refund_payload,
    refunded_sum_rest,
    sku_codes,
)
from .edits import order_edit_address
from .holds import open_holds, order_hold
from .locks import lock_order, lock_order_with_stock
from .normalize import normalize_address, normalize_email, normalize_name_key, normalize_phone, surname_key
from .payment import order_record_refund, order_update_payment
from .timeline import timeline_record

STALE, UNCHANGED, APPLIED = "stale", "unchanged", "applied"
PaymentStatus = Order.PaymentStatus


@dataclass
class ChannelUpdate:
    """What an update did: `changes` applied, `not_applied` differences (held), `problems` of
    the document itself (another currency, totals that do not add up: held too)."""

    order: Order
    outcome: str = UNCHANGED
    changes: list[str] = field(default_factory=list)
    not_applied: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def attempt(self, change: str, work: Callable[[], object]) -> bool:
        """Run one change in a savepoint; a refusal rolls it back and is kept as a difference."""
        try:
            with transaction.atomic():
                work()
        except DomainError as refusal:
            self.not_applied.append(f"{change}: not applied ({refusal.message.rstrip('.')}).")
            return False
        self.changes.append(change)
        self.order = lock_order(self.order)  # as the service left it
        return True


@transactional
def order_apply_channel_update(*, order: Order, data: dict, actor: Actor | None = None) -> ChannelUpdate:
    """Apply a validated normalized document (orders.api.intake) to the order the channel sent
    before. `actor` is who brought the document in; the changes are the channel's. A stale
    document, or the one last applied in full, is answered without taking a lock (channels
    resend a lot)."""
    stated_at, digest = data.get("updated_at"), document_digest(data)
    if _stale(order, stated_at) or order.channel_digest == digest:
        return ChannelUpdate(order, _quick(order, stated_at))
    skus = find_skus(sku_codes(data))
    order, _order_lines, _locked = lock_order_with_stock(
        order, extra_sku_ids={sku.pk for sku in skus.values()}
    )
    if _stale(order, stated_at):
        return ChannelUpdate(order, STALE)
    update = ChannelUpdate(order)
    by_channel = Actor.for_channel(order.channel)
    _header(update, data, by_channel)
    _delivery(update, data, by_channel)
    matched = apply_lines(update, data, skus, by_channel)
    apply_charges(update, data, matched)
    _cancellation(update, data, by_channel)
    _payment(update, data, by_channel)
    _refunds(update, data, by_channel)
    _statement(update, data, skus)
    _hold_differences(update, by_channel)
    if stated_at and (update.order.channel_updated_at is None or stated_at > update.order.channel_updated_at):
        update.order.channel_updated_at = stated_at
    # A document with differences not applied is worth another try when sent again (or replayed
    # from the inbox) after customer service fixed what stood in the way.
    update.order.channel_digest = "" if (update.not_applied or update.problems) else digest
    update.order.save(update_fields=["channel_updated_at", "channel_digest", "updated_at"])
    if update.changes:
        update.outcome = APPLIED
    return update


def _stale(order: Order, stated_at) -> bool:
    return bool(stated_at and order.channel_updated_at and stated_at < order.channel_updated_at)


def _quick(order: Order, stated_at) -> str:
    return STALE if _stale(order, stated_at) else UNCHANGED


# --- header ------------------------------------------------------------------------------


def _header_values(order: Order, data: dict) -> dict:
    values = {}
    for key, column in (("channel_status", "channel_status"), ("customer_note", "customer_note")):
        if key in data:
            values[column] = data[key] or ""
    if "instructions" in (data.get("delivery") or {}):
        values["delivery_instructions"] = data["delivery"]["instructions"] or ""
    if "attributes" in data:
        values["attributes"] = [{"name": a["name"], "value": a["value"]} for a in data["attributes"]]
    if "discount_codes" in data:
        values["discount_codes"] = [
            {"code": c["code"], "type": c.get("type") or "", "amount": str(c.get("amount") or "")}
            for c in data["discount_codes"]
        ]
    if data.get("ship_by"):
        values["ship_by"] = data["ship_by"]
    if order.anonymized_at is None:  # personal data once erased stays erased
        customer = data.get("customer") or {}
        name = " ".join((customer.get("name") or "").split())
        if "email" in customer:
            values["customer_email"] = normalize_email(customer["email"])
        if "name" in customer:
            values.update(
                customer_name=name,
                customer_name_key=normalize_name_key(name),
                customer_surname_key=surname_key(name),
            )
        if "phone" in customer:
            values["customer_phone"] = normalize_phone(customer["phone"])
        if data.get("billing_address"):
            from .intake import json_address

            values["billing_address"] = json_address(normalize_address(data["billing_address"]))
    return values


def _header(update: ChannelUpdate, data: dict, actor: Actor) -> None:
    order = update.order
    changed = {
        column: value
        for column, value in _header_values(order, data).items()
        if getattr(order, column) != value
    }
    if not changed:
        return
    shown = [column for column in changed if not column.endswith("_key")]
    payload = {
        "changes": {
            column: {"before": _shown(getattr(order, column)), "after": _shown(changed[column])}
            for column in shown
        }
    }
    for column, value in changed.items():
        setattr(order, column, value)
    order.save(update_fields=[*changed, "updated_at"])
    message = "Updated by the channel: " + ", ".join(column.replace("_", " ") for column in shown) + "."
    timeline_record(order, "channel_updated", actor, message=message, payload=payload)
    update.changes.append(message)


def _shown(value):
    return value if isinstance(value, str | list | dict | type(None)) else str(value)


# --- ship-to -----------------------------------------------------------------------------


def _delivery(update: ChannelUpdate, data: dict, actor: Actor) -> None:
    from .intake import json_address

    order = update.order
    if order.anonymized_at is not None:
        return
    delivery = data.get("delivery") or {}
    if delivery.get("method") == Order.DeliveryMethod.PICKUP:
        code = (delivery.get("pickup_location") or "").strip()
        current = order.pickup_location.code if order.pickup_location_id else None
        if code and code != current:
            update.attempt(
                f"Pickup location changed to {code}",
                lambda: order_edit_address(
                    order=order, address=None, pickup_location=code, actor=actor, reason=BY_CHANNEL
                ),
            )
        return
    if not data.get("shipping_address"):
        return
    stated = json_address(normalize_address(data["shipping_address"]))
    if stated == order.channel_address:
        return  # the channel did not change it (customer service may have)
    order.channel_address = stated
    order.save(update_fields=["channel_address", "updated_at"])
    summary = ", ".join(
        value for key, value in stated.items() if value and key not in ("latitude", "longitude")
    )
    update.attempt(
        f"Shipping address changed to {summary}",
        lambda: order_edit_address(
            order=update.order, address=data["shipping_address"], actor=actor, reason=BY_CHANNEL
        ),
    )


# --- cancellation, payment, refunds -------------------------------------------------------


def _cancellation(update: ChannelUpdate, data: dict, actor: Actor) -> None:
    order = update.order
    if not data.get("cancelled_at") or order.channel_cancelled_at is not None:
        return
    order.channel_cancelled_at = data["cancelled_at"]
    order.save(update_fields=["channel_cancelled_at", "updated_at"])
    reason = (data.get("cancel_reason") or "").strip() or "Cancelled by the channel."
    if order.status == Order.Status.CANCELLED:
        return
    shipped = sum(line.quantity_shipped for line in OrderLine.objects.filter(order=order))
    if order.status in OPEN_STATUSES and any(
        line.quantity_open for line in OrderLine.objects.filter(order=order)
    ):
        update.attempt(
            f"Order cancelled by the channel ({reason})",
            lambda: order_cancel(order=order, reason=reason, actor=actor),
        )
    if shipped:
        update.not_applied.append(
            f"The channel cancelled the order, but {shipped} units had already shipped."
        )


def _payment(update: ChannelUpdate, data: dict, actor: Actor) -> None:
    order = update.order
    stated = data.get("payment_status")
    target = PAYMENT_BASE.get(stated, stated)
    refunding = (PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED)
    if (
        target in (PaymentStatus.AUTHORIZED, PaymentStatus.PAID, PaymentStatus.VOIDED)
        and order.payment_status != target
    ):
        if order.payment_status in refunding:
            return  # the channel reports its base status; refunds were recorded already
        update.attempt(
            f"Payment {target}",
            lambda: order_update_payment(order=order, status=target, actor=actor, reference="channel update"),
        )


def _refunds(update: ChannelUpdate, data: dict, actor: Actor) -> None:
    order = update.order
    recorded = {refund.channel_refund_id: refund for refund in ChannelRefund.objects.filter(order=order)}
    lines = list(OrderLine.objects.filter(order=order))
    new = [
        refund
        for refund in build_refunds(data, lines, order.currency)
        if refund.channel_refund_id not in recorded
    ]
    total = sum((refund.recorded_amount for refund in [*recorded.values(), *new]), ZERO)
    rest = refunded_sum_rest(data, order.currency, total)
    if rest is not None and rest.channel_refund_id not in recorded:
        new.append(rest)
    if data.get("payment_status") == PaymentStatus.REFUNDED and not new and not recorded:
        whole = quantize(order.total - order.refunded_total, order.currency)
        if whole > 0:
            new.append(
                ChannelRefund(
                    channel_refund_id="payment-status:refunded", amount=whole, recorded_amount=whole
                )
            )
    for refund in new:
        update.attempt(
            f"Refund {refund.channel_refund_id} of {refund.recorded_amount}",
            lambda refund=refund: _record(refund, update, actor),
        )
    stated = data.get("payment_status")
    if stated in PAYMENT_BASE:
        problem = payment_problem(stated, update.order.payment_status)
        if problem:
            update.not_applied.append(problem)


def _record(refund: ChannelRefund, update: ChannelUpdate, actor: Actor) -> None:
    order_record_refund(
        order=update.order, amount=refund.recorded_amount, actor=actor, payload=refund_payload(refund)
    )
    refund.order = update.order
    refund.save(force_insert=True)


# --- what the document says of itself ----------------------------------------------------


def _statement(update: ChannelUpdate, data: dict, skus) -> None:
    """Problems of the document itself, as at intake: another currency, totals that do not add
    up as the channel states them (computed from the document, not from our edits since)."""
    update.problems += currency_problems(data)
    doc = build_lines(data, skus)
    build_charges(data, doc)
    computed = compute_totals(
        doc.lines,
        doc.charges,
        order_tax=order_tax(data),
        order_discount=exact(data.get("order_discount") or ZERO),
        taxes_included=bool(data.get("taxes_included")),
    )
    problem = totals_problem(channel_totals(data), computed, update.order.currency)
    if problem:
        update.problems.append(problem)


def _hold_differences(update: ChannelUpdate, actor: Actor) -> None:
    """What could not be applied, and what is wrong with the document, goes where customer
    service sees it: an exception hold naming the differences (once: a resend holds nothing new),
    or, on an order closed for holds, the timeline."""
    reasons = [*update.problems, *update.not_applied]
    if not reasons:
        return
    text = "Channel update: " + " ".join(reasons)
    order = lock_order(update.order)
    if order.status in OPEN_STATUSES:
        if any(hold.reason == text for hold in open_holds(order, Hold.Kind.EXCEPTION)):
            return
        order_hold(order=order, kind=Hold.Kind.EXCEPTION, reason=text, actor=actor)
    else:
        timeline_record(
            order, "channel_update_not_applied", actor, message=text, payload={"differences": reasons}
        )
    update.order = lock_order(order)
