from django import forms
from django.contrib import admin
from import_export.admin import ImportExportModelAdmin

from oms.core.actor import Actor
from oms.core.admin_base import ImportProgressMixin, ReadOnlyAdmin, ReadOnlyInline, ServiceSavedAdmin

from . import services
from .models import (
    Carrier,
    FulfillmentChange,
    FulfillmentOrder,
    FulfillmentOrderLine,
    Package,
    PickBatch,
    RoutingRule,
    Shipment,
)
from .resources import RoutingRuleResource


class RoutingRuleForm(forms.ModelForm):
    class Meta:
        model = RoutingRule
        fields = [
            "name",
            "position",
            "active",
            "strategy",
            "channel",
            "country_code",
            "region",
            "postal_prefix",
            "sku_tag",
            "delivery_method",
            "include_locations",
            "exclude_locations",
            "include_kinds",
            "exclude_kinds",
        ]

    def clean(self):
        data = super().clean()
        problem = services.location_lists_problem(
            data.get("include_locations"), data.get("exclude_locations")
        )
        if problem:
            self.add_error("exclude_locations", problem)
        return data


@admin.register(RoutingRule)
class RoutingRuleAdmin(ServiceSavedAdmin, ImportProgressMixin, ImportExportModelAdmin):
    """Rules are tried in position order; the first whose conditions all match wins. Saved and
    deleted through fulfillment.services (list edits and imports too)."""

    resource_classes = [RoutingRuleResource]
    form = RoutingRuleForm
    list_display = [
        "position",
        "name",
        "active",
        "strategy",
        "channel",
        "country_code",
        "region",
        "postal_prefix",
        "sku_tag",
        "delivery_method",
    ]
    list_display_links = ["name"]
    list_editable = ["position", "active"]
    list_filter = ["active", "strategy", "delivery_method", "channel"]
    search_fields = ["name", "sku_tag", "postal_prefix", "region"]
    ordering = ["position", "id"]
    filter_horizontal = ["include_locations", "exclude_locations"]
    fieldsets = [
        (None, {"fields": ["name", "position", "active", "strategy"]}),
        (
            "Matches when (empty matches anything)",
            {"fields": ["channel", "country_code", "region", "postal_prefix", "sku_tag", "delivery_method"]},
        ),
        (
            "Locations",
            {"fields": ["include_locations", "exclude_locations", "include_kinds", "exclude_kinds"]},
        ),
    ]

    def save_through_service(self, request, obj, form):
        data = getattr(form, "cleaned_data", {})
        services.routing_rule_save(
            rule=obj,
            actor=Actor.for_user(request.user),
            include_locations=data.get("include_locations"),
            exclude_locations=data.get("exclude_locations"),
        )

    def has_delete_permission(self, request, obj=None):
        return admin.ModelAdmin.has_delete_permission(self, request, obj)

    def delete_model(self, request, obj):
        services.routing_rule_delete(rule=obj, actor=Actor.for_user(request.user))

    def delete_queryset(self, request, queryset):
        actor = Actor.for_user(request.user)
        for rule in queryset:
            services.routing_rule_delete(rule=rule, actor=actor)


class FulfillmentOrderLineInline(ReadOnlyInline):
    model = FulfillmentOrderLine
    fields = ["order_line", "sku", "quantity", "quantity_picked", "quantity_shipped", "quantity_cancelled"]
    readonly_fields = fields


class ShipmentInline(ReadOnlyInline):
    model = Shipment
    fields = ["carrier", "service", "tracking_number", "shipped_at", "delivered_at", "actor_label"]
    readonly_fields = fields


class PackageInline(ReadOnlyInline):
    model = Package
    fields = ["number", "weight_grams", "length_mm", "width_mm", "height_mm", "shipment", "created_at"]
    readonly_fields = fields


class FulfillmentChangeInline(ReadOnlyInline):
    model = FulfillmentChange
    fields = ["created_at", "kind", "message", "confirmed_at", "confirmed_by"]
    readonly_fields = fields


@admin.register(FulfillmentOrder)
class FulfillmentOrderAdmin(ReadOnlyAdmin):
    """Read-only: fulfillment work changes through the services (API, work queue)."""

    list_display = ["number", "order", "location", "kind", "state", "created_at", "shipped_at"]
    list_filter = ["state", "kind", "location"]
    search_fields = ["number", "order__number"]
    list_select_related = ["order", "location"]
    inlines = [FulfillmentOrderLineInline, PackageInline, ShipmentInline, FulfillmentChangeInline]
    readonly_fields = [f.name for f in FulfillmentOrder._meta.fields]


@admin.register(Shipment)
class ShipmentAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "fulfillment_order",
        "carrier",
        "service",
        "tracking_number",
        "shipped_at",
        "delivered_at",
    ]
    search_fields = ["tracking_number", "fulfillment_order__number", "fulfillment_order__order__number"]
    list_select_related = ["fulfillment_order"]
    readonly_fields = [f.name for f in Shipment._meta.fields]


@admin.register(Carrier)
class CarrierAdmin(admin.ModelAdmin):
    """The carrier registry: the ship step offers these carriers and their services, checks each
    tracking number against the pattern and links it through the URL template."""

    list_display = ["position", "name", "code", "active", "tracking_required", "tracking_example"]
    list_display_links = ["name"]
    list_editable = ["position", "active"]
    search_fields = ["name", "code"]
    fields = [
        "name",
        "code",
        "active",
        "position",
        "services",
        "tracking_required",
        "tracking_pattern",
        "tracking_example",
        "tracking_url_template",
    ]


@admin.register(PickBatch)
class PickBatchAdmin(ReadOnlyAdmin):
    list_display = ["number", "location", "created_at", "closed_at", "actor_label"]
    list_filter = ["location"]
    search_fields = ["number"]
    list_select_related = ["location"]
