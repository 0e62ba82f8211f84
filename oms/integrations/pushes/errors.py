from enum import StrEnum

from oms.core.errors import ConflictError


class PushErrorCode(StrEnum):
    NOT_FAILED = "push_not_failed"


class PushConflict(ConflictError):
    pass
