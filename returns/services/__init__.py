"""Every write the returns domain allows. Callers use `from returns import services`."""

from .exchange import return_exchange, returned_value
from .receiving import return_receive
from .refunds import refund_resend, refund_send, return_refund
from .rma import return_authorize, return_cancel, return_create, return_reject, return_update_tracking

__all__ = [
    "refund_resend",
    "refund_send",
    "return_authorize",
    "return_cancel",
    "return_create",
    "return_exchange",
    "return_receive",
    "return_refund",
    "return_reject",
    "return_update_tracking",
    "returned_value",
]
