import time

from django.utils import timezone

from oms.core.actor import Actor
from oms.integrations.webhooks import services
from oms.integrations.webhooks.models import WebhookDelivery
from orders.services import order_add_event
from tests.fulfillment.factories import SkuFactory, make_order

SYSTEM = Actor.system("webhook-tests")


def an_order(number: str | None = None):
    fields = {"number": number} if number else {}
    return make_order([(SkuFactory(), 2)], **fields)


def note(order, text: str = "hello"):
    """One order event: a timeline note, with its outbox row (topic order.note)."""
    return order_add_event(order=order, kind="note", actor=SYSTEM, message=text)


def run_until_settled(timeout: float = 10) -> None:
    """What the worker and the sweep do, in process: hand over the outbox, send every due
    delivery, wait out retries, until nothing is open."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        services.outbox_dispatch()
        for endpoint_id, aggregate_type, aggregate_id in services.due_chains():
            services.delivery_chain_run(
                endpoint_id=endpoint_id, aggregate_type=aggregate_type, aggregate_id=aggregate_id
            )
        if not WebhookDelivery.objects.filter(status__in=WebhookDelivery.OPEN).exists():
            return
        time.sleep(0.05)


def age(queryset, **delta) -> None:
    from datetime import timedelta

    queryset.update(**{name: timezone.now() - timedelta(**delta) for name in ("created_at",)})
