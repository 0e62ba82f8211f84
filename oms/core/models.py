import hashlib
import secrets

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from .actor import ACTOR_KINDS
from .adapters import validate_adapter_kind


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Channel(TimeStampedModel):
    """A sales channel. Lives in the kernel because every app refers to it."""

    class Kind(models.TextChoices):
        WEB_SHOP = "web_shop", "Web shop"
        MARKETPLACE = "marketplace", "Marketplace"
        POS = "pos", "Point of sale"
        CALL_CENTER = "call_center", "Call center"
        B2B = "b2b", "B2B"

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    active = models.BooleanField(default=True)
    #: The channel's own API token, kept as a SHA-256 digest; shown once when issued.
    api_token_digest = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    #: Units per SKU held back from what this channel is told it can sell.
    inventory_buffer = models.PositiveIntegerField(default=0)
    pay_later_allowed = models.BooleanField(
        default=False, help_text="Orders may be fulfilled before payment is authorized."
    )
    payment_due_hours = models.PositiveIntegerField(
        default=72, help_text="An order still unpaid after this many hours is cancelled."
    )
    handling_days = models.PositiveSmallIntegerField(
        default=2, help_text="Business days from placement to ship-by when the channel sends none."
    )
    #: Which registered adapter (oms.core.adapters) talks to this channel: refunds, later pulls.
    adapter_kind = models.CharField(
        max_length=40,
        default="manual",
        validators=[validate_adapter_kind],
        help_text='The adapter that carries refund requests to the channel; "manual": handed back '
        "outside the OMS (at a till, by bank transfer).",
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def issue_token(self) -> str:
        """A new API token for this channel; only its digest is stored. Caller saves."""
        token = f"ch_{secrets.token_urlsafe(32)}"
        self.api_token_digest = token_digest(token)
        return token


class OutboxEvent(models.Model):
    """A domain event written in the same transaction as the change it reports.

    Delivery (webhooks, feeds, ERP) reads pending rows; nothing is lost if a
    process dies between the commit and the delivery.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        DEAD = "dead", "Dead letter"

    topic = models.CharField(max_length=80, db_index=True)
    aggregate_type = models.CharField(max_length=40)
    aggregate_id = models.CharField(max_length=64)
    payload = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["aggregate_type", "aggregate_id"]),
            # The dispatcher's claim (pending, oldest first) and the dead-letter count read
            # only undelivered rows: a partial index keeps the delivered ones, nearly all the
            # table, out of it (and out of its upkeep when a row is marked delivered).
            models.Index(
                fields=["status", "id"],
                condition=~models.Q(status="delivered"),
                name="core_outbox_undelivered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.aggregate_type}:{self.aggregate_id}"


class IdempotencyRecord(models.Model):
    """The first answer to a POST carrying an Idempotency-Key, replayed to repeats."""

    scope = models.CharField(max_length=120)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True, encoder=DjangoJSONEncoder)
    response_headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="idempotency_scope_key_unique")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"


class Job(models.Model):
    """A background job over many items (a bulk release, a bulk cancel): one service call per
    item, each in its own transaction. Counts and the first errors are kept for the progress
    bar; the runner is oms.core.jobs.job_run."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=60, help_text="The registered handler (oms.core.jobs).")
    label = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    items = models.JSONField(default=list, help_text="What the handler is called with, one by one.")
    params = models.JSONField(default=dict, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0, help_text="Items the handler finished.")
    failed = models.PositiveIntegerField(default=0, help_text="Items the handler refused or failed.")
    errors = models.JSONField(default=list, blank=True, help_text="[{item, message}], the first ones.")
    actor_kind = models.CharField(max_length=10, choices=ACTOR_KINDS)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["actor_kind", "actor_id", "-id"], name="job_actor_idx")]

    def __str__(self) -> str:
        return f"{self.label} ({self.status})"

    @property
    def processed(self) -> int:
        return self.done + self.failed

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, round(100 * self.processed / self.total))

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
