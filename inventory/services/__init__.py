"""Every change of stock. Each function is atomic, locks the stock rows it changes in
primary-key order (one statement), and writes a ledger movement per change.

Lock order rule for callers that touch several levels in one transaction (sourcing,
re-sourcing): call `stock_lock_for_allocation` first, for every SKU involved, so that
all later locks in the transaction are on rows already held.
"""

from .catalog import location_create, location_update, sku_create, sku_update
from .ledger import ReservationRequest, StockLine
from .reservations import stock_consume, stock_lock_for_allocation, stock_release, stock_reserve
from .stock import (
    stock_adjust,
    stock_count,
    stock_import_levels,
    stock_receive,
    stock_restock_return,
    stock_set_safety,
    stock_transfer,
)

__all__ = [
    "ReservationRequest",
    "StockLine",
    "location_create",
    "location_update",
    "sku_create",
    "sku_update",
    "stock_adjust",
    "stock_consume",
    "stock_count",
    "stock_import_levels",
    "stock_lock_for_allocation",
    "stock_receive",
    "stock_release",
    "stock_reserve",
    "stock_restock_return",
    "stock_set_safety",
    "stock_transfer",
]
