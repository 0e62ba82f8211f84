"""Feed tasks (names under "feeds." so they route to the feeds queue): thin and idempotent."""

from celery import shared_task

from . import services


@shared_task(name="feeds.tick")
def tick() -> int:
    return len(services.feed_tick())


@shared_task(name="feeds.push_full")
def push_full() -> int:
    return len(services.feed_push_full_all())


@shared_task(name="feeds.send_push")
def send_push(push_id: int) -> str:
    return services.feed_push_send(push_id=push_id).status
