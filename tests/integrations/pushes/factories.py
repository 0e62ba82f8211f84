import factory

from oms.integrations.pushes.models import ChannelPush
from tests.fulfillment.factories import OrderFactory


class ChannelPushFactory(factory.django.DjangoModelFactory):
    """A push as the collector makes it (for tests that need one without a channel server)."""

    class Meta:
        model = ChannelPush

    order = factory.SubFactory(OrderFactory)
    channel = factory.LazyAttribute(lambda o: o.order.channel)
    kind = ChannelPush.Kind.FULFILLMENT
    aggregate = factory.Sequence(lambda n: f"shipment:{n + 1}")
    push_id = factory.LazyAttribute(lambda o: f"oms-{o.kind}-{o.aggregate.replace(':', '-')}")
    payload = factory.LazyAttribute(lambda o: {"push_id": o.push_id, "order": o.order.number, "lines": []})
