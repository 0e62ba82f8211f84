"""The pushes' row locks (design section 2): the cursor alone, or one push at a time."""

from oms.core.transactions import for_update

from ..models import ChannelPush, PushCursor


def lock_cursor(name: str) -> PushCursor:
    return for_update(PushCursor.objects.filter(name=name)).get()


def lock_push(push_id: int) -> ChannelPush | None:
    return for_update(ChannelPush.objects.filter(pk=push_id)).first()


def lock_pushes(ids: list[int]) -> list[ChannelPush]:
    return list(for_update(ChannelPush.objects.filter(pk__in=ids).order_by("pk")))
