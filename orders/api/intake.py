"""The normalized order schema: what intake accepts from any channel (API, inbox, admin import).

Only well-formedness is checked here (400 with field errors otherwise); what a well-formed order
means for the business is decided in orders.services. Money travels as decimal strings with up
to 4 decimals and is kept exactly as stated; timestamps must carry an offset.

How the parts add up (every component the channel states has a place, so nothing is lost and a
consistent order never lands on a false totals hold):
    subtotal  = sum of line subtotals (a line's `subtotal`, else unit_price x quantity)
    discount  = line discounts + shipping-line discounts + order_discount
    tax       = line tax + shipping-line tax + fee tax + order-level `tax_lines`
    total     = subtotal - discount + shipping + fees + tax (tax is not added when
                taxes_included: prices contain it already)
"""

from decimal import Decimal
from functools import cache

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from oms.core.money import EXACT_DIGITS, EXACT_MAX, EXACT_PLACES, ZERO

from ..models import Order, OrderCharge

MAX_LINES = 500
MAX_PARTS = 100  # tax lines, charges, properties, refunds, codes: per list


class MoneyField(serializers.DecimalField):
    """Money travels as a decimal string ("19.99", up to 4 decimals), never as a JSON number."""

    default_error_messages = {"not_string": 'Send money as a decimal string, e.g. "19.99".'}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", EXACT_DIGITS)
        kwargs.setdefault("decimal_places", EXACT_PLACES)
        kwargs.setdefault("min_value", ZERO)
        kwargs.setdefault("max_value", EXACT_MAX)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_string")
        return super().to_internal_value(data)


def signed_money(**kwargs) -> MoneyField:
    return MoneyField(min_value=-EXACT_MAX, **kwargs)


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 timestamp with its UTC offset ("Z" or "+02:00"): one without an offset is
    refused rather than read as UTC without a word."""

    default_error_messages = {"naive": "Give the time with its UTC offset, e.g. 2026-03-02T14:05:00Z."}

    def enforce_timezone(self, value):
        if value.tzinfo is None or value.utcoffset() is None:
            self.fail("naive")
        return super().enforce_timezone(value)


def inline_choice_field(choices: list[str], **kwargs) -> serializers.ChoiceField:
    """A choice field documented with an inline enum (a subset of a model's choices would
    otherwise collide with the model's enum component in the OpenAPI schema)."""

    @extend_schema_field({"type": "string", "enum": list(choices)})
    class InlineChoiceField(serializers.ChoiceField):
        pass

    return InlineChoiceField(choices=choices, **kwargs)


def currency_field(**kwargs) -> serializers.RegexField:
    kwargs.setdefault("help_text", "ISO 4217, e.g. USD.")
    return serializers.RegexField(r"^[A-Za-z]{3}$", **kwargs)


def stated_currency():
    return currency_field(
        required=False,
        help_text="When the channel names the currency of this part: another than the order's puts "
        "the order on an exception hold.",
    )


class CustomerSerializer(serializers.Serializer):
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)


class AddressSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    company = serializers.CharField(required=False, allow_blank=True, max_length=200)
    line1 = serializers.CharField(required=False, allow_blank=True, max_length=200)
    line2 = serializers.CharField(required=False, allow_blank=True, max_length=200)
    city = serializers.CharField(required=False, allow_blank=True, max_length=100)
    region = serializers.CharField(required=False, allow_blank=True, max_length=100)
    postal_code = serializers.CharField(required=False, allow_blank=True, max_length=20)
    country_code = serializers.RegexField(
        r"^[A-Za-z]{2}$", required=False, allow_blank=True, help_text="ISO 3166-1 alpha-2."
    )
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
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
    instructions = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text="Delivery instructions for the carrier."
    )

    def validate(self, attrs):
        if attrs.get("method") == Order.DeliveryMethod.PICKUP and not attrs.get("pickup_location"):
            raise serializers.ValidationError({"pickup_location": ["Required for pickup."]}, code="required")
        return attrs


class NameValueSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    value = serializers.CharField(max_length=2000, allow_blank=True)


