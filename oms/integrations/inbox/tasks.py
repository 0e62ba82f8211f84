"""Inbox tasks: thin, idempotent (a document already processed is left as it is)."""

from celery import shared_task

from . import services


@shared_task(name="inbox.process_document")
def process_document(document_id: int) -> str | None:
    document = services.inbox_process(document_id=document_id)
    return document.status if document else None


@shared_task(name="inbox.process_pending_documents")
def process_pending_documents() -> int:
    return services.inbox_process_pending()


@shared_task(name="inbox.purge_documents")
def purge_documents() -> int:
    return services.inbox_purge()
