"""Order admin: read-only records, actions that call services, CSV / XLSX import and export."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from import_export.admin import ExportMixin
from import_export.formats.base_formats import CSV, XLSX

from oms.core.actor import Actor
from oms.core.admin_base import ReadOnlyInline
from oms.core.errors import DomainError

from . import services
from .models import ChannelRefund, Hold, Order, OrderCharge, OrderEvent, OrderLine, TaxLine
from .resources import OrderExportResource, import_orders, load_dataset


class LineInline(ReadOnlyInline):
    model = OrderLine
    fields = (
        "line_number",
        "sku_code",
        "sku",
        "name",
        "quantity",
        "channel_line_id",
        "unit_price",
        "subtotal",
        "discount",
        "tax",
        "bundle_parent",
        "fulfilled_by_channel",
        "quantity_allocated",
        "quantity_shipped",
        "quantity_cancelled",
        "quantity_returned",
        "removed_at",
    )
    readonly_fields = fields


class HoldInline(ReadOnlyInline):
    model = Hold
    fields = (
        "kind",
        "reason",
        "opened_at",
        "opened_by_label",
        "released_at",
        "released_by_label",
        "release_reason",
    )
    readonly_fields = fields


class EventInline(ReadOnlyInline):
    model = OrderEvent
    fields = (
        "created_at",
        "kind",
        "from_status",
        "to_status",
        "message",
        "actor_kind",
        "actor_label",
        "payload",
    )
    readonly_fields = fields


class ChargeInline(ReadOnlyInline):
    model = OrderCharge
    fields = ("kind", "channel_line_id", "code", "title", "carrier", "amount", "discount", "tax")
    readonly_fields = fields


class TaxLineInline(ReadOnlyInline):
    model = TaxLine
    fields = ("line", "charge", "title", "rate", "amount")
    readonly_fields = fields


class ChannelRefundInline(ReadOnlyInline):
    model = ChannelRefund
    fields = (
        "channel_refund_id",
        "refunded_at",
        "amount",
        "recorded_amount",
        "shipping_amount",
        "note",
        "lines",
    )
    readonly_fields = fields


class ImportForm(forms.Form):
    file = forms.FileField(help_text="CSV or XLSX, one row per order line (the export's columns).")


@admin.register(Order)
class OrderAdmin(ExportMixin, admin.ModelAdmin):
    list_display = (
        "number",
        "channel",
        "external_id",
        "placed_at",
        "status",
        "payment_status",
        "customer_email",
        "total",
    )
    list_filter = ("status", "payment_status", "channel", "delivery_method")
    search_fields = ("=number", "=external_id", "=customer_email")
    list_select_related = ("channel",)
    date_hierarchy = "placed_at"
    show_full_result_count = False
    inlines = (LineInline, ChargeInline, TaxLineInline, ChannelRefundInline, HoldInline, EventInline)
    actions = ["anonymize_customer", "release_holds"]
    resource_classes = [OrderExportResource]
    formats = [CSV, XLSX]
    import_export_change_list_template = "orders/admin_change_list.html"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Order._meta.fields]

    def has_add_permission(self, request):
        return False  # orders come in through intake (API or import)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="orders_order_import"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not request.user.has_perm("orders.add_order"):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        result = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            file_format = upload.name.rsplit(".", 1)[-1].lower()
            try:
                dataset = load_dataset(upload.read(), file_format)
            except Exception as exc:  # tablib raises many kinds on unreadable files
                form.add_error("file", f"Cannot read this file: {exc}")
            else:
                result = import_orders(dataset, actor=Actor.for_user(request.user))
                if not result.errors:
                    messages.success(
                        request,
                        f"Imported {len(result.created)} orders ({len(result.held)} on hold); "
                        f"{len(result.existing)} were already here.",
                    )
                    return redirect("admin:orders_order_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import orders",
            "form": form,
            "result": result,
        }
        return TemplateResponse(request, "orders/admin_import.html", context)

    @admin.action(description="Anonymize customer data", permissions=["change"])
    def anonymize_customer(self, request, queryset):
        done = 0
        for order in queryset:
            try:
                services.order_anonymize(
                    order=order, actor=Actor.for_user(request.user), reason="Admin request."
                )
                done += 1
            except DomainError as error:
                messages.warning(request, f"{order.number}: {error.message}")
        messages.success(request, f"Anonymized {done} orders.")

    @admin.action(description="Release all open holds", permissions=["change"])
    def release_holds(self, request, queryset):
        actor = Actor.for_user(request.user)
        released = 0
        for order in queryset:
            for hold in order.holds.filter(released_at__isnull=True):
                try:
                    services.order_release_hold(
                        order=order, hold_id=hold.pk, actor=actor, reason="Released in admin."
                    )
                    released += 1
                except DomainError as error:
                    messages.warning(request, f"{order.number}: {error.message}")
        messages.success(request, f"Released {released} holds.")