class TaxLineSerializer(serializers.Serializer):
    title = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text='e.g. "CA State Tax".'
    )
    rate = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        required=False,
        allow_null=True,
        min_value=Decimal("0"),
        help_text="A fraction: 0.0825 for 8.25%.",
    )
    amount = MoneyField()
    currency = stated_currency()


class IntakeLineSerializer(serializers.Serializer):
    channel_line_id = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="The line's id in the channel (a string: ids past 2^53 and leading zeros survive). "
        "Updates, refunds and cancellations name lines by it.",
    )
    sku = serializers.CharField(max_length=64, help_text="The channel's SKU code (kept as spelled too).")
    channel_product_id = serializers.CharField(required=False, allow_blank=True, max_length=100)
    channel_variant_id = serializers.CharField(required=False, allow_blank=True, max_length=100)
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    quantity = serializers.IntegerField(min_value=1, max_value=100_000)
    unit_price = MoneyField(required=False, help_text="Required unless `subtotal` is given.")
    subtotal = MoneyField(
        required=False,
        help_text="The whole line before its discount, when the channel states that (Amazon ItemPrice); "
        "else unit_price x quantity.",
    )
    discount = MoneyField(required=False, default="0", help_text="On the whole line.")
    tax = MoneyField(required=False, help_text="On the whole line; default: the sum of its tax_lines.")
    tax_lines = TaxLineSerializer(many=True, required=False, default=list, max_length=MAX_PARTS)
    properties = NameValueSerializer(
        many=True, required=False, default=list, max_length=MAX_PARTS, help_text="Options, personalisation."
    )
    bundle_parent = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="The channel_line_id of this line's bundle parent: children are picked, the parent "
        "carries the price and is never sourced.",
    )
    fulfilled_by_channel = serializers.BooleanField(
        required=False, help_text="The channel ships this line itself; default: the order's."
    )
    quantity_shipped = serializers.IntegerField(
        required=False,
        default=0,
        min_value=0,
        max_value=100_000,
        help_text="Units the channel shipped; recorded for lines the channel fulfils only (the OMS "
        "records its own shipments).",
    )
    quantity_cancelled = serializers.IntegerField(
        required=False, default=0, min_value=0, max_value=100_000, help_text="Units the channel cancelled."
    )
    currency = stated_currency()

    def validate(self, attrs):
        if "unit_price" not in attrs and "subtotal" not in attrs:
            raise serializers.ValidationError(
                {"unit_price": ["Send unit_price or subtotal."]}, code="required"
            )
        if attrs["quantity_shipped"] + attrs["quantity_cancelled"] > attrs["quantity"]:
            raise serializers.ValidationError(
                {"quantity_cancelled": ["Shipped and cancelled units cannot exceed the quantity."]},
                code="invalid",
            )
        if attrs.get("unit_price") is not None and attrs["unit_price"] * attrs["quantity"] > EXACT_MAX:
            raise serializers.ValidationError({"unit_price": ["unit_price x quantity is too large."]})
        return attrs


class ChargeSerializer(serializers.Serializer):
    channel_line_id = serializers.CharField(required=False, allow_blank=True, max_length=100)
    code = serializers.CharField(required=False, allow_blank=True, max_length=100)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    discount = MoneyField(required=False, default="0")
    tax = MoneyField(required=False, help_text="Default: the sum of its tax_lines.")
    tax_lines = TaxLineSerializer(many=True, required=False, default=list, max_length=MAX_PARTS)
    currency = stated_currency()


class ShippingLineSerializer(ChargeSerializer):
    code = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text='Shipping method, e.g. "flat_rate".'
    )
    carrier = serializers.CharField(required=False, allow_blank=True, max_length=100)
    price = MoneyField(help_text="Before its discount.")


FEE_KINDS = [kind for kind in OrderCharge.Kind.values if kind != OrderCharge.Kind.SHIPPING]


class FeeSerializer(ChargeSerializer):
    kind = inline_choice_field(FEE_KINDS, default=OrderCharge.Kind.OTHER)
    amount = signed_money(help_text="Negative for a credit (a WooCommerce fee line can be).")


class DiscountCodeSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=100, allow_blank=True)
    type = serializers.CharField(
        required=False, allow_blank=True, max_length=40, help_text="fixed_amount, percentage, shipping..."
    )
    amount = MoneyField(
        required=False, help_text="What the code took off; already in the line / shipping discounts."
    )


class RefundLineSerializer(serializers.Serializer):
    channel_line_id = serializers.CharField(max_length=100)
    quantity = serializers.IntegerField(required=False, default=0, min_value=0, max_value=100_000)
    amount = MoneyField(required=False, default="0")


class RefundSerializer(serializers.Serializer):
    channel_refund_id = serializers.CharField(max_length=100, help_text="Recorded once per id.")
    refunded_at = AwareDateTimeField(required=False, allow_null=True)
    amount = MoneyField(help_text="The money that went back, shipping included.")
    shipping = MoneyField(required=False, default="0", help_text="Part of amount that refunds shipping.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    lines = RefundLineSerializer(many=True, required=False, default=list, max_length=MAX_LINES)
    currency = stated_currency()


class TotalsSerializer(serializers.Serializer):
    subtotal = MoneyField(required=False, help_text="Lines before discounts.")
    discount = MoneyField(required=False, help_text="Line, shipping and order discounts.")
    tax = MoneyField(required=False, help_text="All tax: lines, shipping, fees and order-level.")
    shipping = MoneyField(required=False, help_text="Shipping lines before their discounts.")
    fees = signed_money(required=False, help_text="Fee lines.")
    total = MoneyField(help_text="subtotal - discount + shipping + fees + tax (tax: unless taxes_included).")
    refunded = MoneyField(
        required=False,
        help_text="What the channel refunded so far, when it states only that sum (BigCommerce "
        "refunded_amount); the part that no listed refund explains is recorded as one refund.",
    )


class OrderIntakeSerializer(serializers.Serializer):
    channel = serializers.SlugField(
        required=False,
        max_length=40,
        help_text="Channel code; optional when a channel posts with its own token.",
    )
    external_id = serializers.CharField(max_length=100, help_text="The order's id in the channel.")
    placed_at = AwareDateTimeField()
    updated_at = AwareDateTimeField(
        required=False,
        allow_null=True,
        help_text="The channel's updated-at: an update older than the last one applied is ignored.",
    )
    currency = currency_field()
    channel_status = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="The order's status in the channel's words.",
    )
    customer = CustomerSerializer()
    customer_note = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    shipping_address = AddressSerializer(required=False)
    billing_address = AddressSerializer(required=False)
    delivery = DeliverySerializer(required=False)
    fulfilled_by_channel = serializers.BooleanField(
        default=False,
        help_text="The channel ships the order itself (Amazon FBA): never sourced, reserved or picked by "
        "the OMS; still counted in reporting.",
    )
    taxes_included = serializers.BooleanField(default=False, help_text="Prices include their tax.")
    lines = IntakeLineSerializer(many=True, allow_empty=False, max_length=MAX_LINES)
    shipping_price = MoneyField(required=False, help_text="Shorthand for one shipping line at this price.")
    shipping_lines = ShippingLineSerializer(many=True, required=False, max_length=MAX_PARTS)
    fees = FeeSerializer(many=True, required=False, default=list, max_length=MAX_PARTS)
    tax_lines = TaxLineSerializer(
        many=True,
        required=False,
        default=list,
        max_length=MAX_PARTS,
        help_text="Tax on the order as a whole, in no line's, shipping line's or fee's tax.",
    )
    order_discount = MoneyField(
        required=False, default="0", help_text="Discount on the order as a whole, in no line's discount."
    )
    discount_codes = DiscountCodeSerializer(many=True, required=False, default=list, max_length=MAX_PARTS)
    attributes = NameValueSerializer(
        many=True,
        required=False,
        default=list,
        max_length=MAX_PARTS,
        help_text="Order-level name/value notes.",
    )
    totals = TotalsSerializer()
    payment_status = serializers.ChoiceField(
        choices=Order.PaymentStatus.choices, default=Order.PaymentStatus.PENDING
    )
    refunds = RefundSerializer(many=True, required=False, default=list, max_length=MAX_PARTS)
    cancelled_at = AwareDateTimeField(
        required=False,
        allow_null=True,
        help_text="The channel cancelled the order: whatever is open is cancelled.",
    )
    cancel_reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    ship_by = AwareDateTimeField(
        required=False, allow_null=True, help_text="From the channel; else placed_at + channel handling days."
    )

    def validate_external_id(self, value):
        if not value.strip():
            raise serializers.ValidationError("May not be blank.", code="blank")
        return value.strip()

    def validate(self, attrs):
        if "shipping_price" in attrs and "shipping_lines" in attrs:
            raise serializers.ValidationError(
                {"shipping_price": ["Send shipping_lines or shipping_price, not both."]}, code="invalid"
            )
        if "shipping_lines" not in attrs:
            price = attrs.pop("shipping_price", None)
            attrs["shipping_lines"] = [{"price": price, "discount": ZERO, "tax_lines": []}] if price else []
        attrs.pop("shipping_price", None)
        for part in [*attrs["lines"], *attrs["shipping_lines"], *attrs["fees"]]:
            if part.get("tax") is None:
                part["tax"] = sum((tax["amount"] for tax in part.get("tax_lines", [])), ZERO)
        errors = {**_line_reference_errors(attrs), **_refund_reference_errors(attrs), **_bound_errors(attrs)}
        if errors:
            raise serializers.ValidationError(errors, code="invalid")
        return attrs


