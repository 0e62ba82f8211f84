"""Inventory feeds: which SKUs a channel lists, how often it hears of changes, the SKUs changed
since its last push, and a log of every push."""

from django.db import models
from django.utils import timezone

from inventory.models import Sku
from oms.core.crypto import EncryptedTextField
from oms.core.models import Channel
from oms.integrations.cursor import NamedIdCursor


class ChannelListing(models.Model):
    """A SKU the channel sells, under the channel's own ids for it: the one SKU mapping of a
    channel. The inventory feed sends the active listings; the channel adapters read incoming
    orders' SKUs and variant ids through it (`oms.integrations.connections.selectors`)."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="listings")
    sku = models.ForeignKey(Sku, on_delete=models.CASCADE, related_name="channel_listings")
    external_id = models.CharField(
        max_length=100,
        blank=True,
        help_text="The channel's id for it: Shopify or BigCommerce variant id, WooCommerce product or "
        "variation id.",
    )
    channel_sku = models.CharField(
        max_length=100,
        db_default="",  # raw SQL inserts (bulk loads) need no value
        blank=True,
        help_text="The channel's SKU for it when it is not ours (an Amazon seller SKU, an old code).",
    )
    parent_id = models.CharField(
        max_length=100,
        db_default="",  # raw SQL inserts (bulk loads) need no value
        blank=True,
        help_text="The product a variant belongs to (WooCommerce parent product, BigCommerce product).",
    )
    inventory_item_id = models.CharField(
        max_length=100,
        db_default="",  # raw SQL inserts (bulk loads) need no value
        blank=True,
        help_text="Shopify: the variant's InventoryItem id.",
    )
    active = models.BooleanField(default=True, help_text="Fed to the channel.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "sku"], name="channel_listing_unique"),
            models.UniqueConstraint(
                fields=["channel", "external_id"],
                condition=~models.Q(external_id=""),
                name="channel_listing_external_unique",
            ),
            models.UniqueConstraint(
                fields=["channel", "channel_sku"],
                condition=~models.Q(channel_sku=""),
                name="channel_listing_channel_sku_unique",
            ),
        ]
        indexes = [models.Index(fields=["sku", "channel"], name="listing_sku_idx")]

    def __str__(self) -> str:
        return f"{self.channel_id}:{self.sku_id}"


class FeedSettings(models.Model):
    channel = models.OneToOneField(Channel, on_delete=models.CASCADE, related_name="feed_settings")
    enabled = models.BooleanField(default=False)
    interval_seconds = models.PositiveIntegerField(
        default=60, help_text="At most one change push per this many seconds."
    )
    debounce_seconds = models.PositiveIntegerField(
        default=2, help_text="A change waits this long for more before it is pushed, so a burst goes as one."
    )
    url = models.URLField(blank=True, help_text="Where the generic HTTP JSON adapter POSTs the feed.")
    location_id = models.CharField(
        max_length=100,
        blank=True,
        help_text="The channel's location the feed sets quantities at (Shopify location id, BigCommerce "
        "location id; empty: the one location in the connection's location map, BigCommerce's 1).",
    )
    seller_id = models.CharField(max_length=40, blank=True, help_text="Amazon: the selling partner id.")
    auth_token = EncryptedTextField(blank=True, help_text="Sent as a Bearer token; stored encrypted.")
    last_push_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "feed settings"
        verbose_name_plural = "feed settings"

    def __str__(self) -> str:
        return f"feed of {self.channel_id}"


class FeedPending(models.Model):
    """A listed SKU whose stock changed since the channel's last push."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")
    sku = models.ForeignKey(Sku, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["channel", "sku"], name="feed_pending_unique")]

    def __str__(self) -> str:
        return f"{self.channel_id}:{self.sku_id} pending"


class FeedCursor(NamedIdCursor):
    """How far the change collector has read the stock ledger."""


class FeedPush(models.Model):
    class Kind(models.TextChoices):
        CHANGES = "changes", "Changes"
        FULL = "full", "Full"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped"

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="feed_pushes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    sku_ids = models.JSONField(default=list, blank=True, help_text="The changed SKUs; empty for a full push.")
    items = models.PositiveIntegerField(default=0, help_text="SKUs sent.")
    attempts = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True, help_text="The adapter's reference, the error, or why skipped.")
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "feed pushes"

    def __str__(self) -> str:
        return f"{self.kind} push to {self.channel_id} ({self.status})"
