"""Outbound webhooks: the endpoints admins subscribe, one delivery per (outbox event, endpoint),
and a log of every attempt.

An outbox row is fanned out once into deliveries (their body is frozen then: what the receiver
gets on every attempt and redelivery is the same message, with the same `webhook-id`); the
deliveries of one aggregate (an order) to one endpoint go out one after the other, in the order
the events happened (`sequence`, the outbox row's id).
"""

from django.db import models
from django.utils import timezone

from oms.core.crypto import EncryptedTextField
from oms.core.models import OutboxEvent


class WebhookEndpoint(models.Model):
    url = models.URLField(max_length=500)
    events = models.JSONField(
        default=list, help_text='Event types: "order.shipped", a prefix wildcard "order.*", or "*" for all.'
    )
    secret = EncryptedTextField(help_text="Standard Webhooks secret (whsec_...), stored encrypted.")
    #: The secret before the last rotation: it signs too, until `previous_secret_expires_at`.
    previous_secret = EncryptedTextField(blank=True, default="")
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(default=True)
    description = models.CharField(max_length=200, blank=True)
    #: Failed attempts since the last success, and since when it fails (disabling looks at both).
    consecutive_failures = models.PositiveIntegerField(default=0)
    failing_since = models.DateTimeField(null=True, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description or self.url

    @property
    def secret_hint(self) -> str:
        """Enough of the secret to tell which one it is; the secret is shown once, at creation."""
        return f"{self.secret[:10]}..." if self.secret else ""


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RETRYING = "retrying", "Retrying"
        SUCCEEDED = "succeeded", "Succeeded"
        DEAD = "dead", "Dead letter"

    OPEN = (Status.PENDING, Status.RETRYING)

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    #: The outbox row it came from; the delivery outlives the row's purge.
    event = models.ForeignKey(
        OutboxEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="webhook_deliveries"
    )
    #: `webhook-id`: the same on every attempt and redelivery, so a receiver can drop repeats.
    message_id = models.CharField(max_length=64)
    topic = models.CharField(max_length=80)
    aggregate_type = models.CharField(max_length=40)
    aggregate_id = models.CharField(max_length=64)
    #: The order of occurrence within (endpoint, aggregate): the outbox row's id.
    sequence = models.BigIntegerField()
    body = models.TextField(help_text="The JSON sent, exactly.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    #: Attempts since it was (re)queued; the attempt log keeps every one.
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    #: A worker sending it holds it until then; after that (the worker died) anyone may send it.
    leased_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    dead_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "message_id"], name="webhooks_delivery_message_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["endpoint", "aggregate_type", "aggregate_id", "sequence"], name="webhooks_chain_idx"
            ),
            models.Index(fields=["status", "next_attempt_at"], name="webhooks_due_idx"),
            models.Index(fields=["endpoint", "created_at"], name="webhooks_endpoint_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} -> {self.endpoint_id} ({self.status})"


class WebhookAttempt(models.Model):
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    succeeded = models.BooleanField()
    response_excerpt = models.TextField(blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.delivery_id} @ {self.started_at:%Y-%m-%d %H:%M:%S} {self.status_code or self.error}"