def validate_order_document(data) -> dict:
    """The validated normalized order, or `serializers.ValidationError` with the field errors
    (the API answers 400 with them). Every document goes through the one serializer tree of this
    process: building DRF's nested fields for each document was most of what validating cost,
    and validation keeps no state on them (`run_validation` returns the value), so threads can
    share the tree."""
    return _intake_validator().run_validation(data)


@cache
def _intake_validator() -> OrderIntakeSerializer:
    return OrderIntakeSerializer()


def _line_reference_errors(attrs) -> dict:
    ids = [line.get("channel_line_id") or "" for line in attrs["lines"]]
    named = [line_id for line_id in ids if line_id]
    if len(named) != len(set(named)):
        return {"lines": ["Each channel_line_id may appear once."]}
    parents = {line.get("bundle_parent") for line in attrs["lines"] if line.get("bundle_parent")}
    for index, line in enumerate(attrs["lines"]):
        parent = line.get("bundle_parent")
        if not parent:
            continue
        if parent not in named or parent == ids[index]:
            return {"lines": [f"Line {index + 1}: bundle_parent {parent!r} names no other line."]}
        if ids[index] in parents:
            return {"lines": [f"Line {index + 1}: a bundle's child cannot be a bundle itself."]}
    return {}


def _refund_reference_errors(attrs) -> dict:
    ids = {line.get("channel_line_id") for line in attrs["lines"] if line.get("channel_line_id")}
    refund_ids = [refund["channel_refund_id"] for refund in attrs["refunds"]]
    if len(refund_ids) != len(set(refund_ids)):
        return {"refunds": ["Each channel_refund_id may appear once."]}
    for refund in attrs["refunds"]:
        unknown = {line["channel_line_id"] for line in refund["lines"]} - ids
        if unknown:
            return {"refunds": [f"Refund {refund['channel_refund_id']}: no line {sorted(unknown)[0]!r}."]}
    return {}


def _bound_errors(attrs) -> dict:
    """Every computed figure must fit the money columns (11 integer digits)."""
    lines = attrs["lines"]
    charges = [*attrs["shipping_lines"], *attrs["fees"]]
    gross = (
        sum(
            (
                line["subtotal"] if "subtotal" in line else line["unit_price"] * line["quantity"]
                for line in lines
            ),
            ZERO,
        )
        + sum((part["tax"] for part in [*lines, *charges]), ZERO)
        + sum((abs(charge.get("price", charge.get("amount", ZERO))) for charge in charges), ZERO)
        + sum((tax["amount"] for tax in attrs["tax_lines"]), ZERO)
    )
    if gross > EXACT_MAX:
        return {"lines": [f"The order's amounts add up past {EXACT_MAX}, the largest amount kept."]}
    return {}
