"""Signals the kernel sends (design section 6)."""

from django.dispatch import Signal

#: New outbox rows have committed (sent once per `outbox_write`, after the commit). The webhook
#: dispatcher listens; a receiver only enqueues work, and a lost signal loses nothing (the
#: rows stay pending until a scheduled sweep hands them over).
outbox_committed = Signal()
