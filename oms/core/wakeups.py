"""Wake-ups: a commit asks for a background run soon, and at most one run waits at a time.

A woken task reads what is due from the database, so one run covers every commit made while it
waited in the queue. `wake` sets the task's key when it enqueues it; the task calls `woken` as it
starts, so a commit from then on wakes another run. The key expires on its own should the run be
lost (the task's beat sweep covers that). Without a broker the run happens now, in process.
"""

from celery import current_app
from django.conf import settings
from django.core.cache import cache

EXPIRES_SECONDS = 30


def wake(task, key: str) -> None:
    """Run `task` now in process (no broker), or enqueue it unless a run is already waiting. It
    starts OMS_WAKE_GATHER_SECONDS later, so the commits made meanwhile join its run: a busy
    intake wakes each batch task a few times a second, not once an order."""
    if current_app.conf.task_always_eager:
        task.delay()
    elif cache.add(key, 1, timeout=EXPIRES_SECONDS):
        task.apply_async(countdown=settings.OMS_WAKE_GATHER_SECONDS)


def woken(key: str) -> None:
    cache.delete(key)
