"""Routing rules, fulfillment orders (one per order and location), their lines and shipments.

FSM transitions only guard and change the state in memory; fulfillment.services does the
work around them (reservations, the ledger, the order's quantities and timeline).
"""

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django_fsm import FSMField, transition

from inventory.models import Location, Reservation, Sku
from oms.core.actor import ACTOR_KINDS
from oms.core.models import Channel, TimeStampedModel
from orders.models import Order, OrderLine


class Strategy(models.TextChoices):
    FEWEST_SHIPMENTS = "fewest_shipments", "Fewest shipments"
    NEAREST = "nearest", "Nearest location"
    LOWEST_COST = "lowest_cost", "Lowest shipping cost"
    PRIORITY = "priority", "Location priority"


class RoutingRule(TimeStampedModel):
    """The first active rule (by position) whose conditions all match an order chooses how
    it is sourced. An empty condition matches anything."""

    name = models.CharField(max_length=120, unique=True)
    position = models.PositiveIntegerField(default=100, db_index=True, help_text="Lower is tried first.")
    active = models.BooleanField(default=True)
    channel = models.ForeignKey(
        Channel, null=True, blank=True, on_delete=models.CASCADE, related_name="routing_rules"
    )
    country_code = models.CharField(max_length=2, blank=True, help_text="Destination country, e.g. US.")
    region = models.CharField(max_length=100, blank=True, help_text="Destination region / state, e.g. NY.")
    postal_prefix = models.CharField(max_length=20, blank=True, help_text="Destination postal code prefix.")
    sku_tag = models.CharField(max_length=40, blank=True, help_text="Matches when any line's SKU has it.")
    delivery_method = models.CharField(max_length=10, choices=Order.DeliveryMethod.choices, blank=True)
    strategy = models.CharField(max_length=20, choices=Strategy.choices, default=Strategy.FEWEST_SHIPMENTS)
    include_locations = models.ManyToManyField(
        Location, blank=True, related_name="+", help_text="When set, only these locations are considered."
    )
    exclude_locations = models.ManyToManyField(Location, blank=True, related_name="+")
    include_kinds = models.JSONField(
        default=list, blank=True, help_text='When set, only these location kinds, e.g. ["warehouse"].'
    )
    exclude_kinds = models.JSONField(default=list, blank=True, help_text='e.g. ["store"].')

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        self.country_code = (self.country_code or "").strip().upper()
        self.sku_tag = (self.sku_tag or "").strip().lower()
        errors = {}
        if self.country_code and (len(self.country_code) != 2 or not self.country_code.isalpha()):
            errors["country_code"] = "Use the two-letter ISO country code, or leave it empty."
        for name in ("include_kinds", "exclude_kinds"):
            kinds = getattr(self, name)
            if not isinstance(kinds, list) or not set(kinds) <= set(Location.Kind.values):
                errors[name] = f"A list of location kinds: {', '.join(Location.Kind.values)}."
        if errors:
            raise ValidationError(errors)


