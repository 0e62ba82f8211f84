"""Factories for orders tests. Orders themselves are made through intake (`make_order`)."""

import copy
from datetime import UTC, datetime
from decimal import Decimal

import factory

from inventory.models import Location, Sku
from oms.core.actor import Actor
from oms.core.models import Channel
from orders.api.serializers import OrderIntakeSerializer
from orders.services import order_intake


class ChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Channel
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"shop{n}")
    name = factory.LazyAttribute(lambda o: f"Shop {o.code}")
    kind = Channel.Kind.WEB_SHOP
    pay_later_allowed = True


class SkuFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sku
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"SKU-{n:04d}")
    name = factory.LazyAttribute(lambda o: f"Product {o.code}")


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"loc-{n}")
    name = factory.LazyAttribute(lambda o: o.code)
    kind = Location.Kind.STORE
    country_code = "US"
    can_pickup = True


ADDRESS = {
    "name": "Jane Doe",
    "line1": "350 5th Ave",
    "city": "New York",
    "region": "NY",
    "postal_code": "10118",
    "country_code": "us",
    "latitude": "40.748400",
    "longitude": "-73.985700",
}


def order_payload(channel: str | None = "web", external_id: str = "W-1", lines=None, **overrides) -> dict:
    """A well-formed intake body whose totals add up (lines: [(sku, qty, unit_price)])."""
    lines = lines or [("TSHIRT-M", 2, "10.00")]
    body_lines = [
        {"sku": sku, "quantity": qty, "unit_price": price, "discount": "0.00", "tax": "1.00"}
        for sku, qty, price in lines
    ]
    subtotal = sum(Decimal(price) * qty for _, qty, price in lines)
    tax = Decimal("1.00") * len(lines)
    shipping = Decimal("5.00")
    body = {
        "external_id": external_id,
        "placed_at": "2026-03-02T10:00:00Z",
        "currency": "usd",
        "customer": {"email": " Jane.Doe@Example.COM ", "name": "Jane  Doe", "phone": "+1 (212) 555-0101"},
        "shipping_address": copy.deepcopy(ADDRESS),
        "lines": body_lines,
        "shipping_price": str(shipping),
        "totals": {
            "subtotal": f"{subtotal:.2f}",
            "discount": "0.00",
            "tax": f"{tax:.2f}",
            "total": f"{subtotal + tax + shipping:.2f}",
        },
        "payment_status": "authorized",
    }
    if channel:
        body["channel"] = channel
    body.update(overrides)
    return body


def make_order(channel: Channel, *, actor: Actor | None = None, **payload_kwargs):
    """An order through the real intake service (validated like the API)."""
    payload_kwargs.setdefault("external_id", f"X-{datetime.now(UTC).timestamp()}")
    serializer = OrderIntakeSerializer(data=order_payload(channel=None, **payload_kwargs))
    serializer.is_valid(raise_exception=True)
    order, _ = order_intake(
        data=serializer.validated_data, channel=channel, actor=actor or Actor.system("test")
    )
    return order
