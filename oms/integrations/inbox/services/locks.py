"""The inbox's row locks (design section 2). A document is locked before anything its processing
locks (stock levels, the order): it is the outermost row of that step, and nothing else locks it
after those. A repeat delivery counting itself holds the row for a moment; processing waits."""

from oms.core.transactions import for_update

from ..models import InboxDocument


def lock_document(document_id: int) -> InboxDocument | None:
    """The document locked, with its channel (read, not locked); None when it is gone."""
    return for_update(InboxDocument.objects.select_related("channel")).filter(pk=document_id).first()
