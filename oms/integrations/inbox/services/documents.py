"""Receive, process, replay and purge channel documents.

Receiving stores the raw document in a transaction of its own and commits it before anything
reads it; processing then runs in a Celery task (in process without a broker), enqueued with
`transaction.on_commit`: the channel's adapter makes it the normalized order, intake creates the
order or applies the update. Whatever goes wrong there leaves the document with its error; an
admin corrects it if need be and replays it.
"""

import hashlib
import json
import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from oms.core.actor import Actor
from oms.core.adapters import AdapterError, get_adapter
from oms.core.models import Channel
from oms.core.transactions import ServiceBusy, retry_on_conflict, run_atomic, transactional
from orders.api.intake import validate_order_document
from orders.services import order_intake

from ..models import InboxDocument
from .locks import lock_document

logger = logging.getLogger(__name__)
Status = InboxDocument.Status
#: Headers kept with a document: everything but credentials.
SECRET_HEADERS = {"authorization", "cookie", "x-api-key", "proxy-authorization"}
#: A document still `received` this long after it came in lost its task (a broker outage, a
#: worker that died): the scheduled sweep processes it.
STUCK_AFTER = timedelta(minutes=5)


def document_digest(body: str) -> str:
    """SHA-256 of the document: of its JSON with sorted keys when it is JSON (the same document
    however it is spaced or ordered), else of its text."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"))
    except ValueError:
        canonical = body
    return hashlib.sha256(canonical.encode()).hexdigest()


def kept_headers(headers: dict) -> dict:
    return {str(k): str(v) for k, v in headers.items() if str(k).lower() not in SECRET_HEADERS}


def _enqueue(document_id: int) -> None:
    from ..tasks import process_document

    transaction.on_commit(lambda: process_document.delay(document_id))


def _duplicate_of(channel: Channel, delivery_id: str, digest: str) -> InboxDocument | None:
    same = Q(body_sha256=digest) | (Q(delivery_id=delivery_id) if delivery_id else Q(pk__in=[]))
    return InboxDocument.objects.filter(same, channel=channel).order_by("pk").first()


@transactional
def inbox_receive(
    *,
    channel: Channel,
    source: str,
    body: str,
    headers: dict | None = None,
    topic: str = "",
    delivery_id: str = "",
    content_type: str = "application/json",
) -> tuple[InboxDocument, bool]:
    """Keep a document as received. Returns (document, created): a repeated delivery id or the
    same document again creates nothing (the first one is counted again). A new one is processed
    once this transaction has committed."""
    if source not in InboxDocument.Source.values:
        raise ValueError(f"unknown source {source!r}")
    digest = document_digest(body)
    delivery_id = (delivery_id or "").strip()[:200]
    found = _duplicate_of(channel, delivery_id, digest)
    now = timezone.now()
    if found is not None:
        InboxDocument.objects.filter(pk=found.pk).update(
            times_received=F("times_received") + 1, last_received_at=now
        )
        found.refresh_from_db()
        return found, False
    document = InboxDocument(
        channel=channel,
        source=source,
        topic=(topic or "")[:100],
        delivery_id=delivery_id,
        content_type=(content_type or "")[:100],
        headers=kept_headers(headers or {}),
        body=body,
        body_sha256=digest,
        received_at=now,
        last_received_at=now,
    )
    try:
        document.save(force_insert=True)
    except IntegrityError as exc:  # the same document arrived concurrently: find it next time
        retry_on_conflict(
            exc, ("delivery_id", "body_sha256", "inbox_channel"), "the document arrived concurrently"
        )
        raise
    _enqueue(document.pk)
    return document, True


def _normalized(document: InboxDocument) -> dict | None:
    adapter = get_adapter(document.channel)
    return adapter.normalize_order(document.text, topic=document.topic, headers=document.headers)


def _process(document_id: int) -> InboxDocument | None:
    # Waits for a repeat delivery counting itself on the row (short), or for another worker
    # processing it, and then finds it done.
    document = lock_document(document_id)
    if document is None or document.status in (Status.PROCESSED, Status.IGNORED):
        return document  # gone (purged), or done already (a task delivered twice)
    document.attempts += 1
    data = _normalized(document)
    if data is None:
        document.status, document.outcome = Status.IGNORED, "ignored"
    else:
        order, created = order_intake(
            data=validate_order_document(data),
            channel=document.channel,
            actor=Actor.for_channel(document.channel),
        )
        update = getattr(order, "update_result", None)
        document.order, document.external_id = order, order.external_id
        document.outcome = "created" if created else update.outcome
        document.status = Status.PROCESSED
    document.error, document.processed_at = "", timezone.now()
    document.save()
    return document


def describe(error: Exception) -> str:
    """The error as an admin reads it: field by field for a document that is not a valid order."""
    if isinstance(error, ValidationError):
        return "Not a valid order: " + json.dumps(error.detail, default=str, sort_keys=True)
    if isinstance(error, json.JSONDecodeError):
        return f"Not JSON: {error}"
    message = getattr(error, "message", None) or str(error) or type(error).__name__
    return f"{type(error).__name__}: {message}"


@transactional
def _fail(document_id: int, error: Exception) -> InboxDocument | None:
    """Keep the error. A busy database is no fault of the document: it stays `received`, and
    the scheduled sweep processes it again."""
    document = lock_document(document_id)
    if document is None:
        return None
    if not isinstance(error, ServiceBusy):
        document.status = Status.FAILED
    document.error = describe(error)[:10000]
    document.attempts += 1
    document.save(update_fields=["status", "error", "attempts"])
    return document


def inbox_process(*, document_id: int) -> InboxDocument | None:
    """Make the document an order (new or updated). Never raises: a failure keeps the document,
    with its error, for an admin to correct and replay."""
    try:
        return run_atomic(lambda: _process(document_id))
    except (ValidationError, ValueError, AdapterError) as error:
        return _fail(document_id, error)
    except Exception as error:  # whatever it is, the document must not be lost
        logger.exception("inbox document %s failed", document_id)
        return _fail(document_id, error)


@transactional
def inbox_replay(
    *, document: InboxDocument, actor: Actor, corrected_body: str | None = None
) -> InboxDocument:
    """Process a document again (after its error was fixed, in the catalog or in its corrected
    body). Its order, if it made one, is updated: replaying a processed document is harmless."""
    document = lock_document(document.pk)
    if corrected_body is not None:
        document.corrected_body = corrected_body
    document.status, document.error = Status.RECEIVED, ""
    document.save(update_fields=["status", "error", "corrected_body"])
    logger.info("inbox document %s replayed by %s", document.pk, actor)
    _enqueue(document.pk)
    return document


@transactional
def inbox_correct(*, document: InboxDocument, corrected_body: str, actor: Actor) -> InboxDocument:
    """An admin's correction of a document that cannot be processed as received: processed in
    place of the raw body (which stays as it came) from the next replay on; blank removes it."""
    document = lock_document(document.pk)
    document.corrected_body = corrected_body.strip()
    document.save(update_fields=["corrected_body"])
    logger.info("inbox document %s corrected by %s", document.pk, actor)
    return document


def inbox_process_pending(*, now=None) -> int:
    """Process documents whose task was lost (still `received` some minutes on); returns how many."""
    cutoff = (now or timezone.now()) - STUCK_AFTER
    ids = list(
        InboxDocument.objects.filter(status=Status.RECEIVED, last_received_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:500]
    )
    for document_id in ids:
        inbox_process(document_id=document_id)
    return len(ids)


def inbox_purge(*, now=None) -> int:
    """Delete processed and ignored documents older than OMS_INBOX_RETENTION_DAYS; failed ones
    stay until an admin has dealt with them (they may be the only copy of an order)."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.OMS_INBOX_RETENTION_DAYS)
    deleted, _ = InboxDocument.objects.filter(
        status__in=(Status.PROCESSED, Status.IGNORED), received_at__lt=cutoff
    ).delete()
    return deleted
