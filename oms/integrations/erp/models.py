"""ERP sync: one connection (endpoint, folders, token), a cursor per export target over the
outbox, every export batch kept with its documents and status, every imported file with its report."""

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from oms.core.crypto import EncryptedTextField
from oms.core.models import TimeStampedModel
from oms.integrations.cursor import IdCursorFields


class Target(models.TextChoices):
    HTTP = "http", "HTTP endpoint (JSON)"
    CSV = "csv", "Folder (CSV files)"


class ErpConnection(TimeStampedModel):
    name = models.SlugField(max_length=40, unique=True, default="erp")
    enabled = models.BooleanField(default=False)
    endpoint_url = models.URLField(
        blank=True, help_text="Export batches are POSTed here as JSON; empty: no HTTP export."
    )
    auth_token = EncryptedTextField(
        blank=True, help_text='Sent as "Authorization: Bearer <token>"; stored encrypted.'
    )
    export_folder = models.CharField(
        max_length=500,
        blank=True,
        help_text="CSV files of each batch are written here; empty: no CSV export.",
    )
    import_folder = models.CharField(
        max_length=500,
        blank=True,
        help_text="ERP CSV files dropped here (skus*.csv, stock*.csv) are imported, then moved to "
        "done/ or failed/ with their report.",
    )
    batch_size = models.PositiveIntegerField(default=500, help_text="Outbox events per export batch.")
    timeout_seconds = models.PositiveSmallIntegerField(default=15)

    class Meta:
        verbose_name = "ERP connection"

    def __str__(self) -> str:
        return self.name

    def targets(self) -> list[str]:
        return [
            target
            for target, configured in ((Target.HTTP, self.endpoint_url), (Target.CSV, self.export_folder))
            if configured
        ]


class ErpCursor(IdCursorFields):
    """How far a target has read the outbox (oms.integrations.cursor explains the gaps)."""

    connection = models.ForeignKey(ErpConnection, on_delete=models.CASCADE, related_name="cursors")
    target = models.CharField(max_length=10, choices=Target.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["connection", "target"], name="erp_cursor_unique")]

    def __str__(self) -> str:
        return f"{self.connection} {self.target} @ {self.position}"


class ErpExport(models.Model):
    """One batch of outbox events, as documents, for one target: claimed once, sent until sent."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    connection = models.ForeignKey(ErpConnection, on_delete=models.CASCADE, related_name="exports")
    target = models.CharField(max_length=10, choices=Target.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    first_event_id = models.BigIntegerField()
    last_event_id = models.BigIntegerField()
    event_ids = models.JSONField(default=list)
    counts = models.JSONField(default=dict, help_text="Documents per stream.")
    documents = models.JSONField(default=list, encoder=DjangoJSONEncoder)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    reference = models.CharField(
        max_length=500, blank=True, help_text="The ERP's answer, or the files written."
    )
    lease_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["connection", "target", "status", "id"], name="erp_export_due_idx")]

    def __str__(self) -> str:
        return f"ERP export {self.pk} ({self.target}, {self.status})"


class ErpImport(models.Model):
    """One ERP file taken from the import folder, with what became of it."""

    class Kind(models.TextChoices):
        SKUS = "skus", "SKUs"
        STOCK = "stock", "Stock counts"
        UNKNOWN = "unknown", "Unknown"

    class Status(models.TextChoices):
        DONE = "done", "Imported"
        FAILED = "failed", "Refused"

    connection = models.ForeignKey(ErpConnection, on_delete=models.CASCADE, related_name="imports")
    file_name = models.CharField(max_length=255)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices)
    rows = models.PositiveIntegerField(default=0)
    report = models.TextField(blank=True)
    moved_to = models.CharField(max_length=700, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "ERP import"

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"
