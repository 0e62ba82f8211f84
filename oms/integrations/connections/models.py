"""How the OMS reaches a channel: its API, credentials (encrypted at rest), webhook secret,
pull cursor, location mapping. One per channel; the adapter kind stays on the channel. The SKU
mapping is the channel's listings (feeds.ChannelListing)."""

from django.db import models

from oms.core.crypto import EncryptedTextField
from oms.core.models import Channel


class ChannelConnection(models.Model):
    channel = models.OneToOneField(Channel, on_delete=models.CASCADE, related_name="connection")
    api_base_url = models.URLField(
        blank=True,
        help_text="The channel's API root, e.g. https://shop.myshopify.com/admin/api/2025-07, "
        "https://shop.example/wp-json/wc/v3, https://api.bigcommerce.com/stores/<hash>, "
        "https://sellingpartnerapi-na.amazon.com (tests and staging point it at a local server).",
    )
    account = models.CharField(
        max_length=200, blank=True, help_text="Shop domain, store hash or Amazon marketplace id."
    )
    api_key = models.CharField(max_length=200, blank=True, help_text="Client id / consumer key (not secret).")
    api_secret = EncryptedTextField(blank=True, help_text="Client secret / consumer secret.")
    access_token = EncryptedTextField(blank=True, help_text="Access token (Shopify, BigCommerce).")
    refresh_token = EncryptedTextField(blank=True, help_text="Amazon LWA refresh token.")
    webhook_secret = EncryptedTextField(blank=True, help_text="Signs the channel's webhook deliveries.")
    previous_webhook_secret = EncryptedTextField(
        blank=True, help_text="Accepted too while the channel changes to the new secret."
    )
    location_map = models.JSONField(
        default=dict,
        blank=True,
        help_text='Channel location id -> our location code: {"local_pickup": "STORE1"}.',
    )
    own_fulfillment_services = models.JSONField(
        default=list, blank=True, help_text='Shopify fulfilment services that are us (default ["manual"]).'
    )
    field_mapping = models.JSONField(
        default=dict, blank=True, help_text="Generic JSON adapter: normalized field -> path in the document."
    )
    pull_enabled = models.BooleanField(default=False)
    pull_cursor = models.CharField(
        max_length=100, blank=True, help_text="Orders updated since this time are pulled next (ISO 8601)."
    )
    pull_every_minutes = models.PositiveIntegerField(
        default=15, help_text="How often the scheduled pull runs (its periodic task follows this)."
    )
    pull_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_pull_at = models.DateTimeField(null=True, blank=True)
    last_pull_error = models.TextField(blank=True)

    class Meta:
        ordering = ["channel__code"]

    def __str__(self) -> str:
        return f"connection of {self.channel_id}"

    def webhook_secrets(self) -> list[str]:
        return [secret for secret in (self.webhook_secret, self.previous_webhook_secret) if secret]
