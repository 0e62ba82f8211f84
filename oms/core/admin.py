"""Admin for the kernel: sales channels (with their API tokens) and the outbox (read-only)."""

from django import forms
from django.contrib import admin, messages

from . import services
from .actor import Actor
from .adapters import adapter_kind_choices
from .admin_base import ReadOnlyAdmin, ServiceSavedAdmin
from .errors import DomainError
from .models import Channel, OutboxEvent


@admin.register(Channel)
class ChannelAdmin(ServiceSavedAdmin):
    """Channels are saved through oms.core.services (validated: a registered adapter)."""

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

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "adapter_kind":  # a choice of the adapters registered now
            return forms.ChoiceField(
                choices=adapter_kind_choices,
                initial=db_field.default,
                label="Adapter kind",
                help_text=db_field.help_text,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_through_service(self, request, obj, form):
        services.channel_save(channel=obj, actor=Actor.for_user(request.user))

    @admin.action(description="Issue a new API token (replaces the old one)", permissions=["change"])
    def issue_token(self, request, queryset):
        actor = Actor.for_user(request.user)
        for channel in queryset:
            try:
                token = services.channel_issue_token(channel=channel, actor=actor)
            except DomainError as error:
                messages.error(request, f"{channel.code}: {error.message}")
                continue
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
