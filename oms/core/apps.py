from django.apps import AppConfig

WIDE_STATEMENT_PARAMS = 200


class CoreConfig(AppConfig):
    name = "oms.core"
    label = "core"
    verbose_name = "OMS core"

    def ready(self):
        cache_wide_statements()


def cache_wide_statements() -> None:
    """psycopg remembers how it split a statement's placeholders only for statements of up to 50
    parameters (a constant of its own, read on every call). An order's insert has more than 60,
    so intake split that text again on every order, about a tenth of its statement work."""
    try:
        from psycopg import _queries
    except ImportError:  # SQLite only
        return
    if getattr(_queries, "MAX_CACHED_STATEMENT_PARAMS", WIDE_STATEMENT_PARAMS) < WIDE_STATEMENT_PARAMS:
        _queries.MAX_CACHED_STATEMENT_PARAMS = WIDE_STATEMENT_PARAMS
