"""The outbox tells us it has new rows (after their transaction committed): collect the pushes
they call for now rather than at the next sweep, with at most one collector waiting at a time.
Connected from AppConfig.ready() when OMS_CHANNEL_PUSHES_ON_COMMIT is on (off in the test
settings; the push tests connect it)."""

import logging

from oms.core.signals import outbox_committed
from oms.core.wakeups import wake

logger = logging.getLogger(__name__)
DISPATCH_UID = "pushes.collect_on_commit"


def collect_after_commit(sender, topics=None, **kwargs):
    """Only rows of the topics the collector reads wake it: under load most commits are intake
    and sourcing (`order.accepted`, `order.allocated`), which call for no push."""
    from .services.collect import TOPICS
    from .tasks import COLLECT_KEY, pushes_collect

    if topics is not None and topics.isdisjoint(TOPICS):
        return
    try:
        wake(pushes_collect, COLLECT_KEY)
    except Exception:  # a broker outage must not fail a change that has committed: the sweep runs
        logger.warning("could not enqueue the push collector; the sweep will run it", exc_info=True)


def connect() -> None:
    outbox_committed.connect(collect_after_commit, dispatch_uid=DISPATCH_UID)


def disconnect() -> None:
    outbox_committed.disconnect(dispatch_uid=DISPATCH_UID)
