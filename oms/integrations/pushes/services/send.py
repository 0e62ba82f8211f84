"""Send one push: claim it (a short transaction: attempts + 1, a lease), call the channel's
adapter outside any transaction, record the outcome (a second short transaction).

The outcome: `sent` with the channel's reference; or, on a 429, a 5xx or no answer, another
attempt after an exponential backoff (at least the channel's Retry-After); on any other refusal
(a 4xx, the channel's own validation error), or after OMS_CHANNEL_PUSH_MAX_ATTEMPTS attempts,
`failed`. Both ends go on the order's timeline. A sender is told which attempt it is to make
(the attempts already made): a task delivered twice, or a sweep racing a retry, finds that
attempt made and stops, so one push never has two attempts in flight."""

import logging
import random
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from oms.core.actor import Actor
from oms.core.adapters import get_adapter, is_retryable
from oms.core.transactions import transactional
from oms.integrations.common.http import ChannelRefused
from orders.services import order_add_event

from ..models import ChannelPush
from .locks import lock_push

logger = logging.getLogger(__name__)
Status = ChannelPush.Status
ACTOR = Actor.system("channel-pushes")
LEASE = timedelta(minutes=2)
METHODS = {
    ChannelPush.Kind.FULFILLMENT: "push_fulfillment",
    ChannelPush.Kind.CANCELLATION: "push_cancellation",
}


@dataclass(frozen=True)
class Outcome:
    status: str
    attempts: int
    #: Seconds until the next attempt (None: no further attempt).
    retry_in: float | None = None


def backoff(attempt: int) -> float:
    """Seconds after failed attempt number `attempt` (1-based): base * factor^(n-1), capped,
    +-25% jitter."""
    base = settings.OMS_CHANNEL_PUSH_RETRY_BASE_SECONDS * settings.OMS_CHANNEL_PUSH_RETRY_FACTOR ** (
        attempt - 1
    )
    return min(base, settings.OMS_CHANNEL_PUSH_RETRY_CAP_SECONDS) * random.uniform(0.75, 1.25)


def what(push: ChannelPush) -> str:
    """The push in words, for the timeline and the exceptions queue."""
    payload = push.payload
    if push.kind == ChannelPush.Kind.FULFILLMENT:
        tracking = ", ".join(payload.get("tracking_numbers") or []) or "no tracking"
        return f"Shipment {payload.get('shipment')} ({payload.get('carrier')} {tracking})".replace("  ", " ")
    units = sum(line.get("quantity") or 0 for line in payload.get("lines") or [])
    return "Cancellation of the order" if not payload.get("lines") else f"Cancellation of {units} units"


@transactional
def _claim(push_id: int, attempt: int | None, now) -> ChannelPush | None:
    push = lock_push(push_id)
    if push is None or push.status != Status.PENDING:
        return None
    if attempt is not None and push.attempts != attempt:
        return None  # that attempt was made (a repeated task, a sweep that raced the retry)
    if push.leased_until and push.leased_until > now:
        return None  # another sender has it right now
    push.attempts += 1
    push.leased_until = now + LEASE
    push.save(update_fields=["attempts", "leased_until"])
    return push


def _call(push: ChannelPush) -> str:
    adapter = get_adapter(push.channel)
    method = getattr(adapter, METHODS[push.kind], None)
    if not callable(method):  # the channel's adapter changed since the push was made
        raise ChannelRefused(
            f"The {adapter.kind} adapter of {push.channel.code} has no {METHODS[push.kind]}."
        )
    return str(method(dict(push.payload)))


@transactional
def _record(push_id: int, attempt: int, *, reference: str = "", error: Exception | None = None) -> Outcome:
    push = lock_push(push_id)
    if push is None or push.status != Status.PENDING or push.attempts != attempt:
        return Outcome(push.status if push else "gone", attempt)  # a retry from the desk meanwhile
    now = timezone.now()
    push.leased_until = None
    fields = ["leased_until", "status", "reference", "last_status_code", "last_error", "sent_at", "failed_at"]
    if error is None:
        push.status, push.reference, push.sent_at, push.last_error = Status.SENT, reference[:200], now, ""
        push.save(update_fields=fields)
        order_add_event(
            order=push.order,
            kind="channel_push_sent",
            actor=ACTOR,
            message=f"{what(push)} sent to {push.channel.code}: {push.reference or 'accepted'}.",
            payload=_event_payload(push),
        )
        return Outcome(push.status, attempt)
    status = getattr(error, "status", None)
    push.last_status_code = status if isinstance(status, int) and 0 < status < 1000 else None
    push.last_error = (str(error) or type(error).__name__)[:2000]
    if is_retryable(error) and push.attempts < settings.OMS_CHANNEL_PUSH_MAX_ATTEMPTS:
        wait = max(backoff(push.attempts), float(getattr(error, "retry_after", None) or 0))
        push.next_attempt_at = now + timedelta(seconds=wait)
        push.save(update_fields=[*fields, "next_attempt_at"])
        return Outcome(push.status, attempt, retry_in=wait)
    push.status, push.failed_at = Status.FAILED, now
    push.save(update_fields=fields)
    tries = f"after {push.attempts} attempts" if push.attempts > 1 else "at once"
    order_add_event(
        order=push.order,
        kind="channel_push_failed",
        actor=ACTOR,
        message=f"{what(push)} could not be sent to {push.channel.code} ({tries}): {push.last_error}",
        payload=_event_payload(push),
    )
    return Outcome(push.status, attempt)


def _event_payload(push: ChannelPush) -> dict:
    return {
        "push": push.pk,
        "push_kind": push.kind,
        "aggregate": push.aggregate,
        "reference": push.reference,
        "attempts": push.attempts,
        "error": push.last_error,
        "status_code": push.last_status_code,
    }


def push_send(*, push_id: int, attempt: int | None = None, now=None) -> Outcome | None:
    """Make attempt number `attempt + 1` of the push (any next one when `attempt` is None);
    None when there is nothing to do (sent, failed, held by another sender, attempt made)."""
    push = _claim(push_id, attempt, now or timezone.now())
    if push is None:
        return None
    try:
        reference = _call(push)
    except Exception as error:  # the outcome of every failure is recorded; the channel's own
        if not hasattr(error, "retryable") and not hasattr(error, "status"):
            logger.warning("channel push %s: %s", push.pk, error, exc_info=True)
        return _record(push.pk, push.attempts, error=error)
    return _record(push.pk, push.attempts, reference=reference)


def due_pushes(*, now=None, limit: int = 1000) -> list[tuple[int, int]]:
    """(push id, attempts) of the pending pushes due now that no live lease holds: what the
    sweep wakes, after a lost task, a retry beyond a Celery countdown, a dead worker."""
    now = now or timezone.now()
    due = (
        ChannelPush.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)
        .exclude(leased_until__gt=now)
        .order_by("next_attempt_at", "pk")
    )
    return list(due.values_list("pk", "attempts")[:limit])
