"""Admin for the kernel: sales channels (with their API tokens) and the outbox (read-only)."""

from django.contrib import admin, messages

from .admin_base import ReadOnlyAdmin
from .models import Channel, OutboxEvent


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "kind",
        "active",
        "pay_later_allowed",
        "payment_due_hours",
        "handling_days",
        "inventory_buffer",
        "has_token",
    )
    list_filter = ("kind", "active", "pay_later_allowed")
    search_fields = ("code", "name")
    readonly_fields = ("has_token", "created_at", "updated_at")
    actions = ["issue_token"]

    @admin.display(boolean=True, description="API token")
    def has_token(self, channel: Channel) -> bool:
        return bool(channel.api_token_digest)

    @admin.action(description="Issue a new API token (replaces the old one)", permissions=["change"])
    def issue_token(self, request, queryset):
        for channel in queryset:
            token = channel.issue_token()
            # Channel has no service module; the token digest is saved the admin's own way.
            self.save_model(request, channel, form=None, change=True)
            self.log_change(request, channel, "Issued a new API token.")
            messages.warning(
                request,
                f"New API token for {channel.code} - copy it now, it is not shown again: {token}",
            )


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyAdmin):
    """What was (or will be) told to other systems; read-only."""

    list_display = ("id", "topic", "aggregate_type", "aggregate_id", "status", "attempts", "created_at")
    list_filter = ("status", "aggregate_type", "topic")
    search_fields = ("=aggregate_id", "topic")
    date_hierarchy = "created_at"
    show_full_result_count = False
