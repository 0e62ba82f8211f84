"""Inventory API serializers. They validate shape and resolve codes; services decide."""

from rest_framework import serializers

from oms.core.models import Channel

from ..models import Location, Sku, StockLevel, StockMovement, Transfer, normalize_code


class SkuSerializer(serializers.ModelSerializer):
    dropship_vendor = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Location.objects.filter(kind=Location.Kind.DROPSHIP),
        required=False,
        allow_null=True,
    )

    class Meta:
        model = Sku
        fields = [
            "code",
            "name",
            "barcode",
            "weight_grams",
            "length_mm",
            "width_mm",
            "height_mm",
            "active",
            "tags",
            "dropship_vendor",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate_code(self, value):
        code = normalize_code(value)
        if not code:
            raise serializers.ValidationError("A SKU code is required.", code="blank")
        taken = Sku.objects.filter(code=code)
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise serializers.ValidationError(f"SKU {code} already exists.", code="unique")
        return code

    def validate_tags(self, value):
        if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
            raise serializers.ValidationError("Tags must be a list of strings.", code="invalid")
        return value


class LocationSerializer(serializers.ModelSerializer):
    channels = serializers.SlugRelatedField(
        slug_field="code", queryset=Channel.objects.all(), many=True, required=False
    )

    class Meta:
        model = Location
        fields = [
            "code",
            "name",
            "kind",
            "address_line",
            "city",
            "region",
            "postal_code",
            "country_code",
            "latitude",
            "longitude",
            "can_ship",
            "can_pickup",
            "priority",
            "shipping_cost_base",
            "shipping_cost_per_km",
            "active",
            "channels",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate_country_code(self, value):
        value = value.upper()
        if len(value) != 2 or not value.isalpha():
            raise serializers.ValidationError("Use the two-letter ISO country code.", code="invalid")
        return value


class StockLevelSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="sku.code", read_only=True)
    sku_name = serializers.CharField(source="sku.name", read_only=True)
    location = serializers.CharField(source="location.code", read_only=True)
    available = serializers.IntegerField(source="available_units", read_only=True)

    class Meta:
        model = StockLevel
        fields = [
            "id",
            "sku",
            "sku_name",
            "location",
            "on_hand",
            "reserved",
            "safety_stock",
            "available",
            "updated_at",
        ]
        read_only_fields = fields


class StockMovementSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="sku.code", read_only=True)
    location = serializers.CharField(source="location.code", read_only=True)

    class Meta:
        model = StockMovement
        fields = [
            "id",
            "sku",
            "location",
            "kind",
            "on_hand_delta",
            "reserved_delta",
            "on_hand_after",
            "reserved_after",
            "reason",
            "reference",
            "actor_kind",
            "actor_label",
            "created_at",
        ]
        read_only_fields = fields


class SkuAvailabilitySerializer(serializers.Serializer):
    sku = serializers.CharField(source="code")
    name = serializers.CharField()
    on_hand = serializers.IntegerField(source="on_hand_total")
    reserved = serializers.IntegerField(source="reserved_total")
    available = serializers.IntegerField(source="available_total")


class ChannelAvailabilitySerializer(serializers.Serializer):
    sku = serializers.CharField(source="code")
    available = serializers.IntegerField(source="channel_available")


# --- write requests ---------------------------------------------------------------


def resolve_codes(model, codes: list[str], *, normalize=None) -> dict[str, object]:
    """Map each code to its row with one query; unknown codes are missing from the map."""
    normalize = normalize or (lambda code: code)
    wanted = {normalize(code) for code in codes}
    return {row.code: row for row in model.objects.filter(code__in=wanted)}


class LocationCodeField(serializers.SlugRelatedField):
    default_error_messages = {
        "does_not_exist": "Unknown location {value}.",
        "invalid": "Give a location code.",
    }

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=Location.objects.all(), **kwargs)


class SkuCodeField(serializers.SlugRelatedField):
    default_error_messages = {"does_not_exist": "Unknown SKU {value}.", "invalid": "Give a SKU code."}

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=Sku.objects.all(), **kwargs)

    def to_internal_value(self, data):
        return super().to_internal_value(normalize_code(data) if isinstance(data, str) else data)


class _LinesSerializer(serializers.Serializer):
    """Lines of SKU codes, resolved in one query; errors name `lines.<n>.sku`."""

    quantity_field = "quantity"

    def validate_lines(self, lines):
        if not lines:
            raise serializers.ValidationError("Give at least one line.", code="empty")
        skus = resolve_codes(Sku, [line["sku"] for line in lines], normalize=normalize_code)
        errors, seen = [], set()
        for line in lines:
            code = normalize_code(line["sku"])
            if code not in skus:
                errors.append({"sku": [serializers.ErrorDetail(f"Unknown SKU {code}.", "does_not_exist")]})
            elif code in seen:
                errors.append({"sku": [serializers.ErrorDetail(f"SKU {code} is listed twice.", "duplicate")]})
            else:
                errors.append({})
            seen.add(code)
            line["sku"] = skus.get(code)
        if any(errors):
            raise serializers.ValidationError(errors)
        return lines


class ReceiptLineSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=64)
    quantity = serializers.IntegerField(min_value=1, max_value=10_000_000)


class ReceiptSerializer(_LinesSerializer):
    location = LocationCodeField()
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    lines = ReceiptLineSerializer(many=True)


class CountLineSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=64)
    counted = serializers.IntegerField(min_value=0, max_value=10_000_000)


class CountSerializer(_LinesSerializer):
    location = LocationCodeField()
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    lines = CountLineSerializer(many=True)


class AdjustmentSerializer(serializers.Serializer):
    sku = SkuCodeField()
    location = LocationCodeField()
    delta = serializers.IntegerField(min_value=-10_000_000, max_value=10_000_000)
    reason = serializers.CharField(max_length=200)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")

    def validate_delta(self, value):
        if value == 0:
            raise serializers.ValidationError("An adjustment must change the quantity.", code="zero")
        return value


class TransferSerializer(serializers.Serializer):
    """Dispatch: the units leave `from_location` now and arrive when `to_location` receives them."""

    sku = SkuCodeField()
    from_location = LocationCodeField()
    to_location = LocationCodeField()
    quantity = serializers.IntegerField(min_value=1, max_value=10_000_000)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class StockWriteResultSerializer(serializers.Serializer):
    """The answer to a receipt, adjustment, transfer or count: the movements written."""

    movements = StockMovementSerializer(many=True)


class TransferReceiveSerializer(serializers.Serializer):
    quantity = serializers.IntegerField(
        min_value=0,
        max_value=10_000_000,
        required=False,
        help_text="Units that arrived; all that were sent when left out.",
    )
    note = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required when fewer units arrived than were sent: what happened to them.",
    )


class TransferCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class TransferOutSerializer(serializers.ModelSerializer):
    """A transfer with its ledger rows (out at dispatch, in at receipt or cancel)."""

    sku = serializers.CharField(source="sku.code", read_only=True)
    from_location = serializers.CharField(source="from_location.code", read_only=True)
    to_location = serializers.CharField(source="to_location.code", read_only=True)
    quantity_missing = serializers.IntegerField(read_only=True)
    movements = StockMovementSerializer(many=True, read_only=True)

    class Meta:
        model = Transfer
        fields = [
            "number",
            "state",
            "sku",
            "from_location",
            "to_location",
            "quantity",
            "quantity_received",
            "quantity_missing",
            "reference",
            "dispatched_by_label",
            "created_at",
            "received_by_label",
            "received_at",
            "receipt_note",
            "cancelled_at",
            "cancel_reason",
            "movements",
        ]
        read_only_fields = fields
