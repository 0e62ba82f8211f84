"""The inbox: every document a channel sends (webhook, pull, manual import), kept raw before
anything else is done with it, then processed into an order (new or updated) by a task.

A document that fails keeps its error for an admin to see, correct (`corrected_body`: the raw
body itself is never changed) and replay. The same delivery id, or the same document, twice
creates nothing: the first one counts it again.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from oms.core.models import Channel
from orders.models import Order


class InboxDocument(models.Model):
    class Source(models.TextChoices):
        WEBHOOK = "webhook", "Webhook"
        PULL = "pull", "Pull"
        IMPORT = "import", "Manual import"

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        PROCESSED = "processed", "Processed"
        IGNORED = "ignored", "Ignored"
        FAILED = "failed", "Failed"

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="inbox_documents")
    source = models.CharField(max_length=10, choices=Source.choices)
    topic = models.CharField(
        max_length=100, blank=True, help_text='What the channel says it is: "orders/updated".'
    )
    delivery_id = models.CharField(max_length=200, blank=True, help_text="The channel's id of this delivery.")
    content_type = models.CharField(max_length=100, default="application/json")
    headers = models.JSONField(default=dict, blank=True)
    body = models.TextField(help_text="Exactly as received.")
    #: SHA-256 of the document (of its JSON with sorted keys: the same document however spaced).
    body_sha256 = models.CharField(max_length=64)
    corrected_body = models.TextField(
        blank=True, help_text="An admin's correction; processed instead of the body."
    )
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    times_received = models.PositiveIntegerField(default=1)
    last_received_at = models.DateTimeField(default=timezone.now)

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECEIVED)
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    #: created, applied, unchanged, stale (older than the last update applied), ignored.
    outcome = models.CharField(max_length=20, blank=True)
    external_id = models.CharField(max_length=100, blank=True, help_text="The order's id in the channel.")
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="channel_documents"
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "delivery_id"],
                condition=~Q(delivery_id=""),
                name="inbox_channel_delivery_unique",
            ),
            models.UniqueConstraint(fields=["channel", "body_sha256"], name="inbox_channel_body_unique"),
        ]
        indexes = [
            models.Index(fields=["status", "received_at"], name="inbox_status_received_idx"),
            models.Index(fields=["order", "-received_at"], name="inbox_order_idx"),
            models.Index(fields=["external_id"], name="inbox_external_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.channel_id}:{self.source}:{self.topic or 'document'} #{self.pk}"

    @property
    def text(self) -> str:
        """What processing reads: the admin's correction when there is one."""
        return self.corrected_body or self.body
