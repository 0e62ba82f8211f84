import pytest

from .factories import ChannelFactory, LocationFactory, SkuFactory


@pytest.fixture
def east(db):
    return LocationFactory(code="wh-east")


@pytest.fixture
def west(db):
    return LocationFactory(code="wh-west")


@pytest.fixture
def shirt(db):
    return SkuFactory(code="SHIRT-M", name="Shirt M")


@pytest.fixture
def mug(db):
    return SkuFactory(code="MUG-1", name="Mug")


@pytest.fixture
def web(db):
    return ChannelFactory(code="web")
