"""An RMA's life before the goods arrive: request, authorize or reject, cancel, tracking."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from inventory.models import Location
from oms.core.actor import CHANNEL, Actor
from oms.core.authz import require_transition_perm
from oms.core.transactions import transactional
from orders import services as order_services
from orders.models import Order, OrderLine

from ..errors import ReturnConflict, ReturnError, ReturnErrorCode, ReturnForbidden
from ..models import ReturnAuthorization, ReturnLine
from ..permissions import RETURN_TRACKING
from .common import (
    new_rma_number,
    pending_on_open_returns,
    pk_of,
    record,
    require_transition,
    set_actor,
    whole_number,
)
from .locks import lock_rma

REASONS = set(ReturnLine.Reason.values)


def _insert(rma: ReturnAuthorization) -> ReturnAuthorization:
    for _attempt in range(5):
        rma.number = new_rma_number()
        try:
            with transaction.atomic():
                rma.save(force_insert=True)
            return rma
        except IntegrityError:
            if ReturnAuthorization.objects.filter(number=rma.number).exists():
                continue  # a number collision (about 1 in 10^12): draw again
            raise
    raise RuntimeError("could not draw a free RMA number")


def _validated_lines(order: Order, lines: list[dict]) -> list[tuple[OrderLine, int, str, str]]:
    if not lines:
        raise ReturnError(ReturnErrorCode.NO_LINES, "A return needs at least one line.")
    order_lines = {line.pk: line for line in OrderLine.objects.filter(order=order).order_by("pk")}
    if not any(line.quantity_shipped for line in order_lines.values()):
        raise ReturnConflict(
            ReturnErrorCode.ORDER_NOT_SHIPPED,
            f"Order {order.number} has not shipped anything yet; only shipped units can be returned.",
        )
    pending = pending_on_open_returns(order)
    seen, result = set(), []
    for index, item in enumerate(lines):
        line_id = pk_of(item.get("order_line"))
        line = order_lines.get(line_id)
        if line is None:
            raise ReturnError(
                ReturnErrorCode.LINE_NOT_ON_ORDER,
                f"Line {index + 1}: order line {line_id} is not on order {order.number}.",
                details={"index": index, "order_line": line_id},
            )
        if line_id in seen:
            raise ReturnError(
                ReturnErrorCode.DUPLICATE_LINE,
                f"Line {index + 1}: order line {line.line_number} is listed twice; list it once.",
                details={"index": index, "order_line": line_id},
            )
        seen.add(line_id)
        quantity = whole_number(item.get("quantity"), f"lines.{index}.quantity")
        reason = item.get("reason_code") or ""
        if reason not in REASONS:
            raise ReturnError(
                ReturnErrorCode.INVALID_REASON,
                f"Line {index + 1}: reason {reason!r} is not one of {', '.join(sorted(REASONS))}.",
                details={"index": index, "reason_code": reason},
            )
        on_returns = pending.get(line_id, 0)
        returnable = line.quantity_shipped - line.quantity_returned - on_returns
        details = {
            "index": index,
            "order_line": line_id,
            "requested": quantity,
            "shipped": line.quantity_shipped,
            "returned": line.quantity_returned,
            "on_open_returns": on_returns,
            "returnable": max(returnable, 0),
        }
        if returnable <= 0:
            why = (
                "has not shipped" if not line.quantity_shipped else "is already returned or on an open return"
            )
            raise ReturnConflict(
                ReturnErrorCode.NOT_RETURNABLE,
                f"Line {line.line_number} ({line.sku_code}) {why}: nothing left to return.",
                details=details,
            )
        if quantity > returnable:
            raise ReturnConflict(
                ReturnErrorCode.QUANTITY_TOO_HIGH,
                f"Line {line.line_number} ({line.sku_code}): {quantity} requested, {returnable} can be "
                f"returned ({line.quantity_shipped} shipped, {line.quantity_returned} returned, "
                f"{on_returns} on open returns).",
                details=details,
            )
        result.append((line, quantity, reason, (item.get("comment") or "").strip()))
    return result


@transactional
def return_create(
    *,
    order: Order,
    lines: list[dict],
    actor: Actor,
    carrier: str = "",
    tracking_number: str = "",
    notes: str = "",
) -> ReturnAuthorization:
    """Request a return of shipped units: lines = [{order_line, quantity, reason_code, comment}].
    Only units shipped, not returned and not on another open return can be asked for."""
    order = order_services.lock_order(order)
    if actor.kind == CHANNEL and actor.id != order.channel_id:
        raise ReturnForbidden(
            ReturnErrorCode.WRONG_CHANNEL, "A channel can only request returns of its own orders."
        )
    validated = _validated_lines(order, lines)
    rma = ReturnAuthorization(
        order=order,
        return_carrier=carrier.strip(),
        tracking_number=tracking_number.strip(),
        notes=notes.strip(),
    )
    set_actor(rma, "created_by", actor)
    rma = _insert(rma)
    ReturnLine.objects.bulk_create(
        [
            ReturnLine(
                rma=rma, order_line=line, quantity=quantity, reason_code=reason, customer_comment=comment
            )
            for line, quantity, reason, comment in validated
        ]
    )
    record(
        order,
        "return_requested",
        actor,
        rma,
        message=f"Return {rma.number} requested.",
        lines={str(line.pk): quantity for line, quantity, _reason, _comment in validated},
        reasons={str(line.pk): reason for line, _quantity, reason, _comment in validated},
    )
    return rma


@transactional
def return_authorize(
    *, rma: ReturnAuthorization, actor: Actor, receiving_location: Location | None = None, notes: str = ""
) -> ReturnAuthorization:
    """Customer service agrees: the customer may send the goods (to `receiving_location`)."""
    order, rma, _locked = lock_rma(rma)
    require_transition_perm(rma.authorize, actor)
    require_transition(rma, rma.authorize, "authorized")
    rma.authorize()
    rma.authorized_at = timezone.now()
    set_actor(rma, "authorized_by", actor)
    if receiving_location is not None:
        rma.receiving_location = receiving_location
    if notes.strip():
        rma.notes = "\n".join(filter(None, [rma.notes, notes.strip()]))
    rma.save()
    record(
        order,
        "return_authorized",
        actor,
        rma,
        message=f"Return {rma.number} authorized.",
        receiving_location=receiving_location.code if receiving_location else None,
    )
    return rma


@transactional
def return_reject(*, rma: ReturnAuthorization, reason: str, actor: Actor) -> ReturnAuthorization:
    """Customer service refuses the request; its units become returnable again."""
    reason = (reason or "").strip()
    if not reason:
        raise ReturnError(ReturnErrorCode.REASON_REQUIRED, "Say why the return is rejected.")
    order, rma, _locked = lock_rma(rma)
    require_transition_perm(rma.reject, actor)
    require_transition(rma, rma.reject, "rejected")
    rma.reject()
    rma.rejected_at = timezone.now()
    rma.reject_reason = reason
    set_actor(rma, "rejected_by", actor)
    rma.save()
    record(order, "return_rejected", actor, rma, message=f"Return {rma.number} rejected: {reason}")
    return rma


@transactional
def return_cancel(*, rma: ReturnAuthorization, actor: Actor, reason: str = "") -> ReturnAuthorization:
    """Withdraw a return before anything of it was received."""
    order, rma, _locked = lock_rma(rma)
    require_transition_perm(rma.cancel, actor)
    require_transition(rma, rma.cancel, "cancelled")
    if ReturnLine.objects.filter(rma=rma, quantity_received__gt=0).exists():
        raise ReturnConflict(
            ReturnErrorCode.ALREADY_RECEIVED,
            f"Return {rma.number} has received goods; it can no longer be cancelled.",
        )
    rma.cancel()
    rma.cancelled_at = timezone.now()
    if reason.strip():
        rma.notes = "\n".join(filter(None, [rma.notes, f"Cancelled: {reason.strip()}"]))
    rma.save()
    record(order, "return_cancelled", actor, rma, message=f"Return {rma.number} cancelled. {reason}".strip())
    return rma


@transactional
def return_update_tracking(
    *, rma: ReturnAuthorization, carrier: str, tracking_number: str, actor: Actor
) -> ReturnAuthorization:
    """The carrier and tracking number of the parcel coming back."""
    order, rma, _locked = lock_rma(rma)
    RETURN_TRACKING.require(actor, rma)
    if not rma.is_open:
        raise ReturnConflict(
            ReturnErrorCode.INVALID_TRANSITION,
            f"Return {rma.number} is {rma.get_status_display().lower()}; its tracking cannot change.",
            details={"status": rma.status},
        )
    rma.return_carrier = (carrier or "").strip()
    rma.tracking_number = (tracking_number or "").strip()
    rma.save(update_fields=["return_carrier", "tracking_number", "updated_at"])
    record(
        order,
        "return_tracking_updated",
        actor,
        rma,
        message=f"Return {rma.number}: {rma.return_carrier} {rma.tracking_number}".strip(),
        carrier=rma.return_carrier,
        tracking_number=rma.tracking_number,
    )
    return rma
