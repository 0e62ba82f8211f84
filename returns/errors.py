from enum import StrEnum

from oms.core.errors import ConflictError, DomainError, ForbiddenError, NotFoundError


class ReturnErrorCode(StrEnum):
    # Creating a return
    NO_LINES = "no_lines"
    DUPLICATE_LINE = "duplicate_line"
    LINE_NOT_ON_ORDER = "line_not_on_order"
    ORDER_NOT_SHIPPED = "order_not_shipped"
    NOT_RETURNABLE = "not_returnable"
    QUANTITY_TOO_HIGH = "quantity_too_high"
    INVALID_QUANTITY = "invalid_quantity"
    INVALID_REASON = "invalid_reason"
    WRONG_CHANNEL = "wrong_channel"
    # The return's life
    INVALID_TRANSITION = "invalid_transition"
    ALREADY_RECEIVED = "already_received"
    REASON_REQUIRED = "reason_required"
    # Receiving
    LINE_NOT_ON_RETURN = "line_not_on_return"
    RECEIVE_TOO_MANY = "receive_too_many"
    INVALID_CONDITION = "invalid_condition"
    INVALID_DISPOSITION = "invalid_disposition"
    LOCATION_NOT_ALLOWED = "location_not_allowed"
    LOCATION_MISMATCH = "location_mismatch"
    # Refunds
    NOTHING_TO_REFUND = "nothing_to_refund"
    REFUND_TOO_MANY = "refund_too_many"
    REFUND_EXCEEDS_ORDER = "refund_exceeds_order"
    SHIPPING_ALREADY_REFUNDED = "shipping_already_refunded"
    INVALID_AMOUNT = "invalid_amount"
    ORDER_NOT_PAID = "order_not_paid"
    ALREADY_EXCHANGED = "already_exchanged"
    ALREADY_REFUNDED = "already_refunded"
    # Exchanges
    NO_EXCHANGE_LINES = "no_exchange_lines"
    UNKNOWN_SKU = "unknown_sku"


class ReturnError(DomainError):
    pass


class ReturnConflict(ConflictError):
    pass


class ReturnNotFound(NotFoundError):
    pass


class ReturnForbidden(ForbiddenError):
    pass
