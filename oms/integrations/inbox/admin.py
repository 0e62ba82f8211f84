"""Inbox admin: every document with its raw body and error; correct a document, replay it."""

from django.contrib import admin, messages

from oms.core.actor import Actor

from . import services
from .models import InboxDocument


@admin.register(InboxDocument)
class InboxDocumentAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "received_at",
        "channel",
        "source",
        "topic",
        "external_id",
        "status",
        "outcome",
        "times_received",
        "order",
    )
    list_filter = ("status", "source", "channel")
    search_fields = ("external_id", "delivery_id", "topic", "order__number")
    list_select_related = ("channel", "order")
    date_hierarchy = "received_at"
    actions = ["replay"]
    fields = (
        "channel",
        "source",
        "topic",
        "delivery_id",
        "received_at",
        "times_received",
        "last_received_at",
        "content_type",
        "headers",
        "body",
        "corrected_body",
        "status",
        "outcome",
        "attempts",
        "error",
        "processed_at",
        "external_id",
        "order",
    )
    readonly_fields = tuple(name for name in fields if name != "corrected_body")

    def has_add_permission(self, request):
        return False  # documents come from channels (webhooks, pulls, the import endpoint)

    def has_delete_permission(self, request, obj=None):
        return False  # the retention task purges them

    def save_model(self, request, obj, form, change):
        services.inbox_correct(
            document=obj, corrected_body=obj.corrected_body, actor=Actor.for_user(request.user)
        )

    @admin.action(description="Replay: process the selected documents again")
    def replay(self, request, queryset):
        actor = Actor.for_user(request.user)
        documents = list(queryset.order_by("pk"))
        for document in documents:
            services.inbox_replay(document=document, actor=actor)
        failed = InboxDocument.objects.filter(
            pk__in=[d.pk for d in documents], status=InboxDocument.Status.FAILED
        ).count()
        level = messages.WARNING if failed else messages.SUCCESS
        self.message_user(request, f"{len(documents)} replayed; {failed} failed again.", level)
