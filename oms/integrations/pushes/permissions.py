from oms.core.authz import permission
from oms.core.roles import CUSTOMER_SERVICE, OMS_ADMIN

#: Send a failed channel push again (the desk's exceptions queue, the admin).
PUSH_RETRY = permission("send a channel push again", CUSTOMER_SERVICE, OMS_ADMIN)
