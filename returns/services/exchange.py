"""Exchanges: an authorized return becomes a replacement order, taken in through orders intake
like any other order of its channel (so fulfillment sources it), linked to the RMA."""

from decimal import Decimal, InvalidOperation

from django.utils import timezone

from inventory.models import Sku, normalize_code
from oms.core.actor import Actor
from oms.core.money import ZERO, quantize
from oms.core.transactions import transactional
from orders import services as order_services
from orders.models import Order

from ..errors import ReturnConflict, ReturnError, ReturnErrorCode
from ..models import Refund, ReturnAuthorization
from ..permissions import RETURN_EXCHANGE
from ..refunds import line_refund
from .common import money, priced, record, refunded_units, rma_lines, whole_number
from .locks import lock_rma
from .settlement import close_if_settled

Status = ReturnAuthorization.Status


def _exchange_lines(items: list[dict], currency: str) -> list[dict]:
    if not items:
        raise ReturnError(ReturnErrorCode.NO_EXCHANGE_LINES, "Say what the customer gets instead.")
    codes = [normalize_code(getattr(item.get("sku"), "code", item.get("sku") or "")) for item in items]
    known = {sku.code: sku for sku in Sku.objects.filter(code__in=codes, active=True)}
    result = []
    for index, (item, code) in enumerate(zip(items, codes, strict=True)):
        if code not in known:
            raise ReturnError(
                ReturnErrorCode.UNKNOWN_SKU,
                f"Line {index + 1}: {code!r} is not an active SKU.",
                details={"index": index, "sku": code},
            )
        quantity = whole_number(item.get("quantity"), f"lines.{index}.quantity")
        try:
            unit_price = quantize(Decimal(str(item.get("unit_price"))), currency)
        except (InvalidOperation, ValueError, TypeError):
            unit_price = Decimal(-1)
        if unit_price < 0:
            raise ReturnError(
                ReturnErrorCode.INVALID_AMOUNT,
                f"Line {index + 1}: unit price must be an amount of zero or more.",
                details={"index": index, "unit_price": str(item.get("unit_price"))},
            )
        result.append({"sku": code, "name": known[code].name, "quantity": quantity, "unit_price": unit_price})
    return result


def returned_value(order: Order, lines) -> Decimal:
    """What the customer paid for the units on the RMA (the exchange's credit)."""
    before = refunded_units(line.order_line_id for line in lines)
    return sum(
        (
            line_refund(
                priced(line.order_line, taxes_included=order.taxes_included),
                already_refunded=before.get(line.order_line_id, 0),
                units=line.quantity,
                currency=order.currency,
            )
            for line in lines
        ),
        ZERO,
    )


def _intake_data(rma: ReturnAuthorization, order: Order, lines: list[dict], paid: bool) -> dict:
    return {
        "external_id": f"{rma.number}-EXCHANGE",
        "placed_at": timezone.now(),
        "currency": order.currency,
        "customer": {
            "email": order.customer_email,
            "name": order.customer_name,
            "phone": order.customer_phone,
        },
        "shipping_address": order.shipping_address,
        "billing_address": order.billing_address or None,
        "delivery": {
            "method": order.delivery_method,
            "pickup_location": order.pickup_location.code if order.pickup_location_id else "",
        },
        "lines": [{**line, "discount": ZERO, "tax": ZERO} for line in lines],
        "shipping_price": ZERO,
        "payment_status": Order.PaymentStatus.PAID if paid else Order.PaymentStatus.PENDING,
    }


@transactional
def return_exchange(*, rma: ReturnAuthorization, lines: list[dict], actor: Actor) -> Order:
    """Replace the returned goods: lines = [{sku, quantity, unit_price}]. The replacement is paid
    when the returned value covers it; `exchange_difference` = its total - the returned value
    (positive: the customer owes that much; negative: that much is due back to them)."""
    order, rma, _locked = lock_rma(rma)
    RETURN_EXCHANGE.require(actor, rma)
    if rma.status not in (Status.AUTHORIZED, Status.RECEIVED):
        raise ReturnConflict(
            ReturnErrorCode.INVALID_TRANSITION,
            f"Return {rma.number} is {rma.get_status_display().lower()}; only an authorized return "
            "can be exchanged.",
            details={"status": rma.status},
        )
    if rma.exchange_order_id is not None:
        raise ReturnConflict(
            ReturnErrorCode.ALREADY_EXCHANGED,
            f"Return {rma.number} was already exchanged for order {rma.exchange_order.number}.",
        )
    if Refund.objects.filter(rma=rma).exists():
        raise ReturnConflict(
            ReturnErrorCode.ALREADY_REFUNDED,
            f"Return {rma.number} was already (partly) refunded; it cannot also be exchanged.",
        )
    wanted = _exchange_lines(lines, order.currency)
    all_lines = rma_lines(rma)
    credit = returned_value(order, all_lines)
    value = quantize(sum((line["unit_price"] * line["quantity"] for line in wanted), ZERO), order.currency)
    replacement, _created = order_services.order_intake(
        data=_intake_data(rma, order, wanted, paid=value <= credit), channel=order.channel, actor=actor
    )
    rma.exchange_order = replacement
    rma.exchange_difference = replacement.total - credit
    rma.save(update_fields=["exchange_order", "exchange_difference", "updated_at"])
    difference = money(rma.exchange_difference, order.currency)
    record(
        order,
        "return_exchanged",
        actor,
        rma,
        message=f"Return {rma.number} exchanged for order {replacement.number} (difference {difference} "
        f"{order.currency}).",
        exchange_order=replacement.number,
        returned_value=money(credit, order.currency),
        exchange_total=money(replacement.total, order.currency),
        difference=difference,
    )
    record(
        replacement,
        "exchange_for_return",
        actor,
        rma,
        message=f"Replacement for return {rma.number} of order {order.number}.",
        original_order=order.number,
    )
    close_if_settled(order, rma, all_lines, actor)
    return replacement
