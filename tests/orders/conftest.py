import pytest
from rest_framework.test import APIClient

from orders.models import Order
from orders.signals import order_accepted, order_edited, order_lines_cancelled, order_released

from .factories import ChannelFactory, LocationFactory, SkuFactory

FULFILLMENT_RECEIVERS = {
    order_accepted: "on_order_accepted",
    order_released: "on_order_released",
    order_edited: "on_order_edited",
    order_lines_cancelled: "on_order_lines_cancelled",
}


@pytest.fixture(autouse=True)
def orders_alone(request):
    """The orders app's own tests check its side of the contract (state, timeline, outbox,
    signals) with nothing listening, as if fulfillment were not installed. Tests marked
    `with_fulfillment` run the whole system: fulfillment sources and reserves on each signal."""
    if request.node.get_closest_marker("with_fulfillment"):
        yield
        return
    from fulfillment import receivers

    for signal, name in FULFILLMENT_RECEIVERS.items():
        signal.disconnect(dispatch_uid=f"fulfillment.{name.removeprefix('on_')}")
    yield
    for signal, name in FULFILLMENT_RECEIVERS.items():
        signal.connect(getattr(receivers, name), dispatch_uid=f"fulfillment.{name.removeprefix('on_')}")


@pytest.fixture
def web(db):
    return ChannelFactory(code="web", pay_later_allowed=True)


@pytest.fixture
def prepaid(db):
    """A channel that does not allow pay later."""
    return ChannelFactory(code="prepaid", pay_later_allowed=False, payment_due_hours=24)


@pytest.fixture
def skus(db):
    return {code: SkuFactory(code=code) for code in ("TSHIRT-M", "CAP-RED", "MUG-01", "SOCKS-3")}


@pytest.fixture
def store(db):
    return LocationFactory(code="store-nyc", can_pickup=True)


@pytest.fixture
def channel_api(web):
    token = web.issue_token()
    web.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


class SignalLog:
    """Connects a receiver to each orders signal and keeps what was sent."""

    def __init__(self):
        self.sent = []

    def __call__(self, signal_name):
        def receiver(sender, **kwargs):
            self.sent.append((signal_name, sender, kwargs))

        return receiver

    def named(self, name):
        return [kwargs for signal_name, _, kwargs in self.sent if signal_name == name]


@pytest.fixture
def signals():
    log = SignalLog()
    receivers = {
        order_accepted: log("order_accepted"),
        order_released: log("order_released"),
        order_edited: log("order_edited"),
        order_lines_cancelled: log("order_lines_cancelled"),
    }
    for signal, receiver in receivers.items():
        signal.connect(receiver, sender=Order, weak=False)
    yield log
    for signal, receiver in receivers.items():
        signal.disconnect(receiver, sender=Order)
