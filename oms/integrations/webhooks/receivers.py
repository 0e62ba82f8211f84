"""The outbox tells us it has new rows (after their transaction committed): dispatch them now
rather than at the next sweep. Enqueueing is all that happens here; no query runs in the
request that made the change, and at most one wake-up waits at a time (the dispatcher hands
over every pending row, so the commits made while one is queued need no other). Connected from
AppConfig.ready() when OMS_WEBHOOKS_DISPATCH_ON_COMMIT is on (off in the test settings: other
apps' tests then see no extra commit callback; the webhook tests connect it)."""

import logging

from oms.core.signals import outbox_committed

logger = logging.getLogger(__name__)
DISPATCH_UID = "webhooks.dispatch_on_commit"


def dispatch_after_commit(sender, topics=None, **kwargs):
    """Only rows of a topic some active endpoint subscribes to wake the dispatcher."""
    from .subscriptions import any_subscribed
    from .tasks import wake_dispatcher

    try:
        if topics is not None and not any_subscribed(topics):
            return
        wake_dispatcher()
    except Exception:  # a broker or database outage must not fail a committed change: the sweep runs
        logger.warning("could not enqueue the webhook dispatcher; the scheduled sweep will run it")


def connect() -> None:
    outbox_committed.connect(dispatch_after_commit, dispatch_uid=DISPATCH_UID)


def disconnect() -> None:
    outbox_committed.disconnect(dispatch_uid=DISPATCH_UID)
