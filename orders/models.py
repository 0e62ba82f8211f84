from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django_fsm import RETURN_VALUE, FSMField, FSMModelMixin, transition

from inventory.models import Location, Sku
from oms.core.actor import ACTOR_KINDS
from oms.core.models import Channel, TimeStampedModel
from oms.core.money import ExactMoneyField

from .permissions import ORDER_CANCEL, ORDER_PAYMENT, ORDER_REFUND

#: Statuses an order can be held from and return to.
PROGRESS_STATUSES = ("new", "allocated", "backordered", "partially_shipped")
OPEN_STATUSES = (*PROGRESS_STATUSES, "on_hold")
#: The shipping address as the API and intake name its fields -> the Order's columns.
SHIPPING_ADDRESS_COLUMNS = {
    "name": "ship_name",
    "line1": "ship_line1",
    "line2": "ship_line2",
    "company": "ship_company",
    "phone": "ship_phone",
    "city": "ship_city",
    "region": "ship_region",
    "postal_code": "ship_postal_code",
    "country_code": "ship_country_code",
    "latitude": "ship_latitude",
    "longitude": "ship_longitude",
}


class Order(FSMModelMixin, TimeStampedModel):
    """One normalized order, whatever channel it came from.

    `status` follows fulfillment progress; `on_hold` is a status too, and `held_from`
    remembers the progress status underneath, restored when the last hold is released.
    Change both only through orders.services.
    """

    class Status(models.TextChoices):
        NEW = "new", "New"
        ON_HOLD = "on_hold", "On hold"
        ALLOCATED = "allocated", "Allocated"
        BACKORDERED = "backordered", "Backordered"
        PARTIALLY_SHIPPED = "partially_shipped", "Partially shipped"
        SHIPPED = "shipped", "Shipped"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    class PaymentStatus(models.TextChoices):
        PENDING = "pending", "Pending"
        AUTHORIZED = "authorized", "Authorized"
        PAID = "paid", "Paid"
        PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"
        REFUNDED = "refunded", "Refunded"
        VOIDED = "voided", "Voided"

    class DeliveryMethod(models.TextChoices):
        SHIP = "ship", "Ship to address"
        PICKUP = "pickup", "Pickup in store"

    number = models.CharField(max_length=20, unique=True)
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="orders")
    external_id = models.CharField(max_length=100)
    placed_at = models.DateTimeField()
    ship_by = models.DateTimeField(null=True, blank=True)
    currency = models.CharField(max_length=3)

    customer_email = models.CharField(max_length=254, blank=True, help_text="Stored lower-case.")
    customer_name = models.CharField(max_length=200, blank=True)
    customer_phone = models.CharField(max_length=32, blank=True, help_text="Digits only, with country code.")
    #: The name lower-cased with single spaces: what customer-service name search matches on.
    customer_name_key = models.CharField(max_length=200, blank=True, editable=False)
    #: The same, last word first ("garcia maria"), so that a surname finds the order too.
    customer_surname_key = models.CharField(max_length=200, blank=True, editable=False)

    ship_name = models.CharField(max_length=200, blank=True)
    ship_line1 = models.CharField(max_length=200, blank=True)
    ship_line2 = models.CharField(max_length=200, blank=True)
    ship_company = models.CharField(max_length=200, blank=True)
    ship_phone = models.CharField(max_length=40, blank=True, help_text="As the channel sent it.")
    ship_city = models.CharField(max_length=100, blank=True)
    ship_region = models.CharField(max_length=100, blank=True)
    ship_postal_code = models.CharField(max_length=20, blank=True)
    ship_country_code = models.CharField(max_length=2, blank=True)
    ship_latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    ship_longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    billing_address = models.JSONField(default=dict, blank=True)
    #: The ship-to as the channel last stated it: an update changes ours (which customer service
    #: may have edited) only when the channel's own changed.
    channel_address = models.JSONField(default=dict, blank=True)

    delivery_method = models.CharField(
        max_length=10, choices=DeliveryMethod.choices, default=DeliveryMethod.SHIP
    )
    pickup_location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="pickup_orders"
    )

    # Money exactly as the channel stated it (up to 4 decimals) and our figures computed from
    # it; rounded to the currency's minor unit only for display and for refunds.
    taxes_included = models.BooleanField(
        default=False, help_text="Prices include their tax: tax is part of them, not added to the total."
    )
    subtotal = ExactMoneyField(help_text="Lines before discounts.")
    discount_total = ExactMoneyField(help_text="Line, shipping and order discounts.")
    tax_total = ExactMoneyField(help_text="Line, shipping, fee and order-level tax.")
    shipping_price = ExactMoneyField(help_text="Shipping lines before their discounts.")
    fees_total = ExactMoneyField(help_text="Fee lines: handling, gift wrap, tips, duties...")
    order_discount = ExactMoneyField(help_text="Discount on the order as a whole, in no line's discount.")
    order_tax = ExactMoneyField(help_text="Order-level tax lines: tax in no line's or charge's tax.")
    total = ExactMoneyField()
    refunded_total = ExactMoneyField(help_text="Sum of the refunds the payment provider confirmed.")
    refund_pending_total = ExactMoneyField(
        help_text="Refunds asked of the payment provider and not confirmed yet (not in refunded_total)."
    )
    #: The totals as the channel stated them, exactly (decimal strings), beside ours.
    channel_totals = models.JSONField(default=dict, blank=True)
    discount_codes = models.JSONField(default=list, blank=True, help_text='[{"code", "type", "amount"}]')

    # What the channel says about the order, kept as it said it.
    channel_status = models.CharField(max_length=100, blank=True, help_text="In the channel's own words.")
    #: The channel's updated-at of the last document applied: an older update is ignored.
    channel_updated_at = models.DateTimeField(null=True, blank=True)
    channel_cancelled_at = models.DateTimeField(null=True, blank=True)
    #: SHA-256 of the last document applied (orders.services.document.document_digest): the same
    #: document again is answered without taking a lock.
    channel_digest = models.CharField(max_length=64, blank=True, editable=False)
    customer_note = models.TextField(blank=True)
    delivery_instructions = models.TextField(blank=True)
    attributes = models.JSONField(default=list, blank=True, help_text='Order-level [{"name", "value"}].')
    #: The channel ships every line itself (Amazon FBA): nothing is sourced, reserved or picked here.
    fulfilled_by_channel = models.BooleanField(default=False)

    status = FSMField(default=Status.NEW, choices=Status.choices, protected=True, db_index=True)
    held_from = models.CharField(max_length=20, choices=Status.choices, blank=True)
    payment_status = FSMField(default=PaymentStatus.PENDING, choices=PaymentStatus.choices, protected=True)
    anonymized_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id"], name="order_channel_external_id_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["customer_email"], name="order_email_idx"),
            models.Index(fields=["customer_phone"], name="order_phone_idx"),
            models.Index(fields=["external_id"], name="order_external_id_idx"),
            models.Index(fields=["status", "-placed_at"], name="order_status_placed_idx"),
            models.Index(fields=["channel", "-placed_at"], name="order_channel_placed_idx"),
            models.Index(fields=["-placed_at"], name="order_placed_idx"),
            # Prefix search (LIKE 'x%') on PostgreSQL needs pattern-ops btrees; elsewhere plain.
            models.Index(
                fields=["customer_email"], name="order_email_prefix_idx", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(
                fields=["customer_phone"], name="order_phone_prefix_idx", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(
                fields=["customer_name_key"], name="order_name_prefix_idx", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(
                fields=["customer_surname_key"],
                name="order_surname_prefix_idx",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(fields=["payment_status", "placed_at"], name="order_payment_placed_idx"),
            # The desk's sort by ship-by, and its "late" filter (ship-by passed, not shipped).
            models.Index(fields=["ship_by", "id"], name="order_ship_by_idx"),
            models.Index(fields=["ship_by"], condition=Q(status__in=OPEN_STATUSES), name="order_late_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def shipping_address(self) -> dict:
        return {field: getattr(self, column) for field, column in SHIPPING_ADDRESS_COLUMNS.items()}

    @property
    def progress_status(self) -> str:
        """The fulfillment status, looking through a hold."""
        return self.held_from if self.status == self.Status.ON_HOLD else self.status

    # Transitions only guard and set the state; orders.services does the work around them.
    @transition(
        field=status, source=["new", "allocated", "backordered", "partially_shipped"], target="on_hold"
    )
    def hold(self):
        self.held_from = self.status

    @transition(field=status, source="on_hold", target=RETURN_VALUE(*PROGRESS_STATUSES))
    def release(self):
        previous, self.held_from = self.held_from or self.Status.NEW, ""
        return previous

    @transition(field=status, source=["new", "backordered", "allocated"], target="allocated")
    def allocate(self):
        pass

    @transition(field=status, source=["new", "allocated", "backordered"], target="backordered")
    def backorder(self):
        pass

    # From `new` too: units the channel ships itself were never allocated here.
    @transition(
        field=status,
        source=["new", "allocated", "backordered", "partially_shipped"],
        target="partially_shipped",
    )
    def ship_partially(self):
        pass

    @transition(
        field=status, source=["new", "allocated", "backordered", "partially_shipped"], target="shipped"
    )
    def ship(self):
        pass

    @transition(field=status, source="shipped", target="completed")
    def complete(self):
        pass

    @transition(
        field=status,
        source=["new", "on_hold", "allocated", "backordered", "partially_shipped"],
        target="cancelled",
        permission=ORDER_CANCEL,
    )
    def cancel(self):
        self.held_from = ""

    # Payment status: pending -> authorized -> paid -> partially_refunded -> refunded; voided.
    @transition(field=payment_status, source="pending", target="authorized", permission=ORDER_PAYMENT)
    def authorize_payment(self):
        pass

    @transition(
        field=payment_status, source=["pending", "authorized"], target="paid", permission=ORDER_PAYMENT
    )
    def capture_payment(self):
        pass

    @transition(
        field=payment_status, source=["pending", "authorized"], target="voided", permission=ORDER_PAYMENT
    )
    def void_payment(self):
        pass

    @transition(
        field=payment_status,
        source=["paid", "partially_refunded"],
        target="partially_refunded",
        permission=ORDER_REFUND,
    )
    def refund_partially(self):
        pass

    @transition(
        field=payment_status,
        source=["paid", "partially_refunded"],
        target="refunded",
        permission=ORDER_REFUND,
    )
    def refund_fully(self):
        pass


class OrderLine(models.Model):
    """Quantities stay whole: allocated + shipped + cancelled <= quantity; returned <= shipped.

    allocated counts units assigned to fulfillment work and not yet shipped; what is
    neither allocated, shipped nor cancelled is backordered (open_unallocated).
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    line_number = models.PositiveSmallIntegerField()
    sku = models.ForeignKey(Sku, null=True, blank=True, on_delete=models.PROTECT, related_name="order_lines")
    sku_code = models.CharField(max_length=64, help_text="Normalized (upper case).")
    channel_sku = models.CharField(max_length=64, blank=True, help_text="Spelled as the channel sent it.")
    channel_line_id = models.CharField(max_length=100, blank=True, help_text="The line's id in the channel.")
    channel_product_id = models.CharField(max_length=100, blank=True)
    channel_variant_id = models.CharField(max_length=100, blank=True)
    name = models.CharField(max_length=200, blank=True)
    quantity = models.PositiveIntegerField()
    unit_price = ExactMoneyField()
    subtotal = ExactMoneyField(help_text="The whole line before its discount.")
    discount = ExactMoneyField(help_text="Discount on the whole line.")
    tax = ExactMoneyField(help_text="Tax on the whole line.")
    # The line as the channel last stated it; an edit of the quantity scales money from these,
    # never from rounded figures, so 3 -> 2 -> 3 comes back to exactly what the channel said.
    stated_quantity = models.PositiveIntegerField(default=0)
    stated_subtotal = ExactMoneyField()
    stated_discount = ExactMoneyField()
    stated_tax = ExactMoneyField()
    properties = models.JSONField(
        default=list, blank=True, help_text='Options, personalisation: [{"name", "value"}].'
    )
    #: A bundle's parent carries the price and is never sourced or picked; its children are.
    bundle_parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="bundle_children"
    )
    is_bundle = models.BooleanField(default=False, help_text="A bundle's parent line.")
    #: The channel ships this line itself: never sourced, reserved or picked here.
    fulfilled_by_channel = models.BooleanField(default=False)
    quantity_allocated = models.PositiveIntegerField(default=0)
    quantity_shipped = models.PositiveIntegerField(default=0)
    quantity_cancelled = models.PositiveIntegerField(default=0)
    quantity_returned = models.PositiveIntegerField(default=0)
    #: Set when an edit removed the line: its open units are cancelled and it leaves the totals.
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["order_id", "line_number"]
        constraints = [
            models.UniqueConstraint(fields=["order", "line_number"], name="orderline_number_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orderline_quantity_gt_0"),
            models.CheckConstraint(
                condition=Q(
                    quantity__gte=F("quantity_allocated") + F("quantity_shipped") + F("quantity_cancelled")
                ),
                name="orderline_quantities_whole",
            ),
            models.CheckConstraint(
                condition=Q(quantity_returned__lte=F("quantity_shipped")),
                name="orderline_returned_lte_shipped",
            ),
            models.UniqueConstraint(
                fields=["order", "channel_line_id"],
                condition=~Q(channel_line_id=""),
                name="orderline_channel_line_id_unique",
            ),
        ]
        indexes = [models.Index(fields=["sku_code"], name="orderline_sku_code_idx")]

    def __str__(self) -> str:
        return f"{self.order_id}#{self.line_number} {self.sku_code} x{self.quantity}"

    @property
    def quantity_open(self) -> int:
        """Still to ship: neither shipped nor cancelled. A bundle's parent ships through its
        children, so it has nothing open of its own."""
        if self.is_bundle:
            return 0
        return self.quantity - self.quantity_shipped - self.quantity_cancelled

    @property
    def fulfilled_here(self) -> bool:
        """Sourced, reserved and picked by the OMS: neither a bundle's parent nor the channel's."""
        return not (self.is_bundle or self.fulfilled_by_channel)

    @property
    def quantity_unallocated(self) -> int:
        """Open and not assigned to any location: backordered (or not yet sourced)."""
        return self.quantity_open - self.quantity_allocated


class Hold(models.Model):
    class Kind(models.TextChoices):
        PAYMENT = "payment", "Payment"
        FRAUD = "fraud", "Fraud review"
        ADDRESS = "address", "Address"
        EXCEPTION = "exception", "Exception"
        MANUAL = "manual", "Manual"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="holds")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    reason = models.TextField()
    opened_at = models.DateTimeField(default=timezone.now)
    opened_by_kind = models.CharField(max_length=10, choices=ACTOR_KINDS)
    opened_by_id = models.BigIntegerField(null=True, blank=True)
    opened_by_label = models.CharField(max_length=150, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by_kind = models.CharField(max_length=10, choices=ACTOR_KINDS, blank=True)
    released_by_id = models.BigIntegerField(null=True, blank=True)
    released_by_label = models.CharField(max_length=150, blank=True)
    release_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["order_id", "id"]
        indexes = [
            models.Index(fields=["kind"], condition=Q(released_at__isnull=True), name="hold_open_kind_idx"),
            models.Index(fields=["order"], condition=Q(released_at__isnull=True), name="hold_open_order_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} hold on {self.order_id}"

    @property
    def is_open(self) -> bool:
        return self.released_at is None


class OrderEvent(models.Model):
    """The timeline: every transition, hold, note, edit, allocation, shipment and return."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    message = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)
    actor_kind = models.CharField(max_length=10, choices=ACTOR_KINDS)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["order_id", "id"]
        indexes = [models.Index(fields=["order", "id"], name="orderevent_order_idx")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind}"


class OrderCharge(models.Model):
    """A shipping line or a fee (handling, gift wrap, tip, duty, cash on delivery...), exactly as
    the channel stated it. Discount and tax are on the whole charge."""

    class Kind(models.TextChoices):
        SHIPPING = "shipping", "Shipping"
        HANDLING = "handling", "Handling"
        GIFT_WRAP = "gift_wrap", "Gift wrap"
        TIP = "tip", "Tip"
        DUTY = "duty", "Duty"
        COD = "cod", "Cash on delivery"
        OTHER = "other", "Other fee"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="charges")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    channel_line_id = models.CharField(max_length=100, blank=True)
    code = models.CharField(max_length=100, blank=True, help_text="Shipping method or fee code.")
    title = models.CharField(max_length=200, blank=True)
    carrier = models.CharField(max_length=100, blank=True)
    amount = ExactMoneyField(help_text="Before discount; a fee may be negative (a credit).")
    discount = ExactMoneyField()
    tax = ExactMoneyField()

    class Meta:
        ordering = ["order_id", "id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind} {self.amount}"


class TaxLine(models.Model):
    """One tax as the channel named it, on a line, on a charge, or (neither) on the order as a
    whole: order-level tax that is in no line's or charge's tax."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="tax_lines")
    line = models.ForeignKey(
        OrderLine, null=True, blank=True, on_delete=models.CASCADE, related_name="tax_lines"
    )
    charge = models.ForeignKey(
        OrderCharge, null=True, blank=True, on_delete=models.CASCADE, related_name="tax_lines"
    )
    title = models.CharField(max_length=100, blank=True)
    rate = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True, help_text="A fraction: 0.0825 is 8.25%."
    )
    amount = ExactMoneyField()

    class Meta:
        ordering = ["order_id", "id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.title} {self.amount}"


class ChannelRefund(models.Model):
    """A refund the channel made, recorded once (by its id) against the channel's line ids."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="channel_refunds")
    channel_refund_id = models.CharField(max_length=100)
    refunded_at = models.DateTimeField(null=True, blank=True)
    amount = ExactMoneyField(help_text="As the channel stated it.")
    recorded_amount = ExactMoneyField(help_text="What was recorded: rounded to the minor unit.")
    note = models.TextField(blank=True)
    #: [{"channel_line_id", "line_id", "quantity", "amount"}]
    lines = models.JSONField(default=list, blank=True)
    shipping_amount = ExactMoneyField()
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["order_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "channel_refund_id"], name="channelrefund_id_unique")
        ]

    def __str__(self) -> str:
        return f"{self.order_id} refund {self.channel_refund_id}"
