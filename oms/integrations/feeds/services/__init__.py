from .collect import feed_collect_changes
from .push import (
    feed_claim_changes,
    feed_claim_full,
    feed_push_due,
    feed_push_full_all,
    feed_push_retry,
    feed_push_send,
    feed_recover_lost,
)


def feed_tick(*, now=None) -> list:
    """The frequent scheduled step: collect the stock changes, push what is due."""
    feed_collect_changes()
    return feed_push_due(now=now)


__all__ = [
    "feed_claim_changes",
    "feed_claim_full",
    "feed_collect_changes",
    "feed_push_due",
    "feed_push_full_all",
    "feed_push_retry",
    "feed_push_send",
    "feed_recover_lost",
    "feed_tick",
]
