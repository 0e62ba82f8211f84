"""Races with real threads against PostgreSQL, for the `postgres`-marked tests."""

import threading

from django.db import connection


def run_together(work, count: int, *, timeout: float = 120) -> list:
    """Run work(index) in `count` threads released at the same instant; return each worker's
    result, or the exception it met (the test decides what it expected)."""
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
    return results
