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
    WRONG_ITEM = "wrong_item"
    OVER_PICK = "over_pick"
    ALREADY_PICKED = "already_picked"
    UNKNOWN_CARRIER = "unknown_carrier"
    INVALID_TRACKING = "invalid_tracking"
    PACKAGE_NOT_FOUND = "package_not_found"
    CHANGE_UNCONFIRMED = "change_unconfirmed"
    NOTHING_TO_CONFIRM = "nothing_to_confirm"
    NOT_IN_BATCH = "not_in_batch"


class FulfillmentError(DomainError):
    pass


class FulfillmentConflict(ConflictError):
    pass


class FulfillmentNotFound(NotFoundError):
    pass
