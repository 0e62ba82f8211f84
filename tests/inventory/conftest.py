import pytest

from .factories import LocationFactory, SkuFactory


@pytest.fixture
def sku(db):
    return SkuFactory(code="TEE-BLK-M", name="T-shirt black M", barcode="4000000000017")


@pytest.fixture
def location(db):
    return LocationFactory(code="wh-east", name="East warehouse")


@pytest.fixture
def other_location(db):
    return LocationFactory(code="wh-west", name="West warehouse")
