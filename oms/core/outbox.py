"""Write domain events to the outbox, always inside the transaction of the change.

Readers that follow the outbox by id (the ERP export) register how far back they still need
it, so the purge never deletes a row one of them has not read."""

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from .bulk import rows_insert
from .models import OutboxEvent
from .signals import outbox_committed


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox events must be written inside the transaction of the change")


def outbox_event(topic: str, *, aggregate_type: str, aggregate_id, payload: dict) -> OutboxEvent:
    """An unsaved event; pass a list of them to `outbox_write`."""
    return OutboxEvent(
        topic=topic,
        aggregate_type=aggregate_type,
        aggregate_id=str(aggregate_id),
        payload=payload,
        created_at=timezone.now(),
    )


def outbox_write(events: list[OutboxEvent]) -> list[OutboxEvent]:
    _require_transaction()
    written = rows_insert(events)
    if outbox_committed.has_listeners():
        topics = frozenset(event.topic for event in written)
        transaction.on_commit(lambda: _announce(topics), robust=True)
    return written


def _announce(topics: frozenset[str]) -> None:
    outbox_committed.send(sender=OutboxEvent, topics=topics)


def outbox_emit(topic: str, *, aggregate_type: str, aggregate_id, payload: dict) -> OutboxEvent:
    return outbox_write(
        [outbox_event(topic, aggregate_type=aggregate_type, aggregate_id=aggregate_id, payload=payload)]
    )[0]


_READERS: list[Callable[[], int | None]] = []


def register_outbox_reader(oldest_needed: Callable[[], int | None]) -> None:
    """`oldest_needed()` answers the lowest outbox id the reader has not read yet (None: none)."""
    if oldest_needed not in _READERS:
        _READERS.append(oldest_needed)


def outbox_oldest_needed() -> int | None:
    """The lowest outbox id some reader still needs; rows from it on must be kept."""
    needed = [oldest for oldest in (reader() for reader in _READERS) if oldest is not None]
    return min(needed, default=None)
