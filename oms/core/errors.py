"""Domain errors: every app derives its errors from DomainError.

An error carries a stable machine code (an app's StrEnum member), a message for people
and optional details. The API turns it into problem details, the staff UI into a message.
"""

from enum import StrEnum


class CoreErrorCode(StrEnum):
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    IDEMPOTENCY_KEY_INVALID = "idempotency_key_invalid"
    NOT_FOUND = "not_found"
    NOT_ALLOWED = "not_allowed"
    SERVICE_BUSY = "service_busy"
    INVALID_FIELD = "invalid_field"


class DomainError(Exception):
    """A request the domain refuses. `status` is the HTTP status the API answers with."""

    status = 422

    def __init__(self, code: StrEnum | str, message: str, *, details: dict | None = None):
        super().__init__(message)
        self.code = str(code)
        self.message = message
        self.details = details or {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.message!r})"


class NotFoundError(DomainError):
    status = 404


class ConflictError(DomainError):
    """The request is valid but the current state forbids it (a transition, a race)."""

    status = 409


class ForbiddenError(DomainError):
    status = 403
