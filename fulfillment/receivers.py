"""Where fulfillment reacts to the orders and inventory apps (design section 6).
Connected once from FulfillmentConfig.ready().

An accepted or released order is queued for sourcing in its transaction and sourced after
that has committed (in process without a broker, by a Celery task with one: see
services/requests.py), so that sourcing can never refuse or roll back what the orders app
recorded. Cancels and edits are handled inside their transaction, on
the stock the orders service locked first (`locked`), because they must be refused when the
units are already on their way.
"""

from django.db import transaction
from django.dispatch import receiver

from inventory.signals import stock_received
from oms.core.actor import Actor
from orders.selectors import register_order_finder
from orders.signals import order_accepted, order_edited, order_lines_cancelled, order_released

from . import services
from .selectors import orders_by_tracking_number

ACTOR = Actor.system("fulfillment")

# Customer-service search finds an order by the tracking number of any of its shipments.
register_order_finder("tracking", orders_by_tracking_number)


def _source_after_commit(order, reason: str) -> None:
    from .tasks import nudge_sourcing

    services.fulfillment_request_sourcing(order=order, reason=reason)
    transaction.on_commit(nudge_sourcing)


@receiver(order_accepted, dispatch_uid="fulfillment.order_accepted")
def on_order_accepted(sender, order, **kwargs):
    _source_after_commit(order, "Order accepted")


@receiver(order_released, dispatch_uid="fulfillment.order_released")
def on_order_released(sender, order, **kwargs):
    _source_after_commit(order, "Hold released")


@receiver(order_edited, dispatch_uid="fulfillment.order_edited")
def on_order_edited(sender, order, line_ids=(), address_changed=False, locked=None, **kwargs):
    services.fulfillment_order_edited(
        order=order,
        line_ids=list(line_ids or []),
        address_changed=bool(address_changed),
        actor=ACTOR,
        locked=locked,
    )


@receiver(order_lines_cancelled, dispatch_uid="fulfillment.order_lines_cancelled")
def on_order_lines_cancelled(sender, order, quantities, locked=None, **kwargs):
    services.fulfillment_cancel_quantities(order=order, quantities=quantities, actor=ACTOR, locked=locked)


@receiver(stock_received, dispatch_uid="fulfillment.stock_received")
def on_stock_received(sender, sku_ids, location_id, **kwargs):
    from .tasks import reallocate_backorders

    sku_ids = sorted(set(sku_ids))
    transaction.on_commit(lambda: reallocate_backorders.delay(sku_ids))
