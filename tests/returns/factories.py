"""Factories for returns tests, and shipped orders built the way the system builds them:
stock received, reserved and consumed through inventory.services; the order's allocated and
shipped quantities reported through orders.services."""

from decimal import Decimal

import factory
from django.utils import timezone

from inventory import services as inventory
from inventory.models import Location, Sku
from oms.core.actor import Actor
from oms.core.models import Channel
from oms.core.money import quantize
from orders import services as order_services
from orders.models import Order, OrderLine
from returns import services

ACTOR = Actor.system("tests")


class ChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Channel
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"shop{n}")
    name = factory.LazyAttribute(lambda o: o.code.title())
    kind = Channel.Kind.WEB_SHOP


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"wh-{n}")
    name = factory.LazyAttribute(lambda o: o.code)
    kind = Location.Kind.WAREHOUSE
    country_code = "US"
    latitude = Decimal("40.000000")
    longitude = Decimal("-75.000000")


class SkuFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sku
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"RET-{n:04d}")
    name = factory.LazyAttribute(lambda o: f"Product {o.code}")


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    number = factory.Sequence(lambda n: f"OMS-T{n:05d}")
    channel = factory.SubFactory(ChannelFactory, code="web")
    external_id = factory.LazyAttribute(lambda o: f"ext-{o.number}")
    placed_at = factory.LazyFunction(timezone.now)
    currency = "USD"
    customer_email = "pat@example.com"
    customer_name = "Pat Doe"
    ship_name = "Pat Doe"
    ship_line1 = "1 Main St"
    ship_city = "Philadelphia"
    ship_region = "PA"
    ship_postal_code = "19103"
    ship_country_code = "US"
    ship_latitude = Decimal("39.952600")
    ship_longitude = Decimal("-75.165200")


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    line_number = factory.Sequence(lambda n: n + 1)
    sku = factory.SubFactory(SkuFactory)
    sku_code = factory.LazyAttribute(lambda o: o.sku.code if o.sku else "UNKNOWN")
    quantity = 1
    unit_price = Decimal("10.00")


def fresh(obj):
    """Re-read a row from the database."""
    return type(obj).objects.get(pk=obj.pk)


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
    for line_id, units in quantities.items():
        inventory.stock_consume(holder=lines[line_id], quantity=units, actor=ACTOR, reference=order.number)
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
