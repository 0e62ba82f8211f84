"""Refunds: amounts per line from what the customer paid (returns.refunds), recorded as
Refund rows and as pending on the order; the channel's adapter is asked by a Celery task.

Delivery is single-flight: a sender claims the refund (`sending`) under its row lock before it
calls the adapter, and the refund id goes to the adapter as its idempotency key, so that the
automatic retry and an agent's resend never pay one refund twice (a claim older than
CLAIM_TIMEOUT is taken to be dead and may be claimed again; the key keeps that safe at the
provider). The order counts a refund as refunded once the adapter confirmed it.
"""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from oms.core.actor import Actor
from oms.core.adapters import AdapterError, get_adapter
from oms.core.money import ZERO
from oms.core.transactions import transactional
from orders import services as order_services
from orders.models import Order

from ..errors import ReturnConflict, ReturnErrorCode
from ..models import Refund, RefundLine, ReturnAuthorization, ReturnLine
from ..permissions import REFUND_RESEND, RETURN_REFUND
from ..refunds import RefundRequestLine, compute_refund
from .common import money, pk_of, priced, record, refunded_units, rma_lines, set_actor, whole_number
from .locks import lock_refund, lock_rma
from .settlement import close_if_settled

Status = ReturnAuthorization.Status
REFUNDABLE_STATUSES = (Status.AUTHORIZED, Status.RECEIVED)
PAID_STATUSES = (Order.PaymentStatus.PAID, Order.PaymentStatus.PARTIALLY_REFUNDED)
#: A sender that has not reported back after this long is taken to have died.
CLAIM_TIMEOUT = timedelta(minutes=10)


def _requested_units(rma: ReturnAuthorization, lines: dict[int, ReturnLine], items) -> list[tuple]:
    """[(return line, units)]: what was asked for, or everything received and not refunded."""
    if items is None:
        chosen = [(line, line.quantity_refundable) for line in lines.values() if line.quantity_refundable]
        if not chosen:
            raise ReturnConflict(
                ReturnErrorCode.NOTHING_TO_REFUND,
                f"Return {rma.number} has no received units left to refund.",
            )
        return chosen
    if not items:
        raise ReturnConflict(ReturnErrorCode.NOTHING_TO_REFUND, "Say which lines to refund.")
    chosen, seen = [], set()
    for index, item in enumerate(items):
        line = lines.get(pk_of(item.get("return_line")))
        if line is None:
            raise ReturnConflict(
                ReturnErrorCode.LINE_NOT_ON_RETURN,
                f"Line {index + 1}: return line {pk_of(item.get('return_line'))} is not on {rma.number}.",
                details={"index": index},
            )
        if line.pk in seen:
            raise ReturnConflict(
                ReturnErrorCode.DUPLICATE_LINE, f"Line {index + 1}: that return line is listed twice."
            )
        seen.add(line.pk)
        units = whole_number(item.get("quantity"), f"lines.{index}.quantity")
        if units > line.quantity_refundable:
            raise ReturnConflict(
                ReturnErrorCode.REFUND_TOO_MANY,
                f"{line.order_line.sku_code}: {units} to refund, but {line.quantity_received} received and "
                f"{line.quantity_refunded} already refunded; only received units are refunded.",
                details={
                    "return_line": line.pk,
                    "requested": units,
                    "received": line.quantity_received,
                    "refunded": line.quantity_refunded,
                },
            )
        chosen.append((line, units))
    return chosen


