"""Channel push services: collect pushes from the outbox, send them, retry failed ones."""

from .collect import push_key, pushes_collect, pushes_create, pushes_for, wake
from .retry import push_retry, pushes_retry
from .send import Outcome, backoff, due_pushes, push_send

__all__ = [
    "Outcome",
    "backoff",
    "due_pushes",
    "push_key",
    "push_retry",
    "push_send",
    "pushes_collect",
    "pushes_create",
    "pushes_for",
    "pushes_retry",
    "wake",
]
