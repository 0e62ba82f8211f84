"""Which topics some active endpoint subscribes to, remembered per process for a few seconds:
the after-commit receiver asks it for every outbox commit, and wakes the dispatcher only when a
committed topic has a subscriber (under load most commits are intake and sourcing rows that no
endpoint may want; without endpoints the dispatcher ran as often as sourcing, for nothing).

A change to an endpoint in this process forgets the memo at once; other processes see it within
MEMO_SECONDS. A row nobody was woken for is not lost: it stays pending and the scheduled sweep
hands it over (the dispatcher matches rows to the endpoints active when it runs)."""

import time

from django.db.models.signals import post_delete, post_save

from .events import topic_matches
from .models import WebhookEndpoint

MEMO_SECONDS = 5.0
_memo: tuple[float, list[str]] | None = None  # (valid until, patterns)


def subscribed_patterns() -> list[str]:
    global _memo
    now = time.monotonic()
    if _memo is None or _memo[0] <= now:
        patterns = set()
        for events in WebhookEndpoint.objects.filter(active=True).values_list("events", flat=True):
            patterns.update(events or [])
        _memo = (now + MEMO_SECONDS, sorted(patterns))
    return _memo[1]


def any_subscribed(topics) -> bool:
    patterns = subscribed_patterns()
    return any(topic_matches(patterns, topic) for topic in topics)


def forget(**kwargs) -> None:
    global _memo
    _memo = None


post_save.connect(forget, sender=WebhookEndpoint, dispatch_uid="webhooks.subscriptions.saved")
post_delete.connect(forget, sender=WebhookEndpoint, dispatch_uid="webhooks.subscriptions.deleted")
