from enum import StrEnum

from oms.core.errors import ConflictError, DomainError, ForbiddenError, NotFoundError


class InventoryErrorCode(StrEnum):
    UNKNOWN_SKU = "unknown_sku"
    UNKNOWN_LOCATION = "unknown_location"
    INVALID_QUANTITY = "invalid_quantity"
    SAME_LOCATION = "same_location"
    REASON_REQUIRED = "reason_required"
    INSUFFICIENT_STOCK = "insufficient_stock"
    BELOW_RESERVED = "below_reserved"
    NOTHING_TO_RELEASE = "nothing_to_release"
    LOCATION_NOT_ALLOWED = "location_not_allowed"
    LOCATION_INACTIVE = "location_inactive"
    INVALID_TRANSITION = "invalid_transition"
    INVALID_FIELD = "invalid_field"


class InventoryError(DomainError):
    pass


class InventoryNotFound(NotFoundError):
    pass


class InventoryConflict(ConflictError):
    pass


class InventoryForbidden(ForbiddenError):
    pass


class InsufficientStock(ConflictError):
    """Not enough available stock; `details["shortages"]` lists what was missing."""

    def __init__(self, shortages: list[dict]):
        super().__init__(
            InventoryErrorCode.INSUFFICIENT_STOCK,
            "Not enough available stock.",
            details={"shortages": shortages},
        )
        self.shortages = shortages
