"""ERP export: claim the next batch of outbox events under the target's cursor lock (so two
workers never claim the same events), keep it as an ErpExport with its documents, then send it
(HTTP or CSV) until it is sent. Batches go out in claim order: a failing one holds back the
ones after it, so the ERP never sees a later change before an earlier one."""

from datetime import timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from oms.core.models import OutboxEvent
from oms.core.transactions import for_update, transactional
from oms.integrations.cursor import cursor_step

from ..models import ErpConnection, ErpCursor, ErpExport
from .documents import export_documents
from .transport import TransportError, deliver

Status = ErpExport.Status
#: Batches claimed per target per run, so one run cannot go on for ever behind a busy outbox.
MAX_BATCHES_PER_RUN = 20


def _cursor(connection: ErpConnection, target: str) -> ErpCursor:
    with transaction.atomic():
        cursor, _created = ErpCursor.objects.get_or_create(connection=connection, target=target)
    return cursor


@transactional
def erp_export_claim(*, connection: ErpConnection, target: str) -> tuple[ErpExport | None, bool]:
    """The next batch for `target` (None when what the cursor read is nothing for the ERP) and
    whether the cursor moved."""
    cursor = for_update(ErpCursor.objects.filter(connection=connection, target=target)).get()
    step = cursor_step(
        OutboxEvent.objects.all(), position=cursor.position, gaps=cursor.gaps, limit=connection.batch_size
    )
    if step.position == cursor.position and step.gaps == cursor.gaps and not step.ids:
        return None, False
    cursor.position, cursor.gaps = step.position, step.gaps
    cursor.save(update_fields=["position", "gaps", "updated_at"])
    documents = export_documents(step.ids)
    if not documents:
        return None, True
    counts: dict[str, int] = {}
    for document in documents:
        counts[document["stream"]] = counts.get(document["stream"], 0) + 1
    event_ids = [document["event_id"] for document in documents]
    export = ErpExport.objects.create(
        connection=connection,
        target=target,
        first_event_id=min(event_ids),
        last_event_id=max(event_ids),
        event_ids=event_ids,
        counts=counts,
        documents=documents,
    )
    return export, True


def _claim_for_sending(export: ErpExport, now) -> bool:
    lease = now + timedelta(seconds=2 * export.connection.timeout_seconds + 30)
    claimable = Q(status__in=[Status.PENDING, Status.FAILED]) | Q(status=Status.SENDING, lease_until__lt=now)
    return bool(
        ErpExport.objects.filter(claimable, pk=export.pk).update(
            status=Status.SENDING, lease_until=lease, attempts=F("attempts") + 1
        )
    )


def erp_export_send(*, export_id: int) -> ErpExport:
    """Send one batch unless it is sent or being sent (a lease covers a worker that died while
    sending). The ERP gets the export id as Idempotency-Key; a CSV retry rewrites the same files."""
    export = ErpExport.objects.select_related("connection").get(pk=export_id)
    now = timezone.now()
    if not _claim_for_sending(export, now):
        return export
    try:
        reference = deliver(export)
    except TransportError as error:
        ErpExport.objects.filter(pk=export.pk).update(status=Status.FAILED, last_error=str(error)[:2000])
    else:
        ErpExport.objects.filter(pk=export.pk).update(
            status=Status.SENT, reference=reference[:500], last_error="", sent_at=timezone.now()
        )
    export.refresh_from_db()
    return export


def erp_export_send_due(*, connection: ErpConnection, target: str) -> int:
    """Send the unsent batches of a target oldest first; stop at the first that fails."""
    sent = 0
    due = ErpExport.objects.filter(
        connection=connection, target=target, status__in=[Status.PENDING, Status.FAILED, Status.SENDING]
    ).order_by("id")
    for export_id in due.values_list("pk", flat=True):
        export = erp_export_send(export_id=export_id)
        if export.status != Status.SENT:
            break
        sent += 1
    return sent


def erp_export_run(*, connection_id: int | None = None) -> dict:
    """The scheduled run: for each enabled connection and target, claim what is new, send what
    is due. Returns {"<connection>:<target>": batches sent}."""
    connections = ErpConnection.objects.filter(enabled=True)
    if connection_id is not None:
        connections = connections.filter(pk=connection_id)
    report = {}
    for connection in connections:
        for target in connection.targets():
            _cursor(connection, target)
            for _ in range(MAX_BATCHES_PER_RUN):
                _export, moved = erp_export_claim(connection=connection, target=target)
                if not moved:
                    break
            report[f"{connection.name}:{target}"] = erp_export_send_due(connection=connection, target=target)
    return report


def erp_export_retry(*, export: ErpExport) -> ErpExport:
    """The admin's retry: send this batch now (a sent one is left as it is)."""
    return erp_export_send(export_id=export.pk)
