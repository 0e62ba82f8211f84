"""Return authorizations (RMAs), their lines, receipts, refunds and refund lines.

FSM transitions only guard and change the state in memory; returns.services does the
work around them (the ledger, the order's quantities, payment status and timeline).
"""

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django_fsm import FSMField, FSMModelMixin, transition

from inventory.models import Location, StockMovement
from oms.core.actor import ACTOR_KINDS
from oms.core.models import TimeStampedModel
from oms.core.money import MoneyField
from orders.models import Order, OrderLine

from .permissions import RETURN_AUTHORIZE, RETURN_CANCEL, RETURN_RECEIVE, RETURN_REJECT

#: RMA statuses whose unreceived units are still expected back (they block re-returning).
OPEN_STATUSES = ("requested", "authorized")


class ReturnAuthorization(FSMModelMixin, TimeStampedModel):
    """An RMA: what the customer may send back from one order, and what became of it."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        AUTHORIZED = "authorized", "Authorized"
        REJECTED = "rejected", "Rejected"
        RECEIVED = "received", "Received"
        CLOSED = "closed", "Closed"
        CANCELLED = "cancelled", "Cancelled"

    number = models.CharField(max_length=20, unique=True)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="returns")
    status = FSMField(default=Status.REQUESTED, choices=Status.choices, protected=True, db_index=True)

    return_carrier = models.CharField(max_length=60, blank=True)
    tracking_number = models.CharField(max_length=100, blank=True, db_index=True)
    receiving_location = models.ForeignKey(
        Location,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="returns",
        help_text="Where the goods are expected (set by the first receipt when empty).",
    )
    exchange_order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.PROTECT, related_name="exchange_for"
    )
    exchange_difference = MoneyField(
        help_text="Replacement order total less the value of the returned lines "
        "(positive: the customer pays more)."
    )

    created_by_kind = models.CharField(max_length=10, choices=ACTOR_KINDS)
    created_by_id = models.BigIntegerField(null=True, blank=True)
    created_by_label = models.CharField(max_length=150, blank=True)
    authorized_at = models.DateTimeField(null=True, blank=True)
    authorized_by_kind = models.CharField(max_length=10, choices=ACTOR_KINDS, blank=True)
    authorized_by_id = models.BigIntegerField(null=True, blank=True)
    authorized_by_label = models.CharField(max_length=150, blank=True)
    rejected_at = models.DateTimeField(null=True, blank=True)
    rejected_by_kind = models.CharField(max_length=10, choices=ACTOR_KINDS, blank=True)
    rejected_by_id = models.BigIntegerField(null=True, blank=True)
    rejected_by_label = models.CharField(max_length=150, blank=True)
    reject_reason = models.TextField(blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "return authorization"
        indexes = [models.Index(fields=["order", "status"], name="rma_order_status_idx")]

    def __str__(self) -> str:
        return self.number

    @transition(field=status, source="requested", target="authorized", permission=RETURN_AUTHORIZE)
    def authorize(self):
        pass

    @transition(field=status, source="requested", target="rejected", permission=RETURN_REJECT)
    def reject(self):
        pass

    @transition(
        field=status, source=["requested", "authorized"], target="cancelled", permission=RETURN_CANCEL
    )
    def cancel(self):
        pass

    @transition(field=status, source="authorized", target="received", permission=RETURN_RECEIVE)
    def mark_received(self):
        pass

    @transition(field=status, source="received", target="closed")
    def close(self):
        pass

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ReturnLine(models.Model):
    """Units of one order line coming back. Whole: received = restocked + scrapped + to
    vendor <= quantity; refunded <= received."""

    class Reason(models.TextChoices):
        DAMAGED = "damaged", "Arrived damaged"
        DEFECTIVE = "defective", "Defective"
        WRONG_ITEM = "wrong_item", "Wrong item sent"
        NOT_AS_DESCRIBED = "not_as_described", "Not as described"
        NO_LONGER_NEEDED = "no_longer_needed", "No longer needed"
        SIZE_OR_FIT = "size_or_fit", "Size or fit"
        OTHER = "other", "Other"

    rma = models.ForeignKey(ReturnAuthorization, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="return_lines")
    quantity = models.PositiveIntegerField()
    reason_code = models.CharField(max_length=20, choices=Reason.choices)
    customer_comment = models.TextField(blank=True)
    quantity_received = models.PositiveIntegerField(default=0)
    quantity_restocked = models.PositiveIntegerField(default=0)
    quantity_scrapped = models.PositiveIntegerField(default=0)
    quantity_to_vendor = models.PositiveIntegerField(default=0)
    quantity_refunded = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["rma_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rma", "order_line"], name="returnline_rma_order_line_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="returnline_quantity_gt_0"),
            models.CheckConstraint(
                condition=Q(quantity_received__lte=F("quantity")), name="returnline_received_lte_quantity"
            ),
            models.CheckConstraint(
                condition=Q(
                    quantity_received=F("quantity_restocked")
                    + F("quantity_scrapped")
                    + F("quantity_to_vendor")
                ),
                name="returnline_dispositions_whole",
            ),
            models.CheckConstraint(
                condition=Q(quantity_refunded__lte=F("quantity_received")),
                name="returnline_refunded_lte_received",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rma_id}: {self.order_line_id} x{self.quantity}"

    @property
    def quantity_outstanding(self) -> int:
        """Authorized and not yet received."""
        return self.quantity - self.quantity_received

    @property
    def quantity_refundable(self) -> int:
        return self.quantity_received - self.quantity_refunded


class ReturnReceipt(models.Model):
    """One receiving action on one line: what was found and what was done with it. A
    restock's ledger movement names this row as its holder."""

    class Condition(models.TextChoices):
        NEW = "new", "New, unopened"
        OPENED = "opened", "Opened"
        DAMAGED = "damaged", "Damaged"
        WRONG_ITEM = "wrong_item", "Wrong item"

    class Disposition(models.TextChoices):
        RESTOCK = "restock", "Restock"
        SCRAP = "scrap", "Scrap"
        VENDOR = "vendor", "Return to vendor"

    line = models.ForeignKey(ReturnLine, on_delete=models.CASCADE, related_name="receipts")
    quantity = models.PositiveIntegerField()
    condition = models.CharField(max_length=12, choices=Condition.choices)
    disposition = models.CharField(max_length=10, choices=Disposition.choices)
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    actor_kind = models.CharField(max_length=10, choices=ACTOR_KINDS)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    movements = GenericRelation(StockMovement, content_type_field="holder_type", object_id_field="holder_id")

    class Meta:
        ordering = ["line_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="returnreceipt_quantity_gt_0")
        ]

    def __str__(self) -> str:
        return f"{self.quantity} {self.condition} -> {self.disposition}"