@transactional
def return_refund(
    *,
    rma: ReturnAuthorization,
    actor: Actor,
    lines: list[dict] | None = None,
    include_shipping: bool = False,
    restocking_fee: Decimal = ZERO,
) -> Refund:
    """Refund received units: lines = [{return_line, quantity}], or None for everything received
    and not yet refunded. Shipping (at most once per order) and a restocking fee are optional."""
    order, rma, _locked = lock_rma(rma)
    RETURN_REFUND.require(actor, rma)
    if rma.status not in REFUNDABLE_STATUSES:
        raise ReturnConflict(
            ReturnErrorCode.INVALID_TRANSITION,
            f"Return {rma.number} is {rma.get_status_display().lower()}; it cannot be refunded.",
            details={"status": rma.status},
        )
    if rma.exchange_order_id is not None:
        raise ReturnConflict(
            ReturnErrorCode.ALREADY_EXCHANGED,
            f"Return {rma.number} was settled by exchange order {rma.exchange_order.number}.",
        )
    if order.payment_status not in PAID_STATUSES:
        raise ReturnConflict(
            ReturnErrorCode.ORDER_NOT_PAID,
            f"Order {order.number} payment is {order.payment_status}; only paid orders are refunded.",
            details={"payment_status": order.payment_status},
        )
    all_lines = rma_lines(rma)
    chosen = _requested_units(rma, {line.pk: line for line in all_lines}, lines)
    before = refunded_units(line.order_line_id for line, _units in chosen)
    amounts = compute_refund(
        lines=[
            RefundRequestLine(
                key=line.pk,
                line=priced(line.order_line, taxes_included=order.taxes_included),
                already_refunded=before.get(line.order_line_id, 0),
                units=units,
            )
            for line, units in chosen
        ],
        currency=order.currency,
        order_total=order.total,
        order_refunded=order.refunded_total + order.refund_pending_total,
        shipping_price=order.shipping_price,
        include_shipping=include_shipping,
        shipping_already_refunded=Refund.objects.filter(order=order, shipping_amount__gt=0).exists(),
        restocking_fee=restocking_fee,
    )

    refund = Refund(
        rma=rma,
        order=order,
        currency=order.currency,
        lines_amount=amounts.lines_amount,
        shipping_amount=amounts.shipping_amount,
        restocking_fee=amounts.restocking_fee,
        total=amounts.total,
    )
    set_actor(refund, "actor", actor)
    if amounts.total == 0:  # a fee ate it all: nothing to pay back, nothing to ask for
        refund.succeed()
    refund.save()
    by_id = {line.pk: line for line, _units in chosen}
    RefundLine.objects.bulk_create(
        [
            RefundLine(refund=refund, return_line=by_id[key], quantity=units, amount=amount)
            for key, units, amount in amounts.lines
        ]
    )
    for line, units in chosen:
        line.quantity_refunded += units
    ReturnLine.objects.bulk_update([line for line, _units in chosen], ["quantity_refunded"])

    details = {
        "refund": refund.pk,
        "lines_amount": money(refund.lines_amount, refund.currency),
        "shipping_amount": money(refund.shipping_amount, refund.currency),
        "restocking_fee": money(refund.restocking_fee, refund.currency),
        "lines": {str(line.order_line_id): units for line, units in chosen},
    }
    if refund.total > 0:
        order = order_services.order_request_refund(
            order=order, amount=refund.total, actor=actor, payload={"rma": rma.number, **details}
        )
        rma.order = order
        _request_after_commit(refund.pk)
    else:
        record(
            order,
            "refund_waived",
            actor,
            rma,
            message="Nothing to pay back after the restocking fee.",
            **details,
        )
    close_if_settled(order, rma, all_lines, actor)
    return refund


def _request_after_commit(refund_id: int) -> None:
    """Ask the channel for the money only once the refund row is committed."""
    from ..tasks import request_refund  # tasks import the services: import here, not at the top

    transaction.on_commit(lambda: request_refund.delay(refund_id))


def refund_payload(refund: Refund) -> dict:
    """What the channel's adapter is asked for; `idempotency_key` (the refund id) is the same on
    every attempt, so that the provider pays it once."""
    return {
        "refund_id": refund.pk,
        "idempotency_key": str(refund.pk),
        "order": refund.order.number,
        "external_id": refund.order.external_id,
        "rma": refund.rma.number,
        "currency": refund.currency,
        "amount": money(refund.total, refund.currency),
        "shipping_amount": money(refund.shipping_amount, refund.currency),
        "lines": [
            {
                "sku": line.return_line.order_line.sku_code,
                "channel_line_id": line.return_line.order_line.channel_line_id,
                "quantity": line.quantity,
                "amount": money(line.amount, refund.currency),
            }
            for line in refund.lines.select_related("return_line__order_line")
        ],
    }


