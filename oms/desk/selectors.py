"""What the customer-service pages read: an order whole (orders, fulfillment, returns), the
exceptions queue and the figures of the home. A fixed number of queries each, whatever the
size of the order or the list (pinned in tests/desk/test_query_counts.py)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Count as SqlCount
from django.db.models import Prefetch, QuerySet, Sum
from django.utils import timezone

from fulfillment.models import FulfillmentOrder, FulfillmentOrderLine, Shipment
from inventory.models import Location
from inventory.selectors import availability_by_sku
from oms.core.paging import COUNT_CAP, Count, capped_count
from orders.models import Hold, Order, OrderLine
from orders.selectors import order_detail_queryset, order_search
from returns.models import Refund, ReturnAuthorization, ReturnLine

from .timeline import TimelineEntry, timeline

Status = Order.Status
EDITABLE = (Status.NEW, Status.ON_HOLD, Status.ALLOCATED, Status.BACKORDERED, Status.PARTIALLY_SHIPPED)
#: Refunds the order counts as owed that the channel has not confirmed yet.


@dataclass
class OrderPage:
    order: Order
    lines: list[OrderLine]
    holds: list[Hold]
    timeline: list[TimelineEntry]
    notes: list
    fulfillment_orders: list[FulfillmentOrder]
    returns: list[ReturnAuthorization]
    other_orders: Count | None
    refund_pending: Decimal
    refunded_confirmed: Decimal
    pickup_locations: list[Location] = field(default_factory=list)
    reroute_locations: list[Location] = field(default_factory=list)

    @property
    def open_holds(self) -> list[Hold]:
        return [hold for hold in self.holds if hold.is_open]

    @property
    def shipments(self) -> list[Shipment]:
        return [shipment for fo in self.fulfillment_orders for shipment in fo.shipments.all()]

    @property
    def fulfillment_status(self) -> tuple[str, str]:
        """(label, tone) of the shipping progress over the lines still counted."""
        lines = [line for line in self.lines if line.removed_at is None]
        wanted = sum(line.quantity - line.quantity_cancelled for line in lines)
        shipped = sum(line.quantity_shipped for line in lines)
        allocated = sum(line.quantity_allocated for line in lines)
        if wanted == 0:
            return "Nothing to ship", ""
        if shipped >= wanted:
            return "Fulfilled", "ok"
        if shipped:
            return f"{shipped} of {wanted} shipped", "warn"
        if allocated >= wanted:
            return "Allocated, not shipped", ""
        if allocated:
            return f"{allocated} of {wanted} allocated", "warn"
        return "Unfulfilled", "warn"


def _fulfillment_orders(order: Order) -> list[FulfillmentOrder]:
    return list(
        FulfillmentOrder.objects.filter(order=order)
        .select_related("location")
        .prefetch_related(
            Prefetch("lines", queryset=FulfillmentOrderLine.objects.select_related("sku").order_by("pk")),
            Prefetch("shipments", queryset=Shipment.objects.select_related("package").order_by("pk")),
        )
        .order_by("pk")
    )


def _returns(order: Order) -> list[ReturnAuthorization]:
    return list(
        ReturnAuthorization.objects.filter(order=order)
        .select_related("exchange_order")
        .prefetch_related(
            Prefetch("lines", queryset=ReturnLine.objects.select_related("order_line").order_by("pk")),
            Prefetch("refunds", queryset=Refund.objects.order_by("pk")),
        )
        .order_by("pk")
    )


def _with_availability(lines: list[OrderLine]) -> list[OrderLine]:
    sku_ids = {line.sku_id for line in lines if line.sku_id}
    available = (
        dict(availability_by_sku(skus=sku_ids).values_list("pk", "available_total")) if sku_ids else {}
    )
    for line in lines:
        line.available = available.get(line.sku_id) if line.sku_id else None
    return lines


def address_editable(order: Order, lines: list[OrderLine]) -> bool:
    return order.status in EDITABLE and not any(line.quantity_shipped for line in lines)


def other_orders_of(order: Order) -> QuerySet[Order]:
    return Order.objects.filter(customer_email=order.customer_email).exclude(pk=order.pk)


def order_page(number: str) -> OrderPage:
    """Raises Order.DoesNotExist for an unknown number."""
    order = order_detail_queryset().get(number=number.upper())
    lines = _with_availability(list(order.lines.all()))
    fos = _fulfillment_orders(order)
    rmas = _returns(order)
    events = list(order.events.all())
    reroutable = any(fo.state in ("pending", "picking") and fo.kind != "pickup" for fo in fos)
    return OrderPage(
        order=order,
        lines=lines,
        holds=list(order.holds.all()),
        timeline=timeline(events),
        notes=[event for event in reversed(events) if event.kind == "note"],
        fulfillment_orders=fos,
        returns=rmas,
        other_orders=(
            capped_count(other_orders_of(order), 1000)
            if order.customer_email and not order.anonymized_at
            else None
        ),
        refund_pending=order.refund_pending_total,
        refunded_confirmed=order.refunded_total,
        pickup_locations=list(Location.objects.filter(active=True, can_pickup=True).order_by("code"))
        if address_editable(order, lines)
        else [],
        reroute_locations=list(
            Location.objects.filter(active=True, can_ship=True)
            .exclude(kind=Location.Kind.DROPSHIP)
            .order_by("priority", "code")
        )
        if reroutable
        else [],
    )


# --- the exceptions queue ---------------------------------------------------------------

EXCEPTION_ROWS = 50


def open_holds(kind: str | None = None) -> QuerySet[Hold]:
    holds = Hold.objects.filter(released_at__isnull=True)
    if kind:
        holds = holds.filter(kind=kind)
    return holds


def exception_groups(kind: str | None = None, size: int = EXCEPTION_ROWS) -> list[dict]:
    """Every open hold, oldest first, grouped by kind: per kind its count and oldest rows."""
    groups = []
    for value, label in Hold.Kind.choices:
        if kind and value != kind:
            continue
        holds = open_holds(value)
        rows = list(holds.select_related("order__channel").order_by("opened_at", "pk")[:size])
        groups.append({"kind": value, "label": label, "count": capped_count(holds), "holds": rows})
    return groups


def failed_refund_group(size: int = EXCEPTION_ROWS) -> dict:
    """Refunds the channel did not pay back (refused, or the retries ran out): resent from the
    order page."""
    refunds = Refund.objects.filter(status=Refund.Status.FAILED)
    rows = list(refunds.select_related("order__channel", "rma").order_by("created_at", "pk")[:size])
    return {"count": capped_count(refunds), "refunds": rows}


# --- the home -------------------------------------------------------------------------------


def start_of_today(now: datetime | None = None) -> datetime:
    now = timezone.localtime(now or timezone.now())
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def dashboard() -> dict:
    """The home's figures. Each is counted exactly as the list it links to counts it (the same
    selector and the same capped count), so the two always agree."""
    today = start_of_today()
    by_status = [
        (value, label, capped_count(order_search("", {"status": value}))) for value, label in Status.choices
    ]
    by_hold = [
        (value, label, capped_count(order_search("", {"hold": value}))) for value, label in Hold.Kind.choices
    ]
    channels = list(
        Order.objects.filter(placed_at__gte=today, placed_at__lt=today + timedelta(days=1))
        .values("channel__code")
        .annotate(orders=SqlCount("pk"), value=Sum("total"))
        .order_by("channel__code")
    )
    returns = [
        (status, label, capped_count(ReturnAuthorization.objects.filter(status=status)))
        for status, label in ReturnAuthorization.Status.choices
        if status in (ReturnAuthorization.Status.REQUESTED, ReturnAuthorization.Status.RECEIVED)
    ]
    return {
        "by_status": by_status,
        "by_hold": by_hold,
        "today": today,
        "today_by_channel": channels,
        "late": capped_count(order_search("", {"late": True})),
        "backordered": next(count for value, _label, count in by_status if value == Status.BACKORDERED),
        "returns": returns,
        "cap": COUNT_CAP,
    }
