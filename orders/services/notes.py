"""Notes: customer service writes on the timeline."""

from django.db import transaction

from oms.core.actor import Actor

from ..errors import OrderError, OrderErrorCode
from ..models import Order, OrderEvent
from .progress import lock_order
from .timeline import timeline_record


@transaction.atomic
def order_add_note(*, order: Order, message: str, actor: Actor) -> OrderEvent:
    message = (message or "").strip()
    if not message:
        raise OrderError(OrderErrorCode.NOTHING_TO_CHANGE, "A note needs some text.")
    order = lock_order(order)
    return timeline_record(order, "note", actor, message=message)
