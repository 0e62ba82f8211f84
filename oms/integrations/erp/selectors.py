"""Read queries of the ERP sync."""

from .models import ErpConnection


def oldest_outbox_id_needed() -> int | None:
    """The lowest outbox id an enabled ERP export has not read: the start of its oldest gap, or
    the row after its position; 0 (keep everything) for an enabled target with no cursor yet."""
    oldest = None
    for connection in ErpConnection.objects.filter(enabled=True).prefetch_related("cursors"):
        cursors = {cursor.target: cursor for cursor in connection.cursors.all()}
        for target in connection.targets():
            cursor = cursors.get(target)
            needed = 0 if cursor is None else min([cursor.position + 1, *(gap[0] for gap in cursor.gaps)])
            oldest = needed if oldest is None else min(oldest, needed)
    return oldest
