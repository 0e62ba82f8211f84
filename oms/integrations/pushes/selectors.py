"""What the desk, the admin and the outbox purge read of the pushes."""

from oms.core.paging import capped_count

from .models import ChannelPush, PushCursor


def oldest_outbox_id_needed() -> int | None:
    """The lowest outbox id the push collector has not read: the start of its oldest gap, or
    the row after its position (None before it first ran: it then starts at the end)."""
    from .services.collect import COLLECTOR

    cursor = PushCursor.objects.filter(name=COLLECTOR).first()
    if cursor is None:
        return None
    return min([cursor.position + 1, *(gap[0] for gap in cursor.gaps)])


def failed_pushes():
    return ChannelPush.objects.filter(status=ChannelPush.Status.FAILED)


def failed_push_group(size: int) -> dict:
    """The exceptions queue's group of failed pushes: the count and the oldest rows."""
    pushes = failed_pushes()
    rows = list(pushes.select_related("order", "channel").order_by("failed_at", "pk")[:size])
    return {"count": capped_count(pushes), "pushes": rows}


def order_pushes(order) -> list[ChannelPush]:
    return list(ChannelPush.objects.filter(order=order).select_related("channel").order_by("pk"))
