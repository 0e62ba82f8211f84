"""Import / export of routing rules (CSV, XLSX) from the admin. Rules are keyed by name;
locations by code, channels by code; kinds as a comma-separated list."""

from import_export import fields, widgets

from inventory.models import Location
from oms.core.models import Channel
from oms.core.resources import ServiceSavedResource

from . import services
from .models import RoutingRule


class ListWidget(widgets.Widget):
    """["warehouse", "store"] <-> "warehouse,store"."""

    def clean(self, value, row=None, **kwargs):
        return sorted({part.strip().lower() for part in str(value or "").split(",") if part.strip()})

    def render(self, value, obj=None, **kwargs):
        return ",".join(value or [])


class RoutingRuleResource(ServiceSavedResource):
    channel = fields.Field(
        attribute="channel", column_name="channel", widget=widgets.ForeignKeyWidget(Channel, "code")
    )
    include_locations = fields.Field(
        attribute="include_locations",
        column_name="include_locations",
        widget=widgets.ManyToManyWidget(Location, field="code", separator=","),
    )
    exclude_locations = fields.Field(
        attribute="exclude_locations",
        column_name="exclude_locations",
        widget=widgets.ManyToManyWidget(Location, field="code", separator=","),
    )
    include_kinds = fields.Field(attribute="include_kinds", column_name="include_kinds", widget=ListWidget())
    exclude_kinds = fields.Field(attribute="exclude_kinds", column_name="exclude_kinds", widget=ListWidget())

    class Meta:
        model = RoutingRule
        import_id_fields = ["name"]
        fields = [
            "name",
            "position",
            "active",
            "channel",
            "country_code",
            "region",
            "postal_prefix",
            "sku_tag",
            "delivery_method",
            "strategy",
            "include_locations",
            "exclude_locations",
            "include_kinds",
            "exclude_kinds",
        ]
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def save_with_service(self, instance, *, m2m, actor):
        services.routing_rule_save(
            rule=instance,
            actor=actor,
            include_locations=m2m.get("include_locations"),
            exclude_locations=m2m.get("exclude_locations"),
        )
