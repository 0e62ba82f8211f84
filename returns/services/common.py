"""Helpers every returns service shares: refusals, numbers, the timeline. Locks are taken
in locks.py. Every step writes an order timeline event (and with it the outbox row, topic
order.<kind>) through orders.services.
"""

import secrets
from decimal import Decimal

from django.db.models import F, Sum
from django_fsm import can_proceed

from oms.core.actor import Actor
from oms.core.money import quantize
from orders import services as order_services
from orders.models import Order, OrderLine

from ..errors import ReturnConflict, ReturnError, ReturnErrorCode
from ..models import OPEN_STATUSES, ReturnAuthorization, ReturnLine
from ..refunds import PricedLine

#: RMA numbers: "RMA-" + 8 characters of Crockford's base 32 (no I, L, O, U).
NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
NUMBER_PREFIX = "RMA-"
NUMBER_LENGTH = 8


def new_rma_number() -> str:
    return NUMBER_PREFIX + "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(NUMBER_LENGTH))


def rma_lines(rma: ReturnAuthorization) -> list[ReturnLine]:
    lines = list(ReturnLine.objects.filter(rma=rma).select_related("order_line__sku").order_by("pk"))
    for line in lines:
        line.rma = rma
    return lines


def require_transition(rma: ReturnAuthorization, method, verb: str) -> None:
    if not can_proceed(method):
        raise ReturnConflict(
            ReturnErrorCode.INVALID_TRANSITION,
            f"Return {rma.number} is {rma.get_status_display().lower()}; it cannot be {verb}.",
            details={"status": rma.status},
        )


def whole_number(value, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ReturnError(
            ReturnErrorCode.INVALID_QUANTITY,
            f"{field} must be a whole number above zero.",
            details={"field": field, "value": value},
        )
    return value


def pk_of(value) -> int | None:
    """Callers pass a row or its id."""
    return getattr(value, "pk", value)


def record(order: Order, kind: str, actor: Actor, rma: ReturnAuthorization, *, message: str = "", **payload):
    """The order timeline event (and outbox row) of one returns step."""
    return order_services.order_add_event(
        order=order, kind=kind, actor=actor, message=message, payload={"rma": rma.number, **payload}
    )


def set_actor(row, prefix: str, actor: Actor) -> None:
    for field, value in actor.as_fields(prefix).items():
        setattr(row, field, value)


def pending_on_open_returns(order: Order, *, exclude_rma_id: int | None = None) -> dict[int, int]:
    """Per order line: units on open RMAs (requested, authorized) not yet received."""
    rows = (
        ReturnLine.objects.filter(order_line__order=order, rma__status__in=OPEN_STATUSES)
        .exclude(rma_id=exclude_rma_id)
        .values("order_line_id")
        .annotate(pending=Sum(F("quantity") - F("quantity_received")))
    )
    return {row["order_line_id"]: row["pending"] or 0 for row in rows}


def refunded_units(order_line_ids) -> dict[int, int]:
    """Per order line: units refunded so far, on any return of the order."""
    rows = (
        ReturnLine.objects.filter(order_line_id__in=list(order_line_ids))
        .values("order_line_id")
        .annotate(refunded=Sum("quantity_refunded"))
    )
    return {row["order_line_id"]: row["refunded"] or 0 for row in rows}


def priced(order_line: OrderLine, *, taxes_included: bool) -> PricedLine:
    return PricedLine(
        unit_price=order_line.unit_price,
        discount=order_line.discount,
        tax=order_line.tax,
        quantity=order_line.quantity,
        subtotal=order_line.subtotal,
        taxes_included=taxes_included,
    )


def money(amount: Decimal, currency: str) -> str:
    return str(quantize(amount, currency))