def _claim_is_live(refund: Refund) -> bool:
    return (
        refund.status == Refund.Status.SENDING
        and refund.claimed_at is not None
        and refund.claimed_at > timezone.now() - CLAIM_TIMEOUT
    )


@transactional
def _claim(refund: Refund) -> tuple[Refund, dict] | None:
    """Under the refund's row lock: claim it for this sender, or None when it is paid back
    already or another sender holds a live claim."""
    refund = lock_refund(refund)
    if refund.status == Refund.Status.SUCCEEDED or _claim_is_live(refund):
        return None
    refund.claim()
    refund.save(update_fields=["status", "claimed_at", "attempts"])
    return refund, refund_payload(refund)


def refund_send(*, refund: Refund) -> Refund:
    """Ask the channel (or payment provider) for the money, once at a time: claim the refund,
    call the adapter outside any transaction, then record the outcome (succeeded with the
    provider's reference, and refunded on the order; or failed with the reason on the timeline,
    raising AdapterError so that the caller retries). A refund paid back, or being sent by
    someone else right now, is left alone."""
    claimed = _claim(refund)
    if claimed is None:
        return Refund.objects.get(pk=refund.pk)
    refund, payload = claimed
    system = Actor.system("refunds")
    try:
        reference = get_adapter(refund.order.channel).request_refund(payload)
    except AdapterError as exc:
        _record_outcome(refund, system, failure=str(exc) or type(exc).__name__)
        raise
    return _record_outcome(refund, system, reference=str(reference))


@transactional
def _record_outcome(refund: Refund, actor: Actor, *, reference: str = "", failure: str = "") -> Refund:
    order = order_services.lock_order(Order(pk=refund.order_id))  # lock order: the order, then the refund
    refund = lock_refund(refund)
    if refund.status != Refund.Status.SENDING:
        return refund  # another sender (after a stale claim) got there first
    amount = money(refund.total, refund.currency)
    if failure:
        refund.fail()
        refund.failure_reason = failure[:2000]
        refund.save(update_fields=["status", "failure_reason"])
        kind, message = "refund_failed", f"Refund of {amount} {refund.currency} failed: {failure}"
    else:
        refund.succeed()
        refund.external_reference = reference[:120]
        refund.failure_reason = ""
        refund.save(update_fields=["status", "external_reference", "failure_reason", "completed_at"])
        kind, message = "refund_succeeded", f"Refund of {amount} {refund.currency} paid back ({reference})."
        order = order_services.order_record_refund(
            order=order,
            amount=refund.total,
            actor=actor,
            requested=True,
            payload={"rma": refund.rma.number, "refund": refund.pk, "reference": refund.external_reference},
        )
    record(
        order,
        kind,
        actor,
        refund.rma,
        message=message,
        refund=refund.pk,
        amount=amount,
        reference=refund.external_reference,
        attempts=refund.attempts,
    )
    return refund


@transactional
def refund_resend(*, refund: Refund, actor: Actor) -> Refund:
    """Ask the channel again for a refund that failed (the retries gave up, the channel was
    fixed since), or whose sender died (a stale claim). The order keeps it as pending; this
    only retries delivery, with the same idempotency key."""
    refund = lock_refund(refund)
    REFUND_RESEND.require(actor, refund)
    if _claim_is_live(refund):
        raise ReturnConflict(
            ReturnErrorCode.INVALID_TRANSITION,
            f"Refund {refund.pk} is being sent right now; wait for its outcome.",
            details={"status": refund.status},
        )
    if refund.status not in (Refund.Status.FAILED, Refund.Status.SENDING):
        raise ReturnConflict(
            ReturnErrorCode.INVALID_TRANSITION,
            f"Refund {refund.pk} is {refund.get_status_display().lower()}; "
            "only a failed refund is sent again.",
            details={"status": refund.status},
        )
    record(
        refund.order,
        "refund_resent",
        actor,
        refund.rma,
        message=f"Refund {refund.pk} sent again.",
        refund=refund.pk,
    )
    _request_after_commit(refund.pk)
    return refund
