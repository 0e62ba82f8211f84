from django.apps import AppConfig

WIDE_STATEMENT_PARAMS = 4_000
LONG_STATEMENT_BYTES = 32_768


class CoreConfig(AppConfig):
    name = "oms.core"
    label = "core"
    verbose_name = "OMS core"

    def ready(self):
        cache_wide_statements()


def cache_wide_statements() -> None:
    """psycopg remembers how it split a statement's placeholders only for statements of up to 50
    parameters and 4 KB (constants of its own, read on every call; raised here to 4,000 and
    32 KB). An order's insert has more than 60 parameters and sourcing's multi-row writes run
    past 4 KB, so they were split again on every call: about a tenth of intake's statement work
    and a sixth of sourcing's. Its cache keeps the last 128 statements."""
    try:
        from psycopg import _queries
    except ImportError:  # SQLite only
        return
    if getattr(_queries, "MAX_CACHED_STATEMENT_PARAMS", WIDE_STATEMENT_PARAMS) < WIDE_STATEMENT_PARAMS:
        _queries.MAX_CACHED_STATEMENT_PARAMS = WIDE_STATEMENT_PARAMS
    if getattr(_queries, "MAX_CACHED_STATEMENT_LENGTH", LONG_STATEMENT_BYTES) < LONG_STATEMENT_BYTES:
        _queries.MAX_CACHED_STATEMENT_LENGTH = LONG_STATEMENT_BYTES
