"""What each principal may configure in fulfillment, checked by fulfillment.services
(oms.core.authz): routing rules are an admin's."""

from oms.core.authz import SYSTEM, permission
from oms.core.roles import OMS_ADMIN

ROUTING_RULE_WRITE = permission("change routing rules", OMS_ADMIN, SYSTEM)
