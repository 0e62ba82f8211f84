"""Collect stock changes: read the stock ledger (every change of on hand or reserved writes a
movement) with the gap-aware cursor, and mark each changed SKU pending for every channel that
lists it and has its feed on. Changes of safety stock, buffers or location channels write no
movement: the scheduled full push carries them."""

from inventory.models import StockMovement
from oms.core.transactions import for_update, transactional
from oms.integrations.cursor import cursor_step

from ..models import ChannelListing, FeedCursor, FeedPending

COLLECTOR = "stock-ledger"
BATCH = 20_000


def _start_cursor() -> None:
    """A new collector starts at the ledger's end: what came before is the full push's."""
    if not FeedCursor.objects.filter(name=COLLECTOR).exists():
        last = StockMovement.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        FeedCursor.objects.get_or_create(name=COLLECTOR, defaults={"position": last})


@transactional
def feed_collect_changes(*, limit: int = BATCH) -> int:
    """One step of the collector; returns the (channel, SKU) pairs newly marked."""
    _start_cursor()
    cursor = for_update(FeedCursor.objects.filter(name=COLLECTOR)).get()
    step = cursor_step(StockMovement.objects.all(), position=cursor.position, gaps=cursor.gaps, limit=limit)
    if step.position == cursor.position and step.gaps == cursor.gaps:
        return 0
    cursor.position, cursor.gaps = step.position, step.gaps
    cursor.save(update_fields=["position", "gaps", "updated_at"])
    if not step.ids:
        return 0
    sku_ids = StockMovement.objects.filter(pk__in=step.ids).values("sku_id")
    pairs = ChannelListing.objects.filter(
        sku_id__in=sku_ids, active=True, channel__feed_settings__enabled=True
    ).values_list("channel_id", "sku_id")
    marked = FeedPending.objects.bulk_create(
        [FeedPending(channel_id=channel_id, sku_id=sku_id) for channel_id, sku_id in pairs],
        ignore_conflicts=True,
        batch_size=2000,
    )
    return len(marked)
