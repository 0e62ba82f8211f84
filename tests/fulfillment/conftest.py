from decimal import Decimal

import pytest

from inventory.models import Location

from .factories import LocationFactory, SkuFactory


@pytest.fixture
def east(db):
    """Newark: close to the Philadelphia customers of OrderFactory."""
    return LocationFactory(
        code="wh-east", latitude=Decimal("40.735700"), longitude=Decimal("-74.172400"), priority=10
    )


@pytest.fixture
def west(db):
    """Reno: far away."""
    return LocationFactory(
        code="wh-west", latitude=Decimal("39.529600"), longitude=Decimal("-119.813800"), priority=20
    )


@pytest.fixture
def store(db):
    return LocationFactory(
        code="store-phl",
        kind=Location.Kind.STORE,
        can_pickup=True,
        latitude=Decimal("39.950000"),
        longitude=Decimal("-75.160000"),
        priority=50,
    )


@pytest.fixture
def vendor(db):
    return LocationFactory(
        code="vendor-acme",
        kind=Location.Kind.DROPSHIP,
        latitude=Decimal("41.878100"),
        longitude=Decimal("-87.629800"),
        priority=90,
    )


@pytest.fixture
def sku_a(db):
    return SkuFactory(code="SHIRT-A")


@pytest.fixture
def sku_b(db):
    return SkuFactory(code="MUG-B", tags=["fragile"])
