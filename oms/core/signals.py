"""Signals the kernel sends (design section 6)."""

from django.dispatch import Signal

#: New outbox rows have committed (sent once per `outbox_write`, after the commit, with
#: `topics`: the set of their topics). The webhook dispatcher and the channel-push collector
#: listen; a receiver only enqueues work, and a lost signal loses nothing (the rows stay
#: pending until a scheduled sweep hands them over).
outbox_committed = Signal()
