"""Every write the orders domain allows. Callers use `from orders import services`."""

from .progress import (
    lock_order,
    order_record_allocation,
    order_record_deallocation,
    order_record_delivery,
    order_record_shipment,
)
from .timeline import order_add_event, timeline_event, timeline_record, timeline_write

__all__ = [
    "lock_order",
    "order_add_event",
    "order_record_allocation",
    "order_record_deallocation",
    "order_record_delivery",
    "order_record_shipment",
    "timeline_event",
    "timeline_record",
    "timeline_write",
]
