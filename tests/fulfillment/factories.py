"""Factories for fulfillment tests: channels, locations, SKUs, orders and lines.

Orders are created directly (the intake API lives elsewhere); tests then send the orders
signals themselves, exactly as orders.services does.
"""

from decimal import Decimal

import factory
from django.db import transaction
from django.utils import timezone

from inventory.models import Location, Sku
from inventory.services import StockLine, stock_receive
from oms.core.actor import Actor
from oms.core.models import Channel
from orders.models import Order, OrderLine
from orders.signals import order_accepted


class ChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Channel
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"ch{n}")
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
    can_ship = True
    priority = 100


class SkuFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sku
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"SKU-{n:04d}")
    name = factory.LazyAttribute(lambda o: f"Product {o.code}")


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    number = factory.Sequence(lambda n: f"SO-{n:05d}")
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
    # as intake keeps it: the whole line before discount, which refunds are computed from
    subtotal = factory.LazyAttribute(lambda o: o.unit_price * o.quantity)


ACTOR = Actor.system("test")
#: A tracking number in UPS's format (the ship step checks it against the carrier registry).
UPS = "1Z999AA10123456784"


def receive(sku: Sku, location: Location, quantity: int) -> None:
    stock_receive(lines=[StockLine(sku, location, quantity)], actor=ACTOR, reference="TEST")


def make_order(lines: list[tuple[Sku, int]], **fields) -> Order:
    order = OrderFactory(**fields)
    for number, (sku, quantity) in enumerate(lines, start=1):
        OrderLineFactory(order=order, line_number=number, sku=sku, quantity=quantity)
    return order


def accept(order: Order) -> Order:
    """What orders intake does once an order is in: send order_accepted in its transaction."""
    with transaction.atomic():
        order_accepted.send(sender=Order, order=order)
    return fresh(order)


def fresh(obj):
    """Re-read a row (FSM fields are protected: refresh_from_db cannot set them)."""
    return type(obj).objects.get(pk=obj.pk)
