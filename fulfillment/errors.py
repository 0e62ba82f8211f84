from enum import StrEnum

from oms.core.errors import ConflictError, DomainError, NotFoundError


class FulfillmentErrorCode(StrEnum):
    INVALID_TRANSITION = "invalid_transition"
    ORDER_ON_HOLD = "order_on_hold"
    ORDER_CLOSED = "order_closed"
    WRONG_KIND = "wrong_kind"
    INVALID_QUANTITY = "invalid_quantity"
    LINE_NOT_FOUND = "line_not_found"
    NOT_PICKED = "not_picked"
    NOTHING_TO_MOVE = "nothing_to_move"
    SAME_LOCATION = "same_location"
    LOCATION_UNAVAILABLE = "location_unavailable"
    ALREADY_SHIPPED = "already_shipped"
    REASON_REQUIRED = "reason_required"
    FIELD_REQUIRED = "field_required"
    WORK_IN_PROGRESS = "work_in_progress"


class FulfillmentError(DomainError):
    pass


class FulfillmentConflict(ConflictError):
    pass


class FulfillmentNotFound(NotFoundError):
    pass
