"""The normalized order schema (intake) and the order representations the API answers with.

Input serializers only check that a request is well-formed (400 with field errors
otherwise); what a well-formed order means for the business is decided in orders.services.
"""

from rest_framework import serializers

from oms.core.money import quantize

from ..models import Hold, Order, OrderCharge
from .intake import (  # noqa: F401 (the intake schema, re-exported for its users)
    MAX_LINES,
    AddressSerializer,
    CustomerSerializer,
    IntakeLineSerializer,
    MoneyField,
    OrderIntakeSerializer,
    inline_choice_field,
)
from .representation import order_channel_parts, order_lines, order_totals

# --- Responses ---------------------------------------------------------------------------


def money(value, currency: str) -> str:
    return str(quantize(value, currency))


def actor_repr(kind: str, label: str) -> dict:
    return {"kind": kind, "label": label}


class ActorSerializer(serializers.Serializer):
    kind = inline_choice_field(["user", "channel", "system"])
    label = serializers.CharField()


class LineQuantitiesSerializer(serializers.Serializer):
    ordered = serializers.IntegerField()
    allocated = serializers.IntegerField()
    shipped = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    returned = serializers.IntegerField()
    open = serializers.IntegerField(help_text="Neither shipped nor cancelled.")


class TaxLineOutSerializer(serializers.Serializer):
    title = serializers.CharField()
    rate = serializers.CharField(allow_null=True, help_text="A fraction: 0.0825 is 8.25%.")
    amount = serializers.CharField()


class NameValueOutSerializer(serializers.Serializer):
    name = serializers.CharField()
    value = serializers.CharField()


class ChannelLineSerializer(serializers.Serializer):
    line_id = serializers.CharField(help_text="The line's id in the channel.")
    sku = serializers.CharField(help_text="The SKU spelled as the channel sent it.")
    product_id = serializers.CharField()
    variant_id = serializers.CharField()


class OrderLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    line_number = serializers.IntegerField()
    sku = serializers.CharField()
    sku_known = serializers.BooleanField(help_text="False while the SKU is unknown or inactive.")
    name = serializers.CharField()
    channel = ChannelLineSerializer()
    unit_price = serializers.CharField()
    subtotal = serializers.CharField(help_text="The whole line before its discount.")
    discount = serializers.CharField()
    tax = serializers.CharField()
    exact = serializers.DictField(
        child=serializers.CharField(), help_text="unit_price, subtotal, discount, tax as stated (4 decimals)."
    )
    tax_lines = TaxLineOutSerializer(many=True)
    properties = NameValueOutSerializer(many=True)
    bundle = serializers.BooleanField(help_text="A bundle's parent: priced here, picked as its children.")
    bundle_parent = serializers.IntegerField(allow_null=True, help_text="The parent's line number.")
    fulfilled_by_channel = serializers.BooleanField()
    quantities = LineQuantitiesSerializer()
    removed = serializers.BooleanField()


class ChargeOutSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=OrderCharge.Kind.choices)
    channel_line_id = serializers.CharField()
    code = serializers.CharField()
    title = serializers.CharField()
    carrier = serializers.CharField()
    amount = serializers.CharField()
    discount = serializers.CharField()
    tax = serializers.CharField()
    tax_lines = TaxLineOutSerializer(many=True)


class ChannelRefundOutSerializer(serializers.Serializer):
    channel_refund_id = serializers.CharField()
    refunded_at = serializers.DateTimeField(allow_null=True)
    amount = serializers.CharField(help_text="As the channel stated it.")
    recorded = serializers.CharField(help_text="What was recorded (rounded to the minor unit).")
    shipping = serializers.CharField()
    note = serializers.CharField()
    lines = serializers.ListField(child=serializers.DictField())


class ChannelFactsSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="The order's status in the channel's words.")
    updated_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
    totals = serializers.DictField(child=serializers.CharField(), help_text="As the channel stated them.")
    discount_codes = serializers.ListField(child=serializers.DictField())
    attributes = NameValueOutSerializer(many=True)
    fulfilled_by_channel = serializers.BooleanField()
    taxes_included = serializers.BooleanField()


class HoldSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Hold.Kind.choices)
    reason = serializers.CharField()
    open = serializers.BooleanField()
    opened_at = serializers.DateTimeField()
    opened_by = ActorSerializer()
    released_at = serializers.DateTimeField(allow_null=True)
    released_by = ActorSerializer(allow_null=True)
    release_reason = serializers.CharField()


class OrderEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    message = serializers.CharField()
    payload = serializers.DictField()
    actor = ActorSerializer()
    created_at = serializers.DateTimeField()


class OrderTotalsSerializer(serializers.Serializer):
    """Rounded to the currency's minor unit for display; `exact` keeps 4 decimals."""

    subtotal = serializers.CharField()
    discount = serializers.CharField()
    tax = serializers.CharField()
    shipping = serializers.CharField()
    fees = serializers.CharField()
    total = serializers.CharField()
    refunded = serializers.CharField(help_text="Refunds the payment provider confirmed.")
    refund_pending = serializers.CharField(help_text="Refunds asked of the provider, not confirmed yet.")
    exact = serializers.DictField(child=serializers.CharField())


class OrderDeliveryOutSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=Order.DeliveryMethod.choices)
    pickup_location = serializers.CharField(allow_null=True)
    instructions = serializers.CharField()


class OrderListSerializer(serializers.Serializer):
    number = serializers.CharField()
    channel = serializers.CharField()
    external_id = serializers.CharField()
    placed_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=Order.Status.choices)
    payment_status = serializers.ChoiceField(choices=Order.PaymentStatus.choices)
    customer_name = serializers.CharField()
    customer_email = serializers.CharField()
    currency = serializers.CharField()
    total = serializers.CharField()

    def to_representation(self, order):
        return {
            "number": order.number,
            "channel": order.channel.code,
            "external_id": order.external_id,
            "placed_at": serializers.DateTimeField().to_representation(order.placed_at),
            "status": order.status,
            "payment_status": order.payment_status,
            "customer_name": order.customer_name,
            "customer_email": order.customer_email,
            "currency": order.currency,
            "total": money(order.total, order.currency),
        }


class OrderDetailSerializer(serializers.Serializer):
    """An order with its lines (quantities), holds and timeline. Expects the prefetches of
    orders.selectors.order_detail_queryset."""

    number = serializers.CharField()
    channel = serializers.CharField()
    external_id = serializers.CharField()
    placed_at = serializers.DateTimeField()
    ship_by = serializers.DateTimeField(allow_null=True)
    currency = serializers.CharField()
    status = serializers.ChoiceField(choices=Order.Status.choices)
    progress_status = serializers.CharField(help_text="The fulfillment status underneath a hold.")
    payment_status = serializers.ChoiceField(choices=Order.PaymentStatus.choices)
    customer = CustomerSerializer()
    shipping_address = AddressSerializer()
    billing_address = serializers.DictField()
    delivery = OrderDeliveryOutSerializer()
    customer_note = serializers.CharField()
    totals = OrderTotalsSerializer()
    channel_facts = ChannelFactsSerializer(source="*")
    lines = OrderLineSerializer(many=True)
    shipping_lines = ChargeOutSerializer(many=True)
    fees = ChargeOutSerializer(many=True)
    tax_lines = TaxLineOutSerializer(many=True, help_text="Order-level: in no line's or charge's tax.")
    refunds = ChannelRefundOutSerializer(many=True, help_text="Refunds the channel made.")
    documents = serializers.CharField(help_text="The channel documents this order came in (inbox API).")
    holds = HoldSerializer(many=True)
    timeline = OrderEventSerializer(many=True)
    anonymized_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()

    def to_representation(self, order):
        dt = serializers.DateTimeField().to_representation
        currency = order.currency
        return {
            "number": order.number,
            "channel": order.channel.code,
            "external_id": order.external_id,
            "placed_at": dt(order.placed_at),
            "ship_by": dt(order.ship_by) if order.ship_by else None,
            "currency": currency,
            "status": order.status,
            "progress_status": order.progress_status,
            "payment_status": order.payment_status,
            "customer": {
                "email": order.customer_email,
                "name": order.customer_name,
                "phone": order.customer_phone,
            },
            "shipping_address": {
                field: str(value) if field in ("latitude", "longitude") and value is not None else value
                for field, value in order.shipping_address.items()
            },
            "billing_address": order.billing_address,
            "delivery": {
                "method": order.delivery_method,
                "pickup_location": order.pickup_location.code if order.pickup_location_id else None,
                "instructions": order.delivery_instructions,
            },
            "customer_note": order.customer_note,
            "totals": order_totals(order),
            "lines": order_lines(order),
            **order_channel_parts(order),
            "holds": [
                {
                    "id": hold.pk,
                    "kind": hold.kind,
                    "reason": hold.reason,
                    "open": hold.is_open,
                    "opened_at": dt(hold.opened_at),
                    "opened_by": actor_repr(hold.opened_by_kind, hold.opened_by_label),
                    "released_at": dt(hold.released_at) if hold.released_at else None,
                    "released_by": actor_repr(hold.released_by_kind, hold.released_by_label)
                    if hold.released_at
                    else None,
                    "release_reason": hold.release_reason,
                }
                for hold in order.holds.all()
            ],
            "timeline": [
                {
                    "id": event.pk,
                    "kind": event.kind,
                    "from_status": event.from_status,
                    "to_status": event.to_status,
                    "message": event.message,
                    "payload": event.payload,
                    "actor": actor_repr(event.actor_kind, event.actor_label),
                    "created_at": dt(event.created_at),
                }
                for event in order.events.all()
            ],
            "anonymized_at": dt(order.anonymized_at) if order.anonymized_at else None,
            "created_at": dt(order.created_at),
        }


