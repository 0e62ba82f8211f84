"""Every write the inbox allows. Callers use `from oms.integrations.inbox import services`."""

from .documents import (
    inbox_correct,
    inbox_process,
    inbox_process_pending,
    inbox_purge,
    inbox_receive,
    inbox_replay,
)

__all__ = [
    "inbox_correct",
    "inbox_process",
    "inbox_process_pending",
    "inbox_purge",
    "inbox_receive",
    "inbox_replay",
]
