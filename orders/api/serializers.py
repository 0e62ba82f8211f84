"""The normalized order schema (intake) and the order representations the API answers with.

Input serializers only check that a request is well-formed (400 with field errors
otherwise); what a well-formed order means for the business is decided in orders.services.
"""

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from oms.core.money import quantize

from ..models import Hold, Order

MAX_LINES = 500


class MoneyField(serializers.DecimalField):
    """Money travels as a decimal string ("19.99"), never as a JSON number."""

    default_error_messages = {"not_string": 'Send money as a decimal string, e.g. "19.99".'}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 3)
        kwargs.setdefault("min_value", Decimal("0"))
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_string")
        return super().to_internal_value(data)


def inline_choice_field(choices: list[str], **kwargs) -> serializers.ChoiceField:
    """A choice field documented with an inline enum (a subset of a model's choices would
    otherwise collide with the model's enum component in the OpenAPI schema)."""

    @extend_schema_field({"type": "string", "enum": list(choices)})
    class InlineChoiceField(serializers.ChoiceField):
        pass

    return InlineChoiceField(choices=choices, **kwargs)


class CustomerSerializer(serializers.Serializer):
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)


class AddressSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    line1 = serializers.CharField(required=False, allow_blank=True, max_length=200)
    line2 = serializers.CharField(required=False, allow_blank=True, max_length=200)
    city = serializers.CharField(required=False, allow_blank=True, max_length=100)
    region = serializers.CharField(required=False, allow_blank=True, max_length=100)
    postal_code = serializers.CharField(required=False, allow_blank=True, max_length=20)
    country_code = serializers.RegexField(
        r"^[A-Za-z]{2}$", required=False, allow_blank=True, help_text="ISO 3166-1 alpha-2."
    )
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, min_value=-90, max_value=90
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, min_value=-180, max_value=180
    )


class DeliverySerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=Order.DeliveryMethod.choices, default=Order.DeliveryMethod.SHIP)
    pickup_location = serializers.CharField(
        required=False, allow_blank=True, max_length=40, help_text="Location code; required for pickup."
    )

    def validate(self, attrs):
        if attrs.get("method") == Order.DeliveryMethod.PICKUP and not attrs.get("pickup_location"):
            raise serializers.ValidationError({"pickup_location": ["Required for pickup."]}, code="required")
        return attrs


class IntakeLineSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=64, help_text="The channel's SKU code.")
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    quantity = serializers.IntegerField(min_value=1, max_value=100_000)
    unit_price = MoneyField()
    discount = MoneyField(required=False, default="0", help_text="On the whole line.")
    tax = MoneyField(required=False, default="0", help_text="On the whole line.")


class TotalsSerializer(serializers.Serializer):
    subtotal = MoneyField(required=False, help_text="Sum of unit price x quantity.")
    discount = MoneyField(required=False, help_text="Sum of line discounts.")
    tax = MoneyField(required=False, help_text="Sum of line taxes.")
    total = MoneyField(help_text="subtotal - discount + tax + shipping_price.")


class OrderIntakeSerializer(serializers.Serializer):
    channel = serializers.SlugField(
        required=False,
        max_length=40,
        help_text="Channel code; optional when a channel posts with its own token.",
    )
    external_id = serializers.CharField(max_length=100, help_text="The order's id in the channel.")
    placed_at = serializers.DateTimeField()
    currency = serializers.RegexField(r"^[A-Za-z]{3}$", help_text="ISO 4217, e.g. USD.")
    customer = CustomerSerializer()
    shipping_address = AddressSerializer(required=False)
    billing_address = AddressSerializer(required=False)
    delivery = DeliverySerializer(required=False)
    lines = IntakeLineSerializer(many=True, allow_empty=False, max_length=MAX_LINES)
    shipping_price = MoneyField(required=False, default="0")
    totals = TotalsSerializer()
    payment_status = inline_choice_field(
        [Order.PaymentStatus.PENDING, Order.PaymentStatus.AUTHORIZED, Order.PaymentStatus.PAID],
        default=Order.PaymentStatus.PENDING,
    )
    ship_by = serializers.DateTimeField(
        required=False, allow_null=True, help_text="From the channel; else placed_at + channel handling days."
    )

    def validate_external_id(self, value):
        if not value.strip():
            raise serializers.ValidationError("May not be blank.", code="blank")
        return value.strip()


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


class OrderLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    line_number = serializers.IntegerField()
    sku = serializers.CharField()
    sku_known = serializers.BooleanField(help_text="False while the SKU is unknown or inactive.")
    name = serializers.CharField()
    unit_price = serializers.CharField()
    discount = serializers.CharField()
    tax = serializers.CharField()
    quantities = LineQuantitiesSerializer()
    removed = serializers.BooleanField()


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
    subtotal = serializers.CharField()
    discount = serializers.CharField()
    tax = serializers.CharField()
    shipping = serializers.CharField()
    total = serializers.CharField()
    refunded = serializers.CharField(help_text="Refunds the payment provider confirmed.")
    refund_pending = serializers.CharField(help_text="Refunds asked of the provider, not confirmed yet.")


class OrderDeliveryOutSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=Order.DeliveryMethod.choices)
    pickup_location = serializers.CharField(allow_null=True)


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
    totals = OrderTotalsSerializer()
    lines = OrderLineSerializer(many=True)
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
            },
            "totals": {
                "subtotal": money(order.subtotal, currency),
                "discount": money(order.discount_total, currency),
                "tax": money(order.tax_total, currency),
                "shipping": money(order.shipping_price, currency),
                "total": money(order.total, currency),
                "refunded": money(order.refunded_total, currency),
                "refund_pending": money(order.refund_pending_total, currency),
            },
            "lines": [
                {
                    "id": line.pk,
                    "line_number": line.line_number,
                    "sku": line.sku_code,
                    "sku_known": line.sku_id is not None,
                    "name": line.name,
                    "unit_price": money(line.unit_price, currency),
                    "discount": money(line.discount, currency),
                    "tax": money(line.tax, currency),
                    "quantities": {
                        "ordered": line.quantity,
                        "allocated": line.quantity_allocated,
                        "shipped": line.quantity_shipped,
                        "cancelled": line.quantity_cancelled,
                        "returned": line.quantity_returned,
                        "open": line.quantity_open,
                    },
                    "removed": line.removed_at is not None,
                }
                for line in order.lines.all()
            ],
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