class Refund(FSMModelMixin, models.Model):
    """Money going back for an RMA: lines + shipping - restocking fee = total. Pending on the
    order when requested; the channel's adapter is asked for it by a Celery task, one sender at
    a time (`sending`, claimed under the row lock), and the order counts it as refunded once
    the adapter confirmed it."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        SENDING = "sending", "Sending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    rma = models.ForeignKey(ReturnAuthorization, on_delete=models.PROTECT, related_name="refunds")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="return_refunds")
    currency = models.CharField(max_length=3)
    lines_amount = MoneyField()
    shipping_amount = MoneyField()
    restocking_fee = MoneyField()
    total = MoneyField()
    status = FSMField(default=Status.REQUESTED, choices=Status.choices, protected=True, db_index=True)
    external_reference = models.CharField(max_length=120, blank=True)
    failure_reason = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    claimed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the current (or last) sender claimed it."
    )
    actor_kind = models.CharField(max_length=10, choices=ACTOR_KINDS)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["rma_id", "id"]
        constraints = [
            # total = lines + shipping - fee is kept by returns.refunds; not a CHECK, because
            # SQLite compares decimals as floats (41.02 + 5.95 - 2.00 != 44.97 there)
            models.CheckConstraint(condition=Q(total__gte=0), name="refund_total_gte_0"),
        ]

    def __str__(self) -> str:
        return f"Refund {self.pk} {self.total} {self.currency}"

    @transition(field=status, source=["requested", "failed", "sending"], target="sending")
    def claim(self):
        """One sender at a time; `sending` again only when the last claim went stale."""
        self.claimed_at = timezone.now()
        self.attempts += 1

    @transition(field=status, source=["sending", "requested"], target="succeeded")
    def succeed(self):
        """Confirmed by the adapter (from `requested`: nothing to pay back)."""
        self.completed_at = timezone.now()

    @transition(field=status, source="sending", target="failed")
    def fail(self):
        pass

    @property
    def is_pending(self) -> bool:
        return self.status != self.Status.SUCCEEDED


class RefundLine(models.Model):
    refund = models.ForeignKey(Refund, on_delete=models.CASCADE, related_name="lines")
    return_line = models.ForeignKey(ReturnLine, on_delete=models.PROTECT, related_name="refund_lines")
    quantity = models.PositiveIntegerField()
    amount = MoneyField()

    class Meta:
        ordering = ["refund_id", "id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="refundline_quantity_gt_0")]

    def __str__(self) -> str:
        return f"{self.return_line_id} x{self.quantity} = {self.amount}"
