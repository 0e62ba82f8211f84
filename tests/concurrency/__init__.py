"""Races with real threads against PostgreSQL, for the `postgres`-marked tests."""

import threading

from celery._state import _set_task_join_will_block, task_join_will_block
from django.db import connection


def run_together(work, count: int, *, timeout: float = 120) -> list:
    """Run work(index) in `count` threads released at the same instant; return each worker's
    result, or the exception it met (the test decides what it expected)."""
    join_will_block = task_join_will_block()
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def target(index):
        try:
            barrier.wait(timeout=30)
            results[index] = work(index)
        except Exception as exc:  # the test inspects what each worker met
            results[index] = exc
        finally:
            connection.close()  # each thread has its own connection; leave none open

    threads = [threading.Thread(target=target, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a worker hung"
    # An eager Celery task sets a process-wide "inside a task" flag and restores the value it
    # found; threads running tasks at once can leave it set, and every later `.get()` in this
    # process would refuse ("Never call result.get() within a task!").
    _set_task_join_will_block(join_will_block)
    return results
