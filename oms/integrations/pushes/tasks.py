"""Channel push tasks (queue `channel`): thin and idempotent. The database says what is due;
a task is told which attempt it makes, so running one twice sends nothing twice."""

from celery import shared_task
from django.conf import settings

from oms.core.wakeups import woken

from . import services

#: While this key is set a collector run is on its way: commits need not send another.
COLLECT_KEY = "pushes:collect-woken"

#: A retry further out than this is left to the sweep: a Redis task with an ETA beyond the
#: broker's visibility timeout would be handed out again and again.
MAX_COUNTDOWN = 5 * 60


@shared_task(name="channel.push_send", bind=True, max_retries=None, ignore_result=True)
def push_send(self, push_id: int, attempt: int | None = None) -> str:
    outcome = services.push_send(push_id=push_id, attempt=attempt)
    if self.app.conf.task_always_eager:
        # In process (no broker): a retry waits for the sweep; the tests make the retries at
        # once, as a worker does when the countdown is over.
        while settings.OMS_CHANNEL_PUSH_RETRY_IN_PROCESS and outcome and outcome.retry_in is not None:
            outcome = services.push_send(push_id=push_id, attempt=outcome.attempts)
    elif outcome is not None and outcome.retry_in is not None and outcome.retry_in <= MAX_COUNTDOWN:
        raise self.retry(args=(push_id, outcome.attempts), kwargs={}, countdown=outcome.retry_in)
    return outcome.status if outcome else "skipped"


@shared_task(name="channel.pushes_collect", ignore_result=True)
def pushes_collect() -> int:
    woken(COLLECT_KEY)
    return len(services.pushes_collect())


@shared_task(name="channel.pushes_sweep", ignore_result=True)
def pushes_sweep() -> int:
    """Collect what the outbox has for the channels and wake every push that is due."""
    services.pushes_collect()
    due = services.due_pushes()
    services.wake(due)
    return len(due)
