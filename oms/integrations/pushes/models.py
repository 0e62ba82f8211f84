"""Channel pushes: what the OMS tells the sales channel that sold an order after the order
changed here (a shipment left, units were cancelled). One row per (channel, kind, aggregate),
created once from the outbox whatever the retries or repeats; each is sent by a Celery task on
the `channel` queue, retried with backoff, and ends `sent` (with the channel's reference) or
`failed` (with the reason), visible in the desk's exceptions queue and the admin."""

from django.db import models
from django.utils import timezone

from oms.core.models import Channel
from oms.integrations.cursor import NamedIdCursor
from orders.models import Order


class PushCursor(NamedIdCursor):
    """How far the push collector has read the outbox."""


class ChannelPush(models.Model):
    class Kind(models.TextChoices):
        FULFILLMENT = "fulfillment", "Fulfillment"
        CANCELLATION = "cancellation", "Cancellation"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="pushes")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="channel_pushes")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    #: What is pushed: "shipment:<id>", "order:<number>" (the whole order cancelled) or
    #: "event:<outbox id>" (units cancelled). With channel and kind: the push's identity.
    aggregate = models.CharField(max_length=80)
    #: The channel's idempotency key: the same on every attempt and retry.
    push_id = models.CharField(max_length=120, unique=True)
    #: What the adapter is sent, frozen when the push is created (the same on every attempt).
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0, help_text="Attempts since created or retried.")
    next_attempt_at = models.DateTimeField(default=timezone.now)
    #: A sender holds it until then; after that (the worker died) anyone may send it.
    leased_until = models.DateTimeField(null=True, blank=True)
    reference = models.CharField(max_length=200, blank=True, help_text="The channel's reference for it.")
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "channel push"
        constraints = [
            models.UniqueConstraint(fields=["channel", "kind", "aggregate"], name="channel_push_unique")
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="channel_push_due_idx"),
            models.Index(fields=["order", "id"], name="channel_push_order_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.aggregate} -> {self.channel_id} ({self.status})"
