"""ERP admin: the connection (token write-only), every export with its status and a retry,
every imported file with its report."""

from django import forms
from django.contrib import admin, messages
from django.db import models

from oms.core.admin_base import ReadOnlyAdmin
from oms.integrations.forms import url_https_formfield

from . import services
from .models import ErpConnection, ErpCursor, ErpExport, ErpImport


class ErpConnectionForm(forms.ModelForm):
    auth_token = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Leave empty to keep the stored token. Stored encrypted, never shown.",
    )
    clear_auth_token = forms.BooleanField(required=False, help_text="Remove the stored token.")

    class Meta:
        model = ErpConnection
        formfield_callback = url_https_formfield
        fields = (
            "name",
            "enabled",
            "endpoint_url",
            "auth_token",
            "export_folder",
            "import_folder",
            "batch_size",
            "timeout_seconds",
        )

    def clean_auth_token(self):
        token = self.cleaned_data.get("auth_token")
        if self.cleaned_data.get("clear_auth_token"):
            return ""
        return token or (self.instance.auth_token if self.instance.pk else "")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("clear_auth_token"):
            cleaned["auth_token"] = ""
        return cleaned


@admin.register(ErpConnection)
class ErpConnectionAdmin(admin.ModelAdmin):
    form = ErpConnectionForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("name", "enabled", "endpoint_url", "export_folder", "import_folder", "has_token")

    @admin.display(boolean=True, description="token")
    def has_token(self, obj):
        return bool(obj.auth_token)


@admin.register(ErpCursor)
class ErpCursorAdmin(ReadOnlyAdmin):
    list_display = ("connection", "target", "position", "gap_count", "updated_at")

    @admin.display(description="ids awaited")
    def gap_count(self, obj):
        return sum(last - first + 1 for first, last, _seen in obj.gaps)


@admin.register(ErpExport)
class ErpExportAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "created_at",
        "connection",
        "target",
        "status",
        "counts",
        "first_event_id",
        "last_event_id",
        "attempts",
        "sent_at",
        "last_error",
    )
    list_filter = ("status", "target", "connection")
    date_hierarchy = "created_at"
    actions = ["retry"]
    exclude = ("documents",)

    def has_retry_permission(self, request):
        return request.user.has_perm("erp.change_erpexport")

    @admin.action(permissions=["retry"], description="Retry: send the selected exports now")
    def retry(self, request, queryset):
        exports = [services.erp_export_retry(export=export) for export in queryset.order_by("pk")]
        failed = sum(1 for export in exports if export.status != ErpExport.Status.SENT)
        level = messages.WARNING if failed else messages.SUCCESS
        self.message_user(request, f"{len(exports)} retried; {failed} not sent.", level)


@admin.register(ErpImport)
class ErpImportAdmin(ReadOnlyAdmin):
    list_display = ("id", "created_at", "file_name", "kind", "status", "rows", "moved_to")
    list_filter = ("status", "kind")
    search_fields = ("file_name",)
    readonly_fields = (
        "connection",
        "file_name",
        "kind",
        "status",
        "rows",
        "report",
        "moved_to",
        "created_at",
    )
