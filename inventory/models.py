from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django_fsm import FSMField, FSMModelMixin, transition

from oms.core.actor import ACTOR_KINDS
from oms.core.models import Channel, TimeStampedModel

from .permissions import TRANSFER_CANCEL, TRANSFER_RECEIVE


def normalize_code(code: str) -> str:
    return "".join(str(code).split()).upper()


class Sku(TimeStampedModel):
    code = models.CharField(max_length=64, unique=True, help_text="Stored upper-case, without spaces.")
    name = models.CharField(max_length=200, db_index=True)
    barcode = models.CharField(max_length=64, blank=True, db_index=True)
    weight_grams = models.PositiveIntegerField(null=True, blank=True)
    length_mm = models.PositiveIntegerField(null=True, blank=True)
    width_mm = models.PositiveIntegerField(null=True, blank=True)
    height_mm = models.PositiveIntegerField(null=True, blank=True)
    active = models.BooleanField(default=True)
    tags = models.JSONField(default=list, blank=True, help_text='Lower-case labels, e.g. ["fragile"].')
    dropship_vendor = models.ForeignKey(
        "Location",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dropship_skus",
        limit_choices_to={"kind": "dropship"},
        help_text="Set for SKUs that only their vendor ships.",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = "SKU"

    def __str__(self) -> str:
        return self.code

    def clean(self):
        self.code = normalize_code(self.code or "")
        if not self.code:
            raise ValidationError({"code": "A SKU code is required."})
        if not isinstance(self.tags, list) or not all(isinstance(tag, str) for tag in self.tags):
            raise ValidationError({"tags": 'Tags must be a list of words, e.g. ["fragile"].'})

    def save(self, *args, **kwargs):
        self.code = normalize_code(self.code)
        self.tags = sorted({str(tag).strip().lower() for tag in self.tags or [] if str(tag).strip()})
        super().save(*args, **kwargs)


class LocationQuerySet(models.QuerySet):
    def serving(self, channel) -> "LocationQuerySet":
        """Active locations that sell for `channel`: those naming it, and those naming no
        channel at all (they serve every channel). Sourcing follows the same rule."""
        return self.filter(active=True).filter(Q(channels=channel) | Q(channels__isnull=True))


class Location(TimeStampedModel):
    class Kind(models.TextChoices):
        WAREHOUSE = "warehouse", "Warehouse"
        STORE = "store", "Store"
        DROPSHIP = "dropship", "Drop-ship vendor"

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    address_line = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country_code = models.CharField(max_length=2)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    can_ship = models.BooleanField(default=True)
    can_pickup = models.BooleanField(default=False)
    priority = models.PositiveSmallIntegerField(default=100, help_text="Lower is preferred.")
    shipping_cost_base = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    shipping_cost_per_km = models.DecimalField(max_digits=10, decimal_places=4, default=0)
    active = models.BooleanField(default=True)
    pickup_hold_days = models.PositiveSmallIntegerField(
        default=7,
        help_text="Pickups not collected this many days after they were ready go back on sale.",
    )
    channels = models.ManyToManyField(
        Channel,
        blank=True,
        related_name="locations",
        help_text="The channels it sells for; none: every channel.",
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="work_locations",
        help_text="Warehouse users who work here; they see and act on this location only.",
    )

    objects = LocationQuerySet.as_manager()

    class Meta:
        ordering = ["priority", "code"]

    def __str__(self) -> str:
        return self.code

    def clean(self):
        self.country_code = (self.country_code or "").strip().upper()
        errors = {}
        if len(self.country_code) != 2 or not self.country_code.isalpha():
            errors["country_code"] = "Use the two-letter ISO country code."
        if self.latitude is not None and not -90 <= self.latitude <= 90:
            errors["latitude"] = "Latitude is between -90 and 90."
        if self.longitude is not None and not -180 <= self.longitude <= 180:
            errors["longitude"] = "Longitude is between -180 and 180."
        if errors:
            raise ValidationError(errors)


class StockLevel(models.Model):
    """On hand, reserved and safety stock of one SKU at one location.

    available = on_hand - reserved - safety_stock. Change it only through
    inventory.services, which write the ledger in the same transaction.
    """

    # No index of their own: the unique (sku, location) and the (location, sku) index serve them.
    sku = models.ForeignKey(Sku, on_delete=models.PROTECT, related_name="stock_levels", db_index=False)
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="stock_levels", db_index=False
    )
    # 64-bit: totals grow with every receipt; a 32-bit column overflows past 2,147,483,647.
    on_hand = models.BigIntegerField(default=0)
    reserved = models.BigIntegerField(default=0)
    safety_stock = models.BigIntegerField(default=0)
    #: Where the SKU sits at the location (aisle-rack-shelf, e.g. "A-03-2"); pick lists walk
    #: the bins in this order.
    bin = models.CharField(max_length=40, blank=True, help_text='Bin or slot, e.g. "A-03-2".')
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sku_id", "location_id"]
        constraints = [
            models.UniqueConstraint(fields=["sku", "location"], name="stocklevel_sku_location_unique"),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="stocklevel_reserved_gte_0"),
            models.CheckConstraint(
                condition=Q(reserved__lte=F("on_hand")), name="stocklevel_reserved_lte_on_hand"
            ),
            models.CheckConstraint(condition=Q(safety_stock__gte=0), name="stocklevel_safety_stock_gte_0"),
        ]
        indexes = [
            models.Index(fields=["location", "sku"]),
            # PostgreSQL only (Django creates no index with INCLUDE elsewhere): the availability
            # sums (the channel feeds: 100,000 SKUs x 50 locations) read the quantities from the
            # index alone, not from 5,000,000 heap rows. (A unique constraint with INCLUDE would
            # do both, but Django then creates no constraint at all on SQLite.)
            models.Index(
                fields=["sku", "location"],
                include=["on_hand", "reserved", "safety_stock"],
                name="stocklevel_availability_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku_id}@{self.location_id}"

    @property
    def available(self) -> int:
        return max(self.on_hand - self.reserved - self.safety_stock, 0)


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("the stock ledger is append-only")

    def delete(self):
        raise TypeError("the stock ledger is append-only")


class StockMovement(models.Model):
    """The ledger: one row per change. on_hand of a level = sum of its on_hand_delta."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", "Receipt"
        ADJUSTMENT = "adjustment", "Adjustment"
        TRANSFER_OUT = "transfer_out", "Transfer out"
        TRANSFER_IN = "transfer_in", "Transfer in"
        COUNT = "count", "Cycle count"
        RESERVATION = "reservation", "Reservation"
        RELEASE = "release", "Release"
        SHIPMENT = "shipment", "Shipment"
        RETURN_RESTOCK = "return_restock", "Return restock"

    stock_level = models.ForeignKey(StockLevel, on_delete=models.PROTECT, related_name="movements")
    sku = models.ForeignKey(Sku, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    on_hand_delta = models.BigIntegerField(default=0)
    reserved_delta = models.BigIntegerField(default=0)
    on_hand_after = models.BigIntegerField()
    reserved_after = models.BigIntegerField()
    reason = models.CharField(max_length=200, blank=True)
    reference = models.CharField(max_length=100, blank=True, help_text="Document number, order, transfer id.")
    holder_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    holder_id = models.PositiveBigIntegerField(null=True, blank=True)
    holder = GenericForeignKey("holder_type", "holder_id")
    actor_kind = models.CharField(max_length=10, choices=ACTOR_KINDS)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["sku", "-created_at"]),
            models.Index(fields=["location", "-created_at"]),
            models.Index(fields=["stock_level", "-id"]),
            models.Index(fields=["holder_type", "holder_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.on_hand_delta:+d} {self.sku_id}@{self.location_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("the stock ledger is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("the stock ledger is append-only")


class Reservation(models.Model):
    """Stock promised to a holder (a fulfillment order line, say), named generically so
    that inventory never imports the app that holds it. `quantity` is what is still open."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RELEASED = "released", "Released"
        CONSUMED = "consumed", "Consumed"

    stock_level = models.ForeignKey(StockLevel, on_delete=models.PROTECT, related_name="reservations")
    quantity = models.BigIntegerField()
    original_quantity = models.BigIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    holder_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    holder_id = models.PositiveBigIntegerField()
    holder = GenericForeignKey("holder_type", "holder_id")
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=0), name="reservation_quantity_gte_0"),
            models.CheckConstraint(
                condition=Q(status="open", quantity__gt=0) | ~Q(status="open"),
                name="reservation_open_has_quantity",
            ),
        ]
        indexes = [
            models.Index(fields=["holder_type", "holder_id"]),
            models.Index(fields=["stock_level", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} of {self.stock_level} for {self.holder_type_id}:{self.holder_id}"


class Transfer(FSMModelMixin, TimeStampedModel):
    """Stock on its way from one location to another.

    Dispatch takes the units off the source's on hand (a transfer_out movement); only a receipt
    at the destination, by someone who works there, puts what arrived on its on hand (a
    transfer_in movement). In between the units are in transit: at neither location, available
    nowhere. A cancel (nothing received yet) puts them back at the source. Change it only
    through inventory.services.
    """

    class State(models.TextChoices):
        IN_TRANSIT = "in_transit", "In transit"
        RECEIVED = "received", "Received"
        CANCELLED = "cancelled", "Cancelled"

    number = models.CharField(max_length=20, unique=True)
    sku = models.ForeignKey(Sku, on_delete=models.PROTECT, related_name="transfers")
    from_location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="transfers_out")
    to_location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="transfers_in")
    quantity = models.PositiveIntegerField(help_text="Units sent.")
    quantity_received = models.PositiveIntegerField(default=0, help_text="Units that arrived.")
    state = FSMField(default=State.IN_TRANSIT, choices=State.choices, protected=True, db_index=True)
    reference = models.CharField(max_length=100, blank=True, help_text="Document or carrier reference.")
    dispatched_by_kind = models.CharField(max_length=10, choices=ACTOR_KINDS)
    dispatched_by_id = models.BigIntegerField(null=True, blank=True)
    dispatched_by_label = models.CharField(max_length=150, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    received_by_kind = models.CharField(max_length=10, choices=ACTOR_KINDS, blank=True)
    received_by_id = models.BigIntegerField(null=True, blank=True)
    received_by_label = models.CharField(max_length=150, blank=True)
    receipt_note = models.TextField(blank=True, help_text="What happened to units that did not arrive.")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)
    movements = GenericRelation(StockMovement, content_type_field="holder_type", object_id_field="holder_id")

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="transfer_quantity_gt_0"),
            models.CheckConstraint(
                condition=Q(quantity_received__lte=F("quantity")), name="transfer_received_lte_quantity"
            ),
            models.CheckConstraint(
                condition=~Q(from_location=F("to_location")), name="transfer_two_locations"
            ),
        ]
        indexes = [
            models.Index(fields=["to_location", "state"], name="transfer_to_state_idx"),
            models.Index(fields=["from_location", "state"], name="transfer_from_state_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def quantity_missing(self) -> int:
        """Sent but not received (lost or damaged on the way), once received."""
        return self.quantity - self.quantity_received if self.state == self.State.RECEIVED else 0

    @transition(field=state, source="in_transit", target="received", permission=TRANSFER_RECEIVE)
    def receive(self):
        self.received_at = timezone.now()

    @transition(field=state, source="in_transit", target="cancelled", permission=TRANSFER_CANCEL)
    def cancel(self):
        self.cancelled_at = timezone.now()
