"""Transactions: one decorator for services, and a retry loop as the last line of defence.

Every service is `@transactional`: all or nothing. Called from outside any transaction (a
view, a task, an admin action) it runs in its own, retried as below; called by another
service it joins the caller's transaction (no savepoint: nothing would roll back to it).

Writers take their row locks in one order (design section 2), so deadlocks should not
happen. When one still does, or a serialization failure, or a lock helper finds that the
rows it must lock changed between its read and its lock (`RetryTransaction`), `run_atomic`
runs the whole transaction again, a bounded number of times, then gives up with
`ServiceBusy` (503 with Retry-After), never a 500.
"""

import logging
import random
import time
from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from django.db import IntegrityError, connection, transaction

from .errors import CoreErrorCode, DomainError

logger = logging.getLogger(__name__)
T = TypeVar("T")

#: PostgreSQL SQLSTATEs worth a second attempt of the whole transaction.
TRANSIENT_SQLSTATES = {
    "40P01": "deadlock detected",
    "40001": "serialization failure",
    "55P03": "lock not available",
}
ATTEMPTS = 4
RETRY_AFTER_SECONDS = 1


class RetryTransaction(Exception):
    """Raised inside a transaction that must start again from the beginning (the rows a lock
    helper had to lock changed between its read and its lock; a natural key was taken by a
    concurrent insert). Only `run_atomic` catches it."""


class ServiceBusy(DomainError):
    """The database stayed contended through every attempt; the client should retry soon."""

    status = 503

    def __init__(self, message: str, *, details: dict | None = None):
        super().__init__(CoreErrorCode.SERVICE_BUSY, message, details=details)
        self.retry_after = RETRY_AFTER_SECONDS


def for_update(queryset, *, skip_locked: bool = False):
    """The one way the OMS locks rows (each app's lock module calls it): only the queried
    table's rows (`OF self`: a join for reading locks nothing else), and `FOR NO KEY UPDATE`,
    which excludes other writers of those rows but not inserts that merely reference them (a
    movement naming a locked stock level, an event naming a locked order)."""
    skip_locked = skip_locked and connection.features.has_select_for_update_skip_locked
    return queryset.select_for_update(of=("self",), no_key=True, skip_locked=skip_locked)


def transient_reason(exc: BaseException) -> str | None:
    """Why `exc` is worth running the transaction again, or None."""
    if isinstance(exc, RetryTransaction):
        return str(exc) or "lock set changed"
    seen = exc
    while seen is not None:
        state = getattr(seen, "sqlstate", None) or getattr(seen, "pgcode", None)
        if state in TRANSIENT_SQLSTATES:
            return TRANSIENT_SQLSTATES[state]
        seen = seen.__cause__
    return None


def retry_on_conflict(exc: IntegrityError, columns: tuple[str, ...], message: str) -> None:
    """Inside a transaction: turn a unique violation on one of `columns` (a concurrent insert of
    the same natural key won) into RetryTransaction, so that the next attempt finds that row.
    The database names the constraint (PostgreSQL) or the columns (SQLite) in its message."""
    text = str(exc)
    if any(column in text for column in columns):
        raise RetryTransaction(message) from exc


def in_transaction() -> bool:
    """Inside a transaction of our own? A test case's wrapping transaction does not count:
    like Django's `durable` check, code behaves under it as it does in production."""
    connection = transaction.get_connection()
    return connection.in_atomic_block and any(not block._from_testcase for block in connection.atomic_blocks)


def run_atomic(work: Callable[[], T], *, attempts: int = ATTEMPTS) -> T:
    """Run `work()` in its own transaction, again on a transient failure; ServiceBusy when every
    attempt failed. Inside an outer transaction it just runs `work()` there: only the outermost
    caller can start a transaction again."""
    if in_transaction():
        return work()
    for attempt in range(1, attempts + 1):
        try:
            with transaction.atomic():
                return work()
        except Exception as exc:
            reason = transient_reason(exc)
            if reason is None:
                raise
            if attempt == attempts:
                logger.warning("transaction gave up after %d attempts: %s", attempts, reason)
                raise ServiceBusy(
                    "The system is busy with concurrent changes to the same records; try again.",
                    details={"reason": reason, "attempts": attempts},
                ) from exc
            logger.info("transaction attempt %d met %s; running it again", attempt, reason)
            time.sleep(random.uniform(0.005, 0.02) * attempt)
    raise AssertionError("unreachable")


def transactional(function: Callable[..., T]) -> Callable[..., T]:
    """Decorator for services: `run_atomic` around every call."""

    @wraps(function)
    def wrapper(*args, **kwargs):
        return run_atomic(lambda: function(*args, **kwargs))

    return wrapper
