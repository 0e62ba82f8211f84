"""Webhook tasks: thin and idempotent. The database says what is due; a task is a wake-up, and
running one twice sends nothing twice (a chain's head is claimed with a lease)."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from oms.core.wakeups import wake, woken

from . import services

#: A retry further out than this is left to the sweep: a Redis task with an ETA beyond the
#: broker's visibility timeout would be handed out again and again.
MAX_COUNTDOWN = timedelta(minutes=5)
#: While this key is set a dispatcher run is on its way (queued, not started): commits need not
#: send another.
WAKE_KEY = "webhooks:dispatch-woken"


def wake_dispatcher() -> None:
    """Dispatch the outbox now in process (no broker), or enqueue the dispatcher unless a run
    is already waiting to start (it will hand over these rows too). The run starts
    OMS_WAKE_GATHER_SECONDS after its wake-up, so the commits made meanwhile join it (as
    sourcing does, fulfillment.tasks.nudge_sourcing): a busy intake wakes it a few times a
    second, not once an order."""
    wake(dispatch_outbox, WAKE_KEY)


@shared_task(name="webhooks.dispatch_outbox")
def dispatch_outbox() -> int:
    woken(WAKE_KEY)  # before claiming: a commit from now on wakes another run
    return services.outbox_dispatch()


@shared_task(name="webhooks.deliver_chain")
def deliver_chain(endpoint_id: int, aggregate_type: str, aggregate_id: str) -> int:
    sent, then = services.delivery_chain_run(
        endpoint_id=endpoint_id, aggregate_type=aggregate_type, aggregate_id=aggregate_id
    )
    if deliver_chain.app.conf.task_always_eager:
        return sent  # in process (no broker) a retry waits for an admin or the next change
    if then == "more":
        deliver_chain.delay(endpoint_id, aggregate_type, aggregate_id)
    elif then is not None and then - timezone.now() <= MAX_COUNTDOWN:
        deliver_chain.apply_async((endpoint_id, aggregate_type, aggregate_id), eta=then)
    return sent


@shared_task(name="webhooks.sweep")
def sweep(endpoint_id: int | None = None) -> int:
    """Hand over pending outbox rows and wake every chain with a delivery due."""
    services.outbox_dispatch()
    chains = services.due_chains(endpoint_id=endpoint_id)
    services.wake_chains(set(chains))
    return len(chains)


@shared_task(name="webhooks.purge_outbox")
def purge_outbox() -> int:
    return services.outbox_purge()
