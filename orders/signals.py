"""Signals the orders app sends (design section 6). Sent only from orders.services,
inside the transaction of the change; fulfillment connects to them in fulfillment/receivers.py.

Every signal is sent with sender=Order and these keyword arguments:
"""

from django.dispatch import Signal

#: A new order was accepted (intake). kwargs: order.
#: Fulfillment sources the order's unallocated quantities and reserves stock.
order_accepted = Signal()

#: The last open hold was released. kwargs: order.
#: Fulfillment sources whatever is still unallocated (lines fixed while on hold).
order_released = Signal()

#: Lines or address changed before shipping. kwargs: order, line_ids (lines whose quantity or
#: SKU changed, or that were added), address_changed (bool).
#: Fulfillment releases the changed lines' open work and sources them again.
order_edited = Signal()

#: Line quantities are being cancelled. kwargs: order, quantities ({order_line_id: units}).
#: Sent BEFORE the lines' quantity_cancelled is raised: fulfillment frees that many units from
#: open (unshipped) work first, releasing their reservations and lowering quantity_allocated
#: through orders.services.order_record_deallocation; it raises a ConflictError if it cannot.
order_lines_cancelled = Signal()

#: The order's customer was anonymized (orders.services.privacy). kwargs: order, scrub (a function:
#: free text -> the same text without the customer's personal data). Returns scrubs its texts.
order_anonymized = Signal()