# --- Actions -----------------------------------------------------------------------------


class HoldRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Hold.Kind.choices)
    reason = serializers.CharField(max_length=2000)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class OptionalReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReleaseRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text="Why the order may go on: required.")
    override = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Release a payment hold before the payment is authorized or paid, or an exception "
        "hold over totals that do not add up; recorded with the reason. Unknown SKUs, incomplete "
        "addresses and pickup locations must be fixed instead.",
    )


class CancelLineSerializer(serializers.Serializer):
    line_id = serializers.IntegerField()
    quantity = serializers.IntegerField(min_value=1)


class CancelLinesRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
    lines = CancelLineSerializer(many=True, allow_empty=False)

    def validate_lines(self, lines):
        ids = [line["line_id"] for line in lines]
        if len(ids) != len(set(ids)):
            raise serializers.ValidationError("Name each line once.", code="duplicate")
        return lines


class EditAddressRequestSerializer(serializers.Serializer):
    shipping_address = AddressSerializer(required=False)
    pickup_location = serializers.CharField(required=False, max_length=40, help_text="Switch to pickup here.")
    delivery_method = serializers.ChoiceField(
        choices=Order.DeliveryMethod.choices,
        required=False,
        help_text='"ship" re-routes a pickup order to be shipped (to shipping_address, or the address it '
        "has); without it the address of a pickup order is not changed.",
    )
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if not ({"shipping_address", "delivery_method"} & set(attrs) or attrs.get("pickup_location")):
            raise serializers.ValidationError(
                "Send shipping_address, pickup_location or delivery_method.", code="required"
            )
        return attrs


class EditLineSerializer(serializers.Serializer):
    line_id = serializers.IntegerField()
    quantity = serializers.IntegerField(min_value=1, max_value=100_000, required=False)
    sku = serializers.CharField(max_length=64, required=False, help_text="A new (or fixed) SKU code.")

    def validate(self, attrs):
        if "quantity" not in attrs and "sku" not in attrs:
            raise serializers.ValidationError("Send quantity or sku.", code="required")
        return attrs


class EditLinesRequestSerializer(serializers.Serializer):
    update = EditLineSerializer(many=True, required=False, default=list)
    add = IntakeLineSerializer(many=True, required=False, default=list)
    remove = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if not (attrs["update"] or attrs["add"] or attrs["remove"]):
            raise serializers.ValidationError("Send update, add or remove.", code="required")
        return attrs


class NoteRequestSerializer(serializers.Serializer):
    message = serializers.CharField(max_length=5000)


class PaymentRequestSerializer(serializers.Serializer):
    status = inline_choice_field(
        [Order.PaymentStatus.AUTHORIZED, Order.PaymentStatus.PAID, Order.PaymentStatus.VOIDED]
    )
    reference = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
