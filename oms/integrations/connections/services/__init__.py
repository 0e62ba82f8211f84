from .connections import connection_save, connection_set_cursor, validate_connection

__all__ = ["connection_save", "connection_set_cursor", "validate_connection"]