class FulfillmentOrder(TimeStampedModel):
    """The work one location does for one order."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        PICKING = "picking", "Picking"
        PACKED = "packed", "Packed"
        SHIPPED = "shipped", "Shipped"
        DELIVERED = "delivered", "Delivered"
        READY_FOR_PICKUP = "ready_for_pickup", "Ready for pickup"
        COLLECTED = "collected", "Collected"
        SENT_TO_VENDOR = "sent_to_vendor", "Sent to vendor"
        CANCELLED = "cancelled", "Cancelled"

    class Kind(models.TextChoices):
        SHIP = "ship", "Ship"
        PICKUP = "pickup", "Pickup"
        DROPSHIP = "dropship", "Drop-ship"

    OPEN_STATES = ("pending", "picking", "packed", "ready_for_pickup", "sent_to_vendor")
    DONE_STATES = ("delivered", "collected", "cancelled")

    number = models.CharField(max_length=30, unique=True)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="fulfillment_orders")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="fulfillment_orders")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SHIP)
    state = FSMField(default=State.PENDING, choices=State.choices, protected=True, db_index=True)
    picked_at = models.DateTimeField(null=True, blank=True)
    packed_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    collected_by = models.CharField(max_length=200, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)
    ready_at = models.DateTimeField(null=True, blank=True, help_text="When a pickup was offered.")
    batch = models.ForeignKey(
        "PickBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="fulfillment_orders"
    )
    tote = models.CharField(max_length=20, blank=True, help_text="The tote its units go into in a batch.")

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["location", "state", "id"], name="fo_location_state_idx")]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @transition(field=state, source="pending", target="picking")
    def start_picking(self):
        pass

    @transition(field=state, source="picking", target="packed")
    def pack(self):
        self.packed_at = timezone.now()

    @transition(field=state, source=["packed", "sent_to_vendor"], target="shipped")
    def ship(self):
        self.shipped_at = timezone.now()

    @transition(field=state, source="shipped", target="delivered")
    def deliver(self):
        self.delivered_at = timezone.now()

    @transition(field=state, source="packed", target="ready_for_pickup")
    def ready_for_pickup(self):
        self.ready_at = timezone.now()

    @transition(field=state, source="ready_for_pickup", target="collected")
    def collect(self):
        self.delivered_at = timezone.now()

    @transition(field=state, source="pending", target="sent_to_vendor")
    def send_to_vendor(self):
        pass

    @transition(field=state, source=list(OPEN_STATES), target="cancelled")
    def cancel(self):
        pass


class FulfillmentOrderLine(models.Model):
    """Units of one order line assigned to a fulfillment order. `quantity` is lowered when
    units move away (short pick, reject, re-route, edit); `quantity_cancelled` counts units
    the customer cancelled. Open = quantity - shipped - cancelled, and exactly that much is
    reserved (the line holds the reservations)."""

    fulfillment_order = models.ForeignKey(FulfillmentOrder, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="fulfillment_lines")
    sku = models.ForeignKey(Sku, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    quantity_picked = models.PositiveIntegerField(default=0)
    quantity_shipped = models.PositiveIntegerField(default=0)
    quantity_cancelled = models.PositiveIntegerField(default=0)
    reservations = GenericRelation(
        Reservation, content_type_field="holder_type", object_id_field="holder_id", related_query_name="+"
    )

    class Meta:
        ordering = ["fulfillment_order_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=F("quantity_shipped") + F("quantity_cancelled")),
                name="foline_quantities_whole",
            ),
            models.CheckConstraint(condition=Q(quantity_picked__lte=F("quantity")), name="foline_picked_lte"),
        ]

    def __str__(self) -> str:
        return f"{self.fulfillment_order_id}: {self.sku_id} x{self.quantity}"

    @property
    def quantity_open(self) -> int:
        return self.quantity - self.quantity_shipped - self.quantity_cancelled

    @property
    def quantity_unpicked(self) -> int:
        """Open units nobody has picked yet (what a re-route may move)."""
        return max(self.quantity_open - max(self.quantity_picked - self.quantity_shipped, 0), 0)


class SourcingRequest(models.Model):
    """An order waiting to be sourced: written in the transaction that accepted it (or released
    its last hold), taken and deleted by the sourcing run that handles it. Nothing is lost if a
    process dies after that commit: the next run finds the request still here."""

    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=120)
    requested_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"source {self.order_id}: {self.reason}"


class Carrier(TimeStampedModel):
    """A carrier the warehouse hands packages to: its services, the format its tracking numbers
    follow and where a customer follows them. UPS, FedEx, USPS and DHL come with the system;
    admins add their own."""

    code = models.SlugField(max_length=30, unique=True)
    name = models.CharField(max_length=60, unique=True, help_text="As shipments and customers see it.")
    services = models.JSONField(default=list, blank=True, help_text='e.g. ["Ground", "Next Day Air"].')
    tracking_pattern = models.CharField(
        max_length=300,
        blank=True,
        help_text="A regular expression the whole tracking number must match (upper-case, no spaces); "
        "empty: any.",
    )
    tracking_example = models.CharField(
        max_length=60, blank=True, help_text="Shown when a number is refused."
    )
    tracking_url_template = models.CharField(
        max_length=300, blank=True, help_text="e.g. https://carrier.example/track?n={tracking_number}"
    )
    tracking_required = models.BooleanField(default=True)
    active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        from .carriers import pattern_problem, template_problem

        errors = {}
        if problem := pattern_problem(self.tracking_pattern):
            errors["tracking_pattern"] = problem
        if problem := template_problem(self.tracking_url_template):
            errors["tracking_url_template"] = problem
        if not isinstance(self.services, list) or not all(isinstance(s, str) for s in self.services):
            errors["services"] = 'A list of names, e.g. ["Ground"].'
        if errors:
            raise ValidationError(errors)


class PickBatch(TimeStampedModel):
    """Several fulfillment orders of one location picked in one walk: one combined pick list
    in bin order, a tote per order."""

    number = models.CharField(max_length=30, unique=True)
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="pick_batches")
    closed_at = models.DateTimeField(null=True, blank=True)
    actor_kind = models.CharField(max_length=10, choices=ACTOR_KINDS)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "pick batches"

    def __str__(self) -> str:
        return self.number


class FulfillmentChange(models.Model):
    """Customer service changed work the warehouse had already packed (or offered for pickup):
    what changed, and whether the warehouse has confirmed it (unpacked, re-packed). Unconfirmed
    changes stop shipping and hand-over."""

    class Kind(models.TextChoices):
        CANCELLED = "cancelled", "Units cancelled"
        ADDRESS = "address", "Ship-to address changed"
        DELIVERY = "delivery", "Delivery changed"

    fulfillment_order = models.ForeignKey(FulfillmentOrder, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    message = models.TextField()
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["fulfillment_order_id", "id"]
        indexes = [
            models.Index(
                fields=["fulfillment_order"],
                condition=Q(confirmed_at__isnull=True),
                name="fochange_unconfirmed_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.fulfillment_order_id}: {self.kind}"


class Package(models.Model):
    """A box (or bag) packed at the location, with what is in it; shipped as one Shipment."""

    fulfillment_order = models.ForeignKey(FulfillmentOrder, on_delete=models.CASCADE, related_name="packages")
    number = models.CharField(max_length=40, unique=True)
    weight_grams = models.PositiveIntegerField(null=True, blank=True)
    length_mm = models.PositiveIntegerField(null=True, blank=True)
    width_mm = models.PositiveIntegerField(null=True, blank=True)
    height_mm = models.PositiveIntegerField(null=True, blank=True)
    shipment = models.OneToOneField(
        "Shipment", null=True, blank=True, on_delete=models.SET_NULL, related_name="package"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["fulfillment_order_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight_grams__isnull=True) | Q(weight_grams__gt=0), name="package_weight_gt_0"
            )
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def dimensions(self) -> str:
        if not (self.length_mm and self.width_mm and self.height_mm):
            return ""
        return (
            " x ".join(f"{value / 10:g}" for value in (self.length_mm, self.width_mm, self.height_mm)) + " cm"
        )

    @property
    def weight_kg(self) -> str:
        return f"{self.weight_grams / 1000:g} kg" if self.weight_grams else ""


class PackageLine(models.Model):
    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="lines")
    fulfillment_line = models.ForeignKey(
        FulfillmentOrderLine, on_delete=models.CASCADE, related_name="package_lines"
    )
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ["package_id", "id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="packageline_quantity_gt_0")]

    def __str__(self) -> str:
        return f"{self.package_id}: {self.fulfillment_line_id} x{self.quantity}"


class Shipment(models.Model):
    """One package (or one pickup hand-over) leaving a location."""

    fulfillment_order = models.ForeignKey(
        FulfillmentOrder, on_delete=models.PROTECT, related_name="shipments"
    )
    carrier = models.CharField(max_length=60)
    service = models.CharField(max_length=60, blank=True)
    tracking_number = models.CharField(max_length=100, blank=True, db_index=True)
    tracking_url = models.URLField(max_length=300, blank=True)
    shipped_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    actor_kind = models.CharField(max_length=10, choices=ACTOR_KINDS)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.carrier} {self.tracking_number}".strip()


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    fulfillment_line = models.ForeignKey(
        FulfillmentOrderLine, on_delete=models.PROTECT, related_name="shipment_lines"
    )
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ["shipment_id", "id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="shipmentline_quantity_gt_0")]

    def __str__(self) -> str:
        return f"{self.shipment_id}: {self.fulfillment_line_id} x{self.quantity}"


__all__ = [
    "Carrier",
    "FulfillmentChange",
    "FulfillmentOrder",
    "FulfillmentOrderLine",
    "Package",
    "PackageLine",
    "PickBatch",
    "RoutingRule",
    "Shipment",
    "ShipmentLine",
    "SourcingRequest",
    "Strategy",
]
