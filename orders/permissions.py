"""What each principal may do with orders, checked by orders.services themselves
(oms.core.authz), so that the API, the staff pages, the admin, imports and tasks share one
rule. The FSM transitions of Order name the same permissions.

SYSTEM is the OMS's own work (tasks: payment expiry, sourcing failures, anonymization). A
channel acts only on its own orders.
"""

from oms.core.authz import SYSTEM, permission
from oms.core.roles import CHANNEL, CUSTOMER_SERVICE, OMS_ADMIN


def _channel(order) -> int:
    return order.channel_id


AGENTS = (CUSTOMER_SERVICE, OMS_ADMIN)

#: A channel holds its own orders when what it sent cannot be applied as is (an update to a
#: line already shipped); it records the refunds it made itself.
ORDER_HOLD = permission("put an order on hold", *AGENTS, SYSTEM, CHANNEL, channel_of=_channel)
ORDER_RELEASE_HOLD = permission("release a hold", *AGENTS, SYSTEM)
#: Releasing a payment hold before the payment is authorized or paid: a person decides.
ORDER_OVERRIDE_HOLD = permission("release a hold by override", *AGENTS)
ORDER_CANCEL = permission("cancel an order", *AGENTS, SYSTEM, CHANNEL, channel_of=_channel)
ORDER_EDIT = permission("edit an order", *AGENTS, SYSTEM, CHANNEL, channel_of=_channel)
ORDER_PAYMENT = permission("change an order's payment status", *AGENTS, SYSTEM, CHANNEL, channel_of=_channel)
ORDER_REFUND = permission("record a refund", *AGENTS, SYSTEM, CHANNEL, channel_of=_channel)
ORDER_ANONYMIZE = permission("anonymize an order", OMS_ADMIN, SYSTEM)
