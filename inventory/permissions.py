"""What each role may do with stock, checked by inventory.services (oms.core.authz). Where
warehouse staff act, they act at the locations they work at (services/access.py)."""

from oms.core.authz import SYSTEM, permission
from oms.core.roles import OMS_ADMIN, WAREHOUSE

TRANSFER_DISPATCH = permission("send stock to another location", WAREHOUSE, OMS_ADMIN, SYSTEM)
TRANSFER_RECEIVE = permission("receive a stock transfer", WAREHOUSE, OMS_ADMIN, SYSTEM)
TRANSFER_CANCEL = permission("cancel a stock transfer", WAREHOUSE, OMS_ADMIN, SYSTEM)
CATALOG_WRITE = permission("change the catalog or the locations", OMS_ADMIN, SYSTEM)
