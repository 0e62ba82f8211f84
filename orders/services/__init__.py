"""Every write the orders domain allows. Callers use `from orders import services`."""

from .cancellation import order_cancel, order_cancel_expired_unpaid, order_cancel_lines
from .channel import ChannelUpdate, order_apply_channel_update
from .edits import order_edit_address, order_edit_lines
from .holds import order_hold, order_release_hold
from .intake import order_intake
from .locks import lock_order, lock_order_if_free, lock_order_with_stock, lock_orders, order_sku_ids
from .notes import order_add_note
from .payment import order_record_refund, order_request_refund, order_update_payment
from .privacy import order_anonymize, order_anonymize_expired
from .progress import (
    ALLOCATION_FIELDS,
    ALLOCATION_LINE_FIELDS,
    Allocation,
    order_record_allocation,
    order_record_allocations,
    order_record_allocations_locked,
    order_record_channel_shipment,
    order_record_deallocation,
    order_record_delivery,
    order_record_return,
    order_record_shipment,
)
from .timeline import order_add_event, timeline_event, timeline_record, timeline_write, timeline_write_many

__all__ = [
    "ALLOCATION_FIELDS",
    "ALLOCATION_LINE_FIELDS",
    "Allocation",
    "ChannelUpdate",
    "lock_order",
    "lock_order_if_free",
    "lock_order_with_stock",
    "lock_orders",
    "order_add_event",
    "order_add_note",
    "order_anonymize",
    "order_anonymize_expired",
    "order_apply_channel_update",
    "order_cancel",
    "order_cancel_expired_unpaid",
    "order_cancel_lines",
    "order_edit_address",
    "order_edit_lines",
    "order_hold",
    "order_intake",
    "order_record_allocation",
    "order_record_allocations",
    "order_record_allocations_locked",
    "order_record_channel_shipment",
    "order_record_deallocation",
    "order_record_delivery",
    "order_record_refund",
    "order_record_return",
    "order_record_shipment",
    "order_release_hold",
    "order_request_refund",
    "order_sku_ids",
    "order_update_payment",
    "timeline_event",
    "timeline_record",
    "timeline_write",
    "timeline_write_many",
]
