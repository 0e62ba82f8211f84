from enum import StrEnum

from oms.core.errors import ConflictError, DomainError, NotFoundError


class OrderErrorCode(StrEnum):
    UNKNOWN_CHANNEL = "unknown_channel"
    CHANNEL_MISMATCH = "channel_mismatch"
    INVALID_TRANSITION = "invalid_transition"
    ORDER_CLOSED = "order_closed"
    ON_HOLD = "on_hold"
    NO_OPEN_HOLD = "no_open_hold"
    HOLD_NOT_FOUND = "hold_not_found"
    NOTHING_TO_CANCEL = "nothing_to_cancel"
    QUANTITY_TOO_HIGH = "quantity_too_high"
    ALREADY_SHIPPED = "already_shipped"
    LINE_NOT_FOUND = "line_not_found"
    ALREADY_ANONYMIZED = "already_anonymized"
    UNKNOWN_SKU = "unknown_sku"
    STILL_ALLOCATED = "still_allocated"
    INVALID_AMOUNT = "invalid_amount"
    REFUND_TOO_HIGH = "refund_too_high"
    NOTHING_TO_CHANGE = "nothing_to_change"
    INVALID_PICKUP_LOCATION = "invalid_pickup_location"
    REASON_REQUIRED = "reason_required"
    PAYMENT_NOT_AUTHORIZED = "payment_not_authorized"
    PROBLEM_NOT_FIXED = "problem_not_fixed"
    PICKUP_ORDER = "pickup_order"
    AMOUNT_TOO_LARGE = "amount_too_large"


class OrderError(DomainError):
    pass


class OrderConflict(ConflictError):
    pass


class OrderNotFound(NotFoundError):
    pass
