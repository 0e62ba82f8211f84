"""Webhooks admin: endpoints (the secret is shown once, on creation or rotation), deliveries with
their attempt log, redelivery of selected deliveries or of an endpoint's recent ones."""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.utils import timezone

from oms.core.actor import Actor

from . import services
from .errors import WebhookError
from .events import valid_pattern
from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from .urlsafety import UnsafeUrl, check_url


class EndpointForm(forms.ModelForm):
    url = forms.URLField(max_length=500, assume_scheme="https", help_text="https://... (no redirects).")
    events = forms.CharField(help_text='Comma-separated: "order.shipped, order.*" or "*".')
    new_secret = forms.CharField(
        required=False,
        label="Secret",
        help_text="whsec_... Leave blank to have one generated (shown once after saving).",
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "events", "active", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["events"] = ", ".join(self.instance.events)

    def clean_url(self):
        try:
            check_url(self.cleaned_data["url"], resolve=False)
        except UnsafeUrl as error:
            raise forms.ValidationError(str(error)) from error
        return self.cleaned_data["url"]

    def clean_events(self):
        events = [part.strip() for part in self.cleaned_data["events"].split(",") if part.strip()]
        bad = [pattern for pattern in events if not valid_pattern(pattern)]
        if bad or not events:
            raise forms.ValidationError(f"Not an event type or pattern: {', '.join(bad) or '(none)'}.")
        return events

    def clean_new_secret(self):
        secret = self.cleaned_data.get("new_secret") or ""
        if secret:
            try:
                services.secret_check(secret)
            except WebhookError as error:
                raise forms.ValidationError(error.message) from error
        return secret


class AttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ("started_at", "status_code", "succeeded", "duration_ms", "error", "response_excerpt")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = EndpointForm
    list_display = ("id", "url", "active", "description", "consecutive_failures", "disabled_reason")
    list_filter = ("active",)
    search_fields = ("url", "description")
    actions = ["rotate_secret", "redeliver_last_day", "redeliver_dead"]

    def get_fields(self, request, obj=None):
        fields = ["url", "events", "active", "description"]
        return fields if obj is not None else [*fields, "new_secret"]  # rotate a secret with the action

    def save_model(self, request, obj, form, change):
        actor = Actor.for_user(request.user)
        data = form.cleaned_data
        if change:
            fields = {name: data[name] for name in ("url", "events", "active", "description")}
            saved = services.endpoint_update(endpoint=obj, actor=actor, **fields)
        else:
            saved = services.endpoint_create(
                actor=actor,
                url=data["url"],
                events=data["events"],
                secret=data.get("new_secret") or "",
                active=data["active"],
                description=data["description"],
            )
            self.message_user(
                request,
                f"The endpoint's secret (shown this once, keep it now): {saved.secret}",
                messages.WARNING,
            )
        obj.pk, obj.secret = saved.pk, saved.secret
        obj.refresh_from_db()

    def delete_model(self, request, obj):
        services.endpoint_delete(endpoint=obj, actor=Actor.for_user(request.user))

    def delete_queryset(self, request, queryset):
        for endpoint in queryset.order_by("pk"):
            services.endpoint_delete(endpoint=endpoint, actor=Actor.for_user(request.user))

    @admin.action(description="Rotate the secret (the old one signs for 24 hours more)")
    def rotate_secret(self, request, queryset):
        for endpoint in queryset.order_by("pk"):
            rotated = services.endpoint_rotate_secret(endpoint=endpoint, actor=Actor.for_user(request.user))
            self.message_user(
                request, f"{endpoint}: new secret (shown once): {rotated.secret}", messages.WARNING
            )

    @admin.action(description="Redeliver everything of the last 24 hours")
    def redeliver_last_day(self, request, queryset):
        self._redeliver(request, queryset, None)

    @admin.action(description="Redeliver the dead letters of the last 7 days")
    def redeliver_dead(self, request, queryset):
        self._redeliver(request, queryset, [WebhookDelivery.Status.DEAD], days=7)

    def _redeliver(self, request, queryset, statuses, days: int = 1):
        since = timezone.now() - timedelta(days=days)
        total = sum(
            services.endpoint_redeliver_range(
                endpoint=endpoint, since=since, statuses=statuses, actor=Actor.for_user(request.user)
            )
            for endpoint in queryset.order_by("pk")
        )
        self.message_user(request, f"{total} deliveries queued again.", messages.SUCCESS)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "created_at",
        "endpoint",
        "topic",
        "aggregate_id",
        "status",
        "attempts",
        "last_status_code",
    )
    list_filter = ("status", "endpoint", "topic")
    search_fields = ("aggregate_id", "message_id", "topic")
    list_select_related = ("endpoint",)
    date_hierarchy = "created_at"
    actions = ["redeliver"]
    inlines = [AttemptInline]
    fields = (
        "endpoint",
        "message_id",
        "topic",
        "aggregate_type",
        "aggregate_id",
        "sequence",
        "status",
        "attempts",
        "next_attempt_at",
        "leased_until",
        "last_status_code",
        "last_error",
        "created_at",
        "delivered_at",
        "dead_at",
        "body",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # deliveries come from the outbox

    def has_delete_permission(self, request, obj=None):
        return False  # the retention task purges them

    @admin.action(description="Redeliver the selected deliveries")
    def redeliver(self, request, queryset):
        count = services.deliveries_redeliver(
            ids=list(queryset.values_list("pk", flat=True)), actor=Actor.for_user(request.user)
        )
        self.message_user(request, f"{count} deliveries queued again.", messages.SUCCESS)
