"""Factories for returns tests, and shipped orders built the way the system builds them:
stock received, reserved and consumed through inventory.services; the order's allocated and
shipped quantities reported through orders.services."""

from decimal import Decimal

from inventory import services as inventory
from inventory.models import Location, Sku
from oms.core.actor import Actor
from oms.core.money import quantize
from orders import services as order_services
from orders.models import Order, OrderLine
from returns import services
from tests.fulfillment.factories import (
    ChannelFactory,
    LocationFactory,
    OrderFactory,
    OrderLineFactory,
    SkuFactory,
    fresh,
)

ACTOR = Actor.system("tests")
# The catalog and order factories are fulfillment's (returns sits on top of it).
__all__ = [
    "ACTOR",
    "ChannelFactory",
    "LocationFactory",
    "OrderFactory",
    "OrderLineFactory",
    "SkuFactory",
    "authorized",
    "fresh",
    "make_order",
    "receive",
    "receive_return",
    "request",
    "ship",
    "shipped_order",
]


def receive(sku: Sku, location: Location, quantity: int) -> None:
    inventory.stock_receive(
        lines=[inventory.StockLine(sku, location, quantity)], actor=ACTOR, reference="PO-1"
    )


def make_order(
    lines: list[dict],
    *,
    shipping_price: str = "0",
    payment_status: str = Order.PaymentStatus.PAID,
    **fields,
) -> Order:
    """lines: [{sku, quantity, unit_price, discount, tax}]; totals computed like intake does."""
    currency = fields.get("currency", "USD")
    subtotal = sum(Decimal(line.get("unit_price", "10.00")) * line["quantity"] for line in lines)
    discount = sum(Decimal(line.get("discount", "0")) for line in lines)
    tax = sum(Decimal(line.get("tax", "0")) for line in lines)
    shipping = Decimal(shipping_price)
    order = OrderFactory(
        subtotal=quantize(subtotal, currency),
        discount_total=quantize(discount, currency),
        tax_total=quantize(tax, currency),
        shipping_price=quantize(shipping, currency),
        total=quantize(subtotal - discount + tax + shipping, currency),
        payment_status=payment_status,
        **fields,
    )
    for number, line in enumerate(lines, start=1):
        OrderLineFactory(
            order=order,
            line_number=number,
            sku=line["sku"],
            quantity=line["quantity"],
            unit_price=Decimal(line.get("unit_price", "10.00")),
            discount=Decimal(line.get("discount", "0")),
            tax=Decimal(line.get("tax", "0")),
        )
    return order


def ship(order: Order, location: Location, quantities: dict[int, int] | None = None) -> Order:
    """Allocate, reserve, consume and report shipped: {order line id: units} (default: all)."""
    lines = {line.pk: line for line in order.lines.select_related("sku")}
    quantities = quantities or {pk: line.quantity for pk, line in lines.items()}
    for line_id, units in quantities.items():
        line = lines[line_id]
        receive(line.sku, location, units)
        inventory.stock_reserve(
            requests=[inventory.ReservationRequest(line.sku_id, location.pk, units, line)], actor=ACTOR
        )
    order_services.order_record_allocation(order=order, allocated=quantities, actor=ACTOR)
    inventory.stock_consume(
        takes=[inventory.Take(lines[line_id], units) for line_id, units in quantities.items()],
        actor=ACTOR,
        reference=order.number,
    )
    return order_services.order_record_shipment(
        order=order,
        quantities=quantities,
        actor=ACTOR,
        shipment={"carrier": "UPS", "tracking_numbers": ["1Z"]},
    )


def shipped_order(location: Location, lines: list[dict], **fields) -> Order:
    order = make_order(lines, **fields)
    return ship(order, location)


def request(order: Order, *items: tuple[OrderLine, int], actor=ACTOR, reason="size_or_fit", **fields):
    return services.return_create(
        order=order,
        lines=[{"order_line": line, "quantity": quantity, "reason_code": reason} for line, quantity in items],
        actor=actor,
        **fields,
    )


def authorized(order: Order, *items: tuple[OrderLine, int], **fields):
    return services.return_authorize(rma=request(order, *items, **fields), actor=ACTOR)


def receive_return(rma, location: Location, *items: tuple, actor=ACTOR):
    """items: (return line, quantity, condition, disposition)."""
    return services.return_receive(
        rma=rma,
        location=location,
        lines=[
            {"return_line": line, "quantity": quantity, "condition": condition, "disposition": disposition}
            for line, quantity, condition, disposition in items
        ],
        actor=actor,
    )
