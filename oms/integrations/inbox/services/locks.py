"""The inbox's row locks (design section 2). A document is locked before anything its processing
locks (stock levels, the order): it is the outermost row of that step, and nothing else locks it."""

from oms.core.transactions import for_update

from ..models import InboxDocument


def lock_document(document_id: int, *, wait: bool = False) -> InboxDocument | None:
    """The document locked; None when it is gone, or (without `wait`) when another worker is
    processing it right now."""
    return (
        for_update(InboxDocument.objects.select_related("channel"), skip_locked=not wait)
        .filter(pk=document_id)
        .first()
    )
