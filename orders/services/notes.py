"""Notes: customer service writes on the timeline."""

from oms.core.actor import Actor
from oms.core.transactions import transactional

from ..errors import OrderError, OrderErrorCode
from ..models import Order, OrderEvent
from .locks import lock_order
from .timeline import timeline_record


@transactional
def order_add_note(*, order: Order, message: str, actor: Actor) -> OrderEvent:
    message = (message or "").strip()
    if not message:
        raise OrderError(OrderErrorCode.NOTHING_TO_CHANGE, "A note needs some text.")
    order = lock_order(order)
    return timeline_record(order, "note", actor, message=message)
