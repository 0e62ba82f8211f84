"""Request and response shapes of the returns API. Money is a decimal string."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from inventory.models import Location
from oms.core.money import quantize

from ..models import Refund, ReturnAuthorization, ReturnLine, ReturnReceipt


def money(value, currency: str) -> str:
    return str(quantize(value, currency))


def named_choice_field(choices, component_name: str, **kwargs) -> serializers.ChoiceField:
    """A choice field documented as its own named enum component (no clash with other apps'
    enums of the same field name)."""

    @extend_schema_field(
        {"type": "string", "enum": [value for value, _label in choices]}, component_name=component_name
    )
    class NamedChoiceField(serializers.ChoiceField):
        pass

    return NamedChoiceField(choices=choices, **kwargs)


class MoneyField(serializers.DecimalField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 3)
        super().__init__(**kwargs)


# --- Requests ------------------------------------------------------------------------------


class CreateLineSerializer(serializers.Serializer):
    order_line = serializers.IntegerField(
        required=False, help_text="Order line id (from the order's detail)."
    )
    line_number = serializers.IntegerField(
        required=False, min_value=1, help_text="Or the line's number on the order (1, 2, ...)."
    )
    quantity = serializers.IntegerField(min_value=1, max_value=100_000)
    reason_code = serializers.ChoiceField(choices=ReturnLine.Reason.choices)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")

    def validate(self, attrs):
        if attrs.get("order_line") is None and attrs.get("line_number") is None:
            raise serializers.ValidationError("Give order_line or line_number.", code="required")
        return attrs


class ReturnCreateSerializer(serializers.Serializer):
    order = serializers.CharField(max_length=20, help_text="Order number.")
    lines = CreateLineSerializer(many=True, allow_empty=False, max_length=500)
    carrier = serializers.CharField(required=False, allow_blank=True, max_length=60, default="")
    tracking_number = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    notes = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class LocationCodeField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=Location.objects.filter(active=True), **kwargs)


class AuthorizeSerializer(serializers.Serializer):
    receiving_location = LocationCodeField(required=False, allow_null=True, help_text="Where to send it.")
    notes = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class ReturnReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ReturnCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class TrackingSerializer(serializers.Serializer):
    carrier = serializers.CharField(allow_blank=True, max_length=60)
    tracking_number = serializers.CharField(allow_blank=True, max_length=100)


class ReceiveLineSerializer(serializers.Serializer):
    return_line = serializers.IntegerField(help_text="Return line id.")
    quantity = serializers.IntegerField(min_value=1, max_value=100_000)
    condition = serializers.ChoiceField(choices=ReturnReceipt.Condition.choices)
    disposition = serializers.ChoiceField(choices=ReturnReceipt.Disposition.choices)


class ReceiveSerializer(serializers.Serializer):
    location = LocationCodeField(help_text="Location code where the goods arrived.")
    lines = ReceiveLineSerializer(many=True, allow_empty=False, max_length=500)


class RefundLineRequestSerializer(serializers.Serializer):
    return_line = serializers.IntegerField()
    quantity = serializers.IntegerField(min_value=1, max_value=100_000)


class RefundRequestSerializer(serializers.Serializer):
    lines = RefundLineRequestSerializer(
        many=True,
        required=False,
        allow_null=True,
        default=None,
        help_text="Omit to refund everything received and not yet refunded.",
    )
    include_shipping = serializers.BooleanField(required=False, default=False)
    restocking_fee = MoneyField(required=False, min_value=0, default="0")


class ResendRefundSerializer(serializers.Serializer):
    refund = serializers.IntegerField(help_text="Id of a failed refund of this return.")


class ExchangeLineSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=64)
    quantity = serializers.IntegerField(min_value=1, max_value=100_000)
    unit_price = MoneyField(min_value=0)


class ExchangeSerializer(serializers.Serializer):
    lines = ExchangeLineSerializer(many=True, allow_empty=False, max_length=100)


# --- Responses -----------------------------------------------------------------------------


class ReceiptSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    quantity = serializers.IntegerField()
    condition = serializers.CharField()
    disposition = serializers.CharField()
    location = serializers.CharField(source="location.code")
    actor = serializers.CharField(source="actor_label")
    created_at = serializers.DateTimeField()


class ReturnLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order_line = serializers.IntegerField(source="order_line_id")
    line_number = serializers.IntegerField(source="order_line.line_number")
    sku = serializers.CharField(source="order_line.sku_code")
    quantity = serializers.IntegerField()
    reason_code = serializers.CharField()
    customer_comment = serializers.CharField()
    quantity_received = serializers.IntegerField()
    quantity_restocked = serializers.IntegerField()
    quantity_scrapped = serializers.IntegerField()
    quantity_to_vendor = serializers.IntegerField()
    quantity_refunded = serializers.IntegerField()
    receipts = ReceiptSerializer(many=True)


class RefundLineSerializer(serializers.Serializer):
    return_line = serializers.IntegerField(source="return_line_id")
    quantity = serializers.IntegerField()
    amount = serializers.SerializerMethodField()

    def get_amount(self, line) -> str:
        return money(line.amount, self.context["currency"])


class RefundSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = named_choice_field(Refund.Status.choices, "RefundStatusEnum")
    currency = serializers.CharField()
    lines_amount = serializers.SerializerMethodField()
    shipping_amount = serializers.SerializerMethodField()
    restocking_fee = serializers.SerializerMethodField()
    total = serializers.SerializerMethodField()
    external_reference = serializers.CharField()
    failure_reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    lines = serializers.SerializerMethodField()

    def get_lines_amount(self, refund) -> str:
        return money(refund.lines_amount, refund.currency)

    def get_shipping_amount(self, refund) -> str:
        return money(refund.shipping_amount, refund.currency)

    def get_restocking_fee(self, refund) -> str:
        return money(refund.restocking_fee, refund.currency)

    def get_total(self, refund) -> str:
        return money(refund.total, refund.currency)

    @extend_schema_field(RefundLineSerializer(many=True))
    def get_lines(self, refund) -> list[dict]:
        return RefundLineSerializer(refund.lines.all(), many=True, context={"currency": refund.currency}).data


class ReturnListSerializer(serializers.Serializer):
    number = serializers.CharField()
    order = serializers.CharField(source="order.number")
    status = named_choice_field(ReturnAuthorization.Status.choices, "ReturnStatusEnum")
    return_carrier = serializers.CharField()
    tracking_number = serializers.CharField()
    receiving_location = serializers.CharField(
        source="receiving_location.code", allow_null=True, default=None
    )
    exchange_order = serializers.CharField(source="exchange_order.number", allow_null=True, default=None)
    created_at = serializers.DateTimeField()


class ReturnDetailSerializer(ReturnListSerializer):
    currency = serializers.CharField(source="order.currency")
    exchange_difference = serializers.SerializerMethodField()
    reject_reason = serializers.CharField()
    notes = serializers.CharField()
    created_by = serializers.SerializerMethodField()
    authorized_at = serializers.DateTimeField()
    rejected_at = serializers.DateTimeField()
    cancelled_at = serializers.DateTimeField()
    received_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField()
    lines = ReturnLineSerializer(many=True)
    refunds = RefundSerializer(many=True)

    def get_exchange_difference(self, rma) -> str | None:
        if rma.exchange_order_id is None:
            return None
        return money(rma.exchange_difference, rma.order.currency)

    @extend_schema_field(
        {"type": "object", "properties": {"kind": {"type": "string"}, "label": {"type": "string"}}}
    )
    def get_created_by(self, rma) -> dict:
        return {"kind": rma.created_by_kind, "label": rma.created_by_label}
