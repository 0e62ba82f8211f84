"""What each principal may do with returns and refunds, checked by returns.services themselves
(oms.core.authz); the RMA's FSM transitions name the same permissions. Receiving also needs the
warehouse staff to work at the receiving location (inventory.services.works_at)."""

from oms.core.authz import SYSTEM, permission
from oms.core.roles import CHANNEL, CUSTOMER_SERVICE, OMS_ADMIN, WAREHOUSE


def _channel(rma) -> int:
    return rma.order.channel_id


AGENTS = (CUSTOMER_SERVICE, OMS_ADMIN)

RETURN_AUTHORIZE = permission("authorize a return", *AGENTS, SYSTEM)
RETURN_REJECT = permission("reject a return", *AGENTS, SYSTEM)
RETURN_CANCEL = permission("cancel a return", *AGENTS, SYSTEM, CHANNEL, channel_of=_channel)
RETURN_TRACKING = permission("change a return's tracking", *AGENTS, SYSTEM, CHANNEL, channel_of=_channel)
RETURN_RECEIVE = permission("receive a return", WAREHOUSE, OMS_ADMIN, SYSTEM)
RETURN_REFUND = permission("refund a return", *AGENTS, SYSTEM)
REFUND_RESEND = permission("send a refund again", *AGENTS, SYSTEM)
RETURN_EXCHANGE = permission("exchange a return", *AGENTS, SYSTEM)
