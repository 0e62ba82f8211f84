from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django_fsm import RETURN_VALUE, FSMField, FSMModelMixin, transition

from inventory.models import Location, Sku
from oms.core.actor import ACTOR_KINDS
from oms.core.models import Channel, TimeStampedModel
from oms.core.money import MoneyField

from .permissions import ORDER_CANCEL, ORDER_PAYMENT, ORDER_REFUND

#: Statuses an order can be held from and return to.
PROGRESS_STATUSES = ("new", "allocated", "backordered", "partially_shipped")
OPEN_STATUSES = (*PROGRESS_STATUSES, "on_hold")
#: The shipping address as the API and intake name its fields -> the Order's columns.
SHIPPING_ADDRESS_COLUMNS = {
    "name": "ship_name",
    "line1": "ship_line1",
    "line2": "ship_line2",
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
    ship_city = models.CharField(max_length=100, blank=True)
    ship_region = models.CharField(max_length=100, blank=True)
    ship_postal_code = models.CharField(max_length=20, blank=True)
    ship_country_code = models.CharField(max_length=2, blank=True)
    ship_latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    ship_longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    billing_address = models.JSONField(default=dict, blank=True)

    delivery_method = models.CharField(
        max_length=10, choices=DeliveryMethod.choices, default=DeliveryMethod.SHIP
    )
    pickup_location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="pickup_orders"
    )

    subtotal = MoneyField()
    discount_total = MoneyField()
    tax_total = MoneyField()
    shipping_price = MoneyField()
    total = MoneyField()
    refunded_total = MoneyField(help_text="Sum of the refunds the payment provider confirmed.")
    refund_pending_total = MoneyField(
        help_text="Refunds asked of the payment provider and not confirmed yet (not in refunded_total)."
    )

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

    @transition(
        field=status, source=["allocated", "backordered", "partially_shipped"], target="partially_shipped"
    )
    def ship_partially(self):
        pass

    @transition(field=status, source=["allocated", "backordered", "partially_shipped"], target="shipped")
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
    sku_code = models.CharField(max_length=64, help_text="As the channel sent it.")
    name = models.CharField(max_length=200, blank=True)
    quantity = models.PositiveIntegerField()
    unit_price = MoneyField()
    discount = MoneyField(help_text="Discount on the whole line.")
    tax = MoneyField(help_text="Tax on the whole line.")
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
        ]
        indexes = [models.Index(fields=["sku_code"], name="orderline_sku_code_idx")]

    def __str__(self) -> str:
        return f"{self.order_id}#{self.line_number} {self.sku_code} x{self.quantity}"

    @property
    def quantity_open(self) -> int:
        """Still to ship: neither shipped nor cancelled."""
        return self.quantity - self.quantity_shipped - self.quantity_cancelled

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
