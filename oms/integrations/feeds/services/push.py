"""Pushes: a channel's pending SKUs claimed at most once per its interval (under its feed
settings row's lock, skipped by a second worker), or all its listed SKUs on the schedule;
then the items built and sent through the channel's adapter, and the push logged."""

import time
from datetime import timedelta

from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from oms.core.adapters import AdapterError, get_adapter, supports_inventory_feed
from oms.core.transactions import for_update, transactional

from ..models import FeedPending, FeedPush, FeedSettings
from ..selectors import feed_items

Status = FeedPush.Status


def _lock_settings(channel_id: int) -> FeedSettings | None:
    """The channel's enabled feed settings, locked; None when disabled or another worker has them."""
    return for_update(
        FeedSettings.objects.filter(channel_id=channel_id, enabled=True), skip_locked=True
    ).first()


@transactional
def feed_claim_changes(*, channel_id: int, now=None) -> FeedPush | None:
    """The channel's pending SKUs as one push, once its interval has passed since the last push
    and the oldest change has waited `debounce_seconds` for the rest of its burst."""
    now = now or timezone.now()
    settings = _lock_settings(channel_id)
    if settings is None:
        return None
    if settings.last_push_at and settings.last_push_at > now - timedelta(seconds=settings.interval_seconds):
        return None
    waiting = FeedPending.objects.filter(channel_id=channel_id)
    oldest = waiting.order_by("created_at").values_list("created_at", flat=True).first()
    if oldest is None or oldest > now - timedelta(seconds=settings.debounce_seconds):
        return None  # nothing waiting, or a burst still coming in
    pending = list(waiting.order_by("sku_id").values_list("sku_id", flat=True))
    FeedPending.objects.filter(channel_id=channel_id, sku_id__in=pending).delete()
    settings.last_push_at = now
    settings.save(update_fields=["last_push_at"])
    return FeedPush.objects.create(channel_id=channel_id, kind=FeedPush.Kind.CHANGES, sku_ids=pending)


@transactional
def feed_claim_full(*, channel_id: int, now=None) -> FeedPush | None:
    """A full push of the channel (its pending SKUs are part of it)."""
    settings = _lock_settings(channel_id)
    if settings is None:
        return None
    FeedPending.objects.filter(channel_id=channel_id).delete()
    settings.last_push_at = now or timezone.now()
    settings.save(update_fields=["last_push_at"])
    return FeedPush.objects.create(channel_id=channel_id, kind=FeedPush.Kind.FULL)


def _finish(push: FeedPush, status: str, message: str, *, items: int = 0, started: float | None = None):
    duration = round((time.perf_counter() - started) * 1000) if started is not None else None
    FeedPush.objects.filter(pk=push.pk).update(
        status=status, message=message[:2000], items=items, duration_ms=duration, finished_at=timezone.now()
    )


def feed_push_send(*, push_id: int) -> FeedPush:
    """Build and send one push unless it is sent or being sent. A failed change push puts its
    SKUs back as pending, so the next push carries them even if nobody retries this one."""
    claimed = FeedPush.objects.filter(pk=push_id, status__in=[Status.PENDING, Status.FAILED]).update(
        status=Status.SENDING, attempts=F("attempts") + 1
    )
    push = FeedPush.objects.select_related("channel").get(pk=push_id)
    if not claimed:
        return push
    started = time.perf_counter()
    try:
        adapter = get_adapter(push.channel)
    except AdapterError as error:
        _finish(push, Status.FAILED, str(error), started=started)
    else:
        if not supports_inventory_feed(adapter):
            _finish(
                push,
                Status.SKIPPED,
                f"Adapter {adapter.kind!r} of channel {push.channel.code} lacks push_inventory: not sent.",
            )
        else:
            _send(push, adapter, started)
    push.refresh_from_db()
    return push


def _send(push: FeedPush, adapter, started: float) -> None:
    sku_ids = push.sku_ids if push.kind == FeedPush.Kind.CHANGES else None
    items = feed_items(push.channel, sku_ids=sku_ids)
    try:
        reference = adapter.push_inventory(items, push_id=push.pk)
    except AdapterError as error:
        # a refusal (bad credentials, ids the channel does not know) fails again until fixed
        why = str(error) if getattr(error, "retryable", True) else f"Refused (fix, then retry): {error}"
        _finish(push, Status.FAILED, why, items=len(items), started=started)
        if sku_ids:
            FeedPending.objects.bulk_create(
                [FeedPending(channel_id=push.channel_id, sku_id=sku_id) for sku_id in sku_ids],
                ignore_conflicts=True,
            )
    else:
        _finish(push, Status.SENT, reference or "sent", items=len(items), started=started)


#: A push still "sending" this long after its claim was left by a worker that died.
LOST_AFTER = timedelta(minutes=10)


def feed_recover_lost(*, now=None) -> int:
    """Mark pushes a dead worker left half-sent as failed and put their SKUs back as pending."""
    cutoff = (now or timezone.now()) - LOST_AFTER
    lost = list(FeedPush.objects.filter(status=Status.SENDING, created_at__lt=cutoff))
    for push in lost:
        if FeedPush.objects.filter(pk=push.pk, status=Status.SENDING).update(
            status=Status.FAILED, message="The worker sending this push was lost; its SKUs go with the next."
        ):
            FeedPending.objects.bulk_create(
                [FeedPending(channel_id=push.channel_id, sku_id=sku_id) for sku_id in push.sku_ids],
                ignore_conflicts=True,
            )
    return len(lost)


def feed_push_due(*, now=None) -> list[FeedPush]:
    """Claim and send the change push of every channel that has pending SKUs and whose interval
    has passed."""
    feed_recover_lost(now=now)
    has_pending = Exists(FeedPending.objects.filter(channel_id=OuterRef("channel_id")))
    channel_ids = FeedSettings.objects.filter(has_pending, enabled=True).values_list("channel_id", flat=True)
    pushes = []
    for channel_id in list(channel_ids):
        push = feed_claim_changes(channel_id=channel_id, now=now)
        if push is not None:
            pushes.append(feed_push_send(push_id=push.pk))
    return pushes


def feed_push_full_all(*, now=None) -> list[FeedPush]:
    pushes = []
    for channel_id in list(FeedSettings.objects.filter(enabled=True).values_list("channel_id", flat=True)):
        push = feed_claim_full(channel_id=channel_id, now=now)
        if push is not None:
            pushes.append(feed_push_send(push_id=push.pk))
    return pushes


def feed_push_retry(*, push: FeedPush) -> FeedPush:
    """The admin's retry: send a failed push again now, with today's availability."""
    return feed_push_send(push_id=push.pk)
