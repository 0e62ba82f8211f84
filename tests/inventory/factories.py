"""factory_boy factories for inventory rows. Stock itself is created through services
(`receive`), so that every level a test sees is explained by the ledger."""

import factory
from django.contrib.auth.models import Group

from inventory import services
from inventory.models import Location, Sku
from oms.core.actor import Actor

ACTOR = Actor.system("tests")


class SkuFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sku
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.Sequence(lambda n: f"Test product {n}")
    barcode = factory.Sequence(lambda n: f"900{n:010d}")


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"loc-{n}")
    name = factory.Sequence(lambda n: f"Location {n}")
    kind = Location.Kind.WAREHOUSE
    country_code = "US"


class HolderFactory(factory.django.DjangoModelFactory):
    """Any saved row can hold a reservation; inventory knows no later app."""

    class Meta:
        model = Group

    name = factory.Sequence(lambda n: f"holder-{n}")


def receive(sku: Sku, location: Location, quantity: int, *, reference: str = "test"):
    return services.stock_receive(
        lines=[services.StockLine(sku, location, quantity)], actor=ACTOR, reference=reference
    )


def reserve(sku: Sku, location: Location, quantity: int, holder=None):
    holder = holder or HolderFactory()
    services.stock_reserve(
        requests=[services.ReservationRequest(sku.pk, location.pk, quantity, holder)], actor=ACTOR
    )
    return holder
