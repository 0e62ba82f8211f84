"""Feeds admin: listings, each channel's feed settings (token write-only), the push log with
its status and a retry."""

from django import forms
from django.contrib import admin, messages
from django.db import models

from oms.core.admin_base import ReadOnlyAdmin
from oms.integrations.forms import url_https_formfield

from . import services
from .models import ChannelListing, FeedPush, FeedSettings


@admin.register(ChannelListing)
class ChannelListingAdmin(admin.ModelAdmin):
    list_display = (
        "channel",
        "sku",
        "external_id",
        "channel_sku",
        "parent_id",
        "inventory_item_id",
        "active",
    )
    list_filter = ("channel", "active")
    search_fields = ("sku__code", "external_id", "channel_sku", "inventory_item_id")
    list_select_related = ("channel", "sku")
    raw_id_fields = ("sku",)


class FeedSettingsForm(forms.ModelForm):
    auth_token = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Leave empty to keep the stored token. Stored encrypted, never shown.",
    )

    class Meta:
        model = FeedSettings
        formfield_callback = url_https_formfield
        fields = (
            "channel",
            "enabled",
            "interval_seconds",
            "debounce_seconds",
            "url",
            "auth_token",
            "location_id",
            "seller_id",
        )

    def clean_auth_token(self):
        return self.cleaned_data.get("auth_token") or (self.instance.auth_token if self.instance.pk else "")


@admin.register(FeedSettings)
class FeedSettingsAdmin(admin.ModelAdmin):
    form = FeedSettingsForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("channel", "enabled", "interval_seconds", "url", "last_push_at")
    readonly_fields = ("last_push_at",)


@admin.register(FeedPush)
class FeedPushAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "created_at",
        "channel",
        "kind",
        "status",
        "items",
        "attempts",
        "duration_ms",
        "message",
    )
    list_filter = ("status", "kind", "channel")
    date_hierarchy = "created_at"
    actions = ["retry"]

    def has_retry_permission(self, request):
        return request.user.has_perm("feeds.change_feedpush")

    @admin.action(permissions=["retry"], description="Retry: send the selected failed pushes again now")
    def retry(self, request, queryset):
        pushes = [services.feed_push_retry(push=push) for push in queryset.order_by("pk")]
        failed = sum(1 for push in pushes if push.status != FeedPush.Status.SENT)
        level = messages.WARNING if failed else messages.SUCCESS
        self.message_user(request, f"{len(pushes)} retried; {failed} not sent.", level)
