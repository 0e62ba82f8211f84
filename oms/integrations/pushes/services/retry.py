"""Send failed pushes again (the desk's Retry button, the admin's action): a fresh round of
attempts with the same payload and idempotency key, on the timeline as done by that person."""

from django.utils import timezone

from oms.core.actor import Actor
from oms.core.transactions import transactional
from orders.services import order_add_event

from ..errors import PushConflict, PushErrorCode
from ..models import ChannelPush
from ..permissions import PUSH_RETRY
from .collect import wake
from .locks import lock_push, lock_pushes
from .send import what

Status = ChannelPush.Status


def _requeue(push: ChannelPush, actor: Actor) -> None:
    push.status, push.attempts, push.next_attempt_at = Status.PENDING, 0, timezone.now()
    push.leased_until, push.failed_at = None, None
    push.save(update_fields=["status", "attempts", "next_attempt_at", "leased_until", "failed_at"])
    order_add_event(
        order=push.order,
        kind="channel_push_retried",
        actor=actor,
        message=f"{what(push)}: sending to {push.channel.code} again.",
        payload={"push": push.pk, "push_kind": push.kind, "aggregate": push.aggregate},
    )


@transactional
def push_retry(*, push: ChannelPush, actor: Actor) -> ChannelPush:
    PUSH_RETRY.require(actor, push)
    push = lock_push(push.pk)
    if push is None or push.status != Status.FAILED:
        raise PushConflict(
            PushErrorCode.NOT_FAILED,
            "Only a failed push is sent again; this one is "
            f"{push.get_status_display().lower() if push else 'gone'}.",
        )
    _requeue(push, actor)
    wake([(push.pk, 0)])
    return push


@transactional
def pushes_retry(*, ids: list[int], actor: Actor) -> int:
    """Send the failed ones among these pushes again; returns how many."""
    PUSH_RETRY.require(actor)
    pushes = [push for push in lock_pushes(sorted(set(ids))) if push.status == Status.FAILED]
    for push in pushes:
        _requeue(push, actor)
    wake([(push.pk, 0) for push in pushes])
    return len(pushes)
