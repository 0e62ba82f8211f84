"""Celery task failures by task name for /metrics. Workers are other processes (other hosts),
so with a broker each failure is counted in a Redis hash that the web process reads at scrape
time; without one (tasks run in process) in this process's memory.

A failure is a task that ended with an exception after its retries; a retry is not one.
"""

import logging
from collections import Counter

from celery.signals import task_failure
from django.conf import settings
from prometheus_client.core import CounterMetricFamily

logger = logging.getLogger(__name__)

REDIS_KEY = "oms:celery:task_failures"
_in_process: Counter = Counter()


def _redis():
    import redis

    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)


@task_failure.connect(dispatch_uid="oms.security.task_metrics.count_task_failure")
def count_task_failure(sender=None, **kwargs):
    name = getattr(sender, "name", None) or "unknown"
    if not settings.REDIS_URL:
        _in_process[name] += 1
        return
    try:
        _redis().hincrby(REDIS_KEY, name, 1)
    except Exception:  # a metric must never hide the failure being counted
        logger.warning("could not count the failure of task %s", name, exc_info=True)


def task_failures() -> dict[str, int]:
    if not settings.REDIS_URL:
        return dict(_in_process)
    counts = _redis().hgetall(REDIS_KEY)
    return {name.decode(): int(count) for name, count in counts.items()}


class TaskFailureCollector:
    def collect(self):
        family = CounterMetricFamily(
            "oms_celery_task_failures", "Celery tasks that failed after their retries", labels=["task"]
        )
        try:
            failures = task_failures()
        except Exception:  # Redis down: the rest of /metrics still answers
            logger.warning("could not read the task failure counts", exc_info=True)
            return
        for name, count in sorted(failures.items()):
            family.add_metric([name], count)
        yield family
