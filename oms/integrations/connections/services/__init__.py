from .connections import (
    connection_begin_pull,
    connection_end_pull,
    connection_save,
    connection_set_cursor,
    validate_connection,
)

__all__ = [
    "connection_begin_pull",
    "connection_end_pull",
    "connection_save",
    "connection_set_cursor",
    "validate_connection",
]
