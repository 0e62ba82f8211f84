"""Signals inventory sends (design section 6). Sent only from inventory.services."""

from django.dispatch import Signal

#: Stock arrived (receipt or return restock). kwargs: sku_ids (list[int]), location_id (int).
#: Sent inside the transaction; receivers enqueue their work with transaction.on_commit.
stock_received = Signal()
