"""The outbox tells us it has new rows (after their transaction committed): collect the pushes
they call for now rather than at the next sweep. Connected from AppConfig.ready() when
OMS_CHANNEL_PUSHES_ON_COMMIT is on (off in the test settings; the push tests connect it)."""

import logging

from django.db import transaction

from oms.core.signals import outbox_committed

logger = logging.getLogger(__name__)
DISPATCH_UID = "pushes.collect_on_commit"


def collect_after_commit(sender, **kwargs):
    from .tasks import pushes_collect

    def enqueue():
        try:
            pushes_collect.delay()
        except Exception:  # a broker outage must not fail a change that has committed: the sweep runs
            logger.warning("could not enqueue the push collector; the sweep will run it", exc_info=True)

    transaction.on_commit(enqueue)


def connect() -> None:
    outbox_committed.connect(collect_after_commit, dispatch_uid=DISPATCH_UID)


def disconnect() -> None:
    outbox_committed.disconnect(dispatch_uid=DISPATCH_UID)
