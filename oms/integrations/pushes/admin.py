"""Channel pushes admin: every push with its status, attempts and last error; send failed ones
again."""

from django.contrib import admin, messages

from oms.core.actor import Actor
from oms.core.admin_base import ReadOnlyAdmin

from . import services
from .models import ChannelPush


@admin.register(ChannelPush)
class ChannelPushAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "created_at",
        "channel",
        "order",
        "kind",
        "aggregate",
        "status",
        "attempts",
        "last_status_code",
        "reference",
        "next_attempt_at",
    )
    list_filter = ("status", "kind", "channel")
    search_fields = ("order__number", "aggregate", "push_id", "reference")
    list_select_related = ("channel", "order")
    date_hierarchy = "created_at"
    actions = ["retry"]

    def has_retry_permission(self, request):
        return request.user.has_perm("pushes.change_channelpush")

    @admin.action(permissions=["retry"], description="Retry: send the selected failed pushes again")
    def retry(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        count = services.pushes_retry(ids=ids, actor=Actor.for_user(request.user))
        skipped = len(ids) - count
        note = f" {skipped} not failed, left as they are." if skipped else ""
        self.message_user(
            request, f"{count} pushes queued again.{note}", messages.WARNING if skipped else messages.SUCCESS
        )
