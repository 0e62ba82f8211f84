"""Every change of stock. Each function is atomic, locks the stock rows it changes in
primary-key order (one statement), and writes a ledger movement per change.

Lock order (locks.py, design section 2): a caller that touches stock and its own rows in one
transaction (sourcing, shipping, cancelling, receiving a return) calls `stock_lock` first,
for every level the step touches, and passes the result on as `locked=`.
"""

from .access import require_works_at, works_at
from .catalog import location_create, location_save, location_update, sku_create, sku_save, sku_update
from .ledger import ReservationRequest, StockLine
from .locks import LockedStock
from .reservations import Take, stock_consume, stock_lock, stock_release, stock_reserve
from .stock import (
    normalize_bin,
    stock_adjust,
    stock_count,
    stock_import_levels,
    stock_receive,
    stock_restock_returns,
    stock_set_bin,
    stock_set_bins,
    stock_set_safety,
)
from .transfers import transfer_cancel, transfer_dispatch, transfer_receive

__all__ = [
    "LockedStock",
    "ReservationRequest",
    "StockLine",
    "Take",
    "location_create",
    "location_save",
    "location_update",
    "normalize_bin",
    "require_works_at",
    "sku_create",
    "sku_save",
    "sku_update",
    "stock_adjust",
    "stock_consume",
    "stock_count",
    "stock_import_levels",
    "stock_lock",
    "stock_receive",
    "stock_release",
    "stock_reserve",
    "stock_restock_returns",
    "stock_set_bin",
    "stock_set_bins",
    "stock_set_safety",
    "transfer_cancel",
    "transfer_dispatch",
    "transfer_receive",
    "works_at",
]
