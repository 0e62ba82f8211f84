import pytest
from django.test import Client

from inventory.models import Location
from oms.core.actor import Actor
from tests.fulfillment.factories import ChannelFactory, LocationFactory, SkuFactory, receive
from tests.orders.factories import make_order

ACTOR = Actor.system("tests")


@pytest.fixture
def web(db):
    return ChannelFactory(code="web", pay_later_allowed=True)


@pytest.fixture
def east(db):
    return LocationFactory(code="wh-east", kind=Location.Kind.WAREHOUSE, priority=10)


@pytest.fixture
def west(db):
    return LocationFactory(code="wh-west", kind=Location.Kind.WAREHOUSE, priority=20)


@pytest.fixture
def catalog(east):
    """20 SKUs with stock at the east warehouse."""
    skus = [SkuFactory(code=f"SKU-{n:02d}") for n in range(20)]
    for sku in skus:
        receive(sku, east, 100)
    return skus


@pytest.fixture
def order_with(web, catalog):
    """order_with(n, **payload) -> an order of n lines through intake, sourced (allocated)."""

    def make(lines: int = 1, **payload):
        return make_order(
            web, lines=[(catalog[i].code, 1, "10.00") for i in range(lines)], actor=ACTOR, **payload
        )

    return make


@pytest.fixture
def agent(cs_user):
    client = Client()
    client.force_login(cs_user)
    return client


HTMX = {"HTTP_HX_REQUEST": "true"}
