"""Channel push tests: orders of a Shopify and a WooCommerce channel (their connection pointing
at a local fake store), shipped and cancelled through the real services, the outbox read by the
push collector as after every commit, the Celery tasks run in process (eager) as a worker runs
them, retries included."""

from decimal import Decimal

import pytest

from fulfillment import services as fulfillment
from fulfillment.models import FulfillmentOrder
from oms.core.models import OutboxEvent
from oms.integrations.pushes import receivers
from oms.integrations.pushes.services import pushes_collect
from tests.fulfillment.factories import (
    ACTOR,
    UPS,
    LocationFactory,
    OrderFactory,
    OrderLineFactory,
    SkuFactory,
    accept,
    fresh,
    receive,
)
from tests.integrations.channels import make_channel

from .fake_stores import FakeShopify, FakeWoo

__all__ = ["ACTOR", "UPS", "fresh"]


@pytest.fixture
def shopify_store():
    with FakeShopify() as store:
        yield store


@pytest.fixture
def woo_store():
    with FakeWoo() as store:
        yield store


@pytest.fixture
def collecting(db):
    """The collector reads the outbox after every commit, as in production; it starts at the
    outbox's end."""
    pushes_collect()
    receivers.connect()
    yield
    receivers.disconnect()


@pytest.fixture
def east(db):
    return LocationFactory(code="wh-east", latitude="40.735700", longitude="-74.172400", priority=10)


@pytest.fixture
def shopify_channel(shopify_store):
    return make_channel("shopify-us", "shopify", api_base_url=shopify_store.url, access_token="shpat_test")


@pytest.fixture
def woo_channel(woo_store):
    return make_channel(
        "woo-us", "woocommerce", api_base_url=woo_store.url, api_key="ck_test", api_secret="cs_test"
    )


def channel_order(channel, store, east, lines: list[tuple[str, int, str]], external_id: str = "6001"):
    """An accepted order of the channel (sourced to east, stock received): lines are (SKU,
    quantity, the channel's line id); the fake store knows the same order."""
    total = Decimal("10.00") * sum(quantity for _code, quantity, _line in lines)  # 10.00 a unit
    order = OrderFactory(
        channel=channel, external_id=external_id, payment_status="paid", subtotal=total, total=total
    )
    for number, (code, quantity, line_id) in enumerate(lines, start=1):
        sku = SkuFactory(code=code)
        receive(sku, east, quantity)
        OrderLineFactory(order=order, line_number=number, sku=sku, quantity=quantity, channel_line_id=line_id)
    store.add_order(external_id, {line_id: quantity for _code, quantity, line_id in lines})
    return accept(order)


def ship(order, tracking: str = UPS, units: dict[str, int] | None = None):
    """Pick, pack and ship the order's fulfillment order in one package (units: SKU -> units,
    default everything)."""
    fo = FulfillmentOrder.objects.get(order=order)
    if fo.state == "pending":
        fulfillment.fulfillment_start_picking(fo=fo, actor=ACTOR)
        fulfillment.fulfillment_confirm_pick(fo=fo, picked={}, actor=ACTOR)
        fulfillment.fulfillment_pack(fo=fresh(fo), actor=ACTOR)
    lines = {
        line.pk: (units or {}).get(line.sku.code, line.quantity)
        for line in fo.lines.select_related("sku")
        if (units is None or line.sku.code in units)
    }
    return fulfillment.fulfillment_ship(
        fo=fresh(fo),
        packages=[{"carrier": "UPS", "service": "Ground", "tracking_number": tracking, "lines": lines}],
        actor=ACTOR,
    )


def last_outbox(topic: str) -> OutboxEvent:
    return OutboxEvent.objects.filter(topic=topic).order_by("-pk").first()
