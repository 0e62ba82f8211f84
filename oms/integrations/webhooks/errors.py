from enum import StrEnum

from oms.core.errors import DomainError


class WebhookErrorCode(StrEnum):
    UNSAFE_URL = "unsafe_url"
    INVALID_EVENTS = "invalid_events"
    INVALID_SECRET = "invalid_secret"  # noqa: S105 (an error code)
    INVALID_RANGE = "invalid_range"


class WebhookError(DomainError):
    status = 400
