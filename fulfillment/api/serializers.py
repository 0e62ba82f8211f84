from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from inventory.models import Location

from ..models import FulfillmentOrder, FulfillmentOrderLine, Shipment, ShipmentLine


class FulfillmentOrderLineSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="sku.code", read_only=True)
    line_number = serializers.IntegerField(source="order_line.line_number", read_only=True)
    quantity_open = serializers.IntegerField(read_only=True)

    class Meta:
        model = FulfillmentOrderLine
        fields = [
            "id",
            "order_line",
            "line_number",
            "sku",
            "quantity",
            "quantity_picked",
            "quantity_shipped",
            "quantity_cancelled",
            "quantity_open",
        ]
        read_only_fields = fields


class ShipmentLineSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="fulfillment_line.sku.code", read_only=True)

    class Meta:
        model = ShipmentLine
        fields = ["fulfillment_line", "sku", "quantity"]
        read_only_fields = fields


class ShipmentSerializer(serializers.ModelSerializer):
    fulfillment_order = serializers.CharField(source="fulfillment_order.number", read_only=True)
    location = serializers.CharField(source="fulfillment_order.location.code", read_only=True)
    order = serializers.CharField(source="fulfillment_order.order.number", read_only=True)
    lines = ShipmentLineSerializer(many=True, read_only=True)
    # A pickup hand-over or a carrier without a tracking page has none: "" (documented as such).
    tracking_url = serializers.URLField(read_only=True, allow_blank=True)

    class Meta:
        model = Shipment
        fields = [
            "id",
            "fulfillment_order",
            "order",
            "location",
            "carrier",
            "service",
            "tracking_number",
            "tracking_url",
            "shipped_at",
            "delivered_at",
            "lines",
        ]
        read_only_fields = fields


class FulfillmentShipmentSerializer(ShipmentSerializer):
    class Meta(ShipmentSerializer.Meta):
        fields = [
            f for f in ShipmentSerializer.Meta.fields if f not in ("fulfillment_order", "order", "location")
        ]
        read_only_fields = fields


class FulfillmentOrderSerializer(serializers.ModelSerializer):
    order = serializers.CharField(source="order.number", read_only=True)
    order_status = serializers.CharField(source="order.status", read_only=True)
    location = serializers.CharField(source="location.code", read_only=True)
    lines = FulfillmentOrderLineSerializer(many=True, read_only=True)
    shipments = FulfillmentShipmentSerializer(many=True, read_only=True)

    class Meta:
        model = FulfillmentOrder
        fields = [
            "id",
            "number",
            "order",
            "order_id",
            "order_status",
            "location",
            "kind",
            "state",
            "created_at",
            "updated_at",
            "picked_at",
            "packed_at",
            "shipped_at",
            "delivered_at",
            "collected_by",
            "cancel_reason",
            "lines",
            "shipments",
        ]
        read_only_fields = fields


class LineQuantitySerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="Fulfillment order line id.")
    quantity = serializers.IntegerField(min_value=0)


def as_mapping(items) -> dict[int, int]:
    mapping: dict[int, int] = {}
    for item in items:
        mapping[item["line"]] = mapping.get(item["line"], 0) + item["quantity"]
    return mapping


class ConfirmPickSerializer(serializers.Serializer):
    lines = LineQuantitySerializer(
        many=True,
        required=False,
        default=list,
        help_text="Picked units per line; lines left out were picked in full.",
    )


class PackageSerializer(serializers.Serializer):
    carrier = serializers.CharField(max_length=60)
    service = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    tracking_number = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    tracking_url = serializers.URLField(max_length=300, required=False, allow_blank=True, default="")
    lines = LineQuantitySerializer(many=True, allow_empty=False)


class ShipSerializer(serializers.Serializer):
    packages = PackageSerializer(many=True, allow_empty=False)

    def to_packages(self) -> list[dict]:
        return [
            {**package, "lines": as_mapping(package["lines"])} for package in self.validated_data["packages"]
        ]


class CollectSerializer(serializers.Serializer):
    collected_by = serializers.CharField(max_length=200, help_text="Who took the goods (name, ID checked).")


@extend_schema_serializer(component_name="FulfillmentReason")
class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class RerouteSerializer(serializers.Serializer):
    location = serializers.SlugRelatedField(slug_field="code", queryset=Location.objects.filter(active=True))
    reason = serializers.CharField(max_length=300)
