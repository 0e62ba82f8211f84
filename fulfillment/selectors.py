"""Read queries the API and the staff UI share; warehouse users see their locations only."""

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet

from inventory.models import Location, StockLevel
from oms.core.roles import CUSTOMER_SERVICE, DROPSHIP_VENDOR, OMS_ADMIN, WAREHOUSE, user_roles

from .models import (
    FulfillmentChange,
    FulfillmentOrder,
    FulfillmentOrderLine,
    Package,
    PackageLine,
    PickBatch,
    Shipment,
    ShipmentLine,
)

State, Kind = FulfillmentOrder.State, FulfillmentOrder.Kind

#: Roles that see the work of every location.
ALL_LOCATIONS_ROLES = frozenset({OMS_ADMIN, CUSTOMER_SERVICE})


def sees_all_locations(user) -> bool:
    return bool(user_roles(user) & ALL_LOCATIONS_ROLES)


def works_at(user, location_id: int) -> bool:
    """May this user act on work at this location (object-level check)?"""
    roles = user_roles(user)
    if OMS_ADMIN in roles:
        return True
    return WAREHOUSE in roles and user.work_locations.filter(pk=location_id).exists()


def _scoped(queryset: QuerySet[FulfillmentOrder], user) -> QuerySet[FulfillmentOrder]:
    if sees_all_locations(user):
        return queryset
    if WAREHOUSE in user_roles(user):
        return queryset.filter(location__staff=user)
    if DROPSHIP_VENDOR in user_roles(user):
        return queryset.filter(location__staff=user, kind=Kind.DROPSHIP)
    return queryset.none()


def visible_fulfillment_orders(user) -> QuerySet[FulfillmentOrder]:
    """The fulfillment orders this user may see, with nothing joined (for lookups)."""
    return _scoped(FulfillmentOrder.objects.all(), user)


def fulfillment_order_list(user) -> QuerySet[FulfillmentOrder]:
    queryset = FulfillmentOrder.objects.select_related("order", "location").prefetch_related(
        Prefetch(
            "lines",
            queryset=FulfillmentOrderLine.objects.select_related("sku", "order_line").order_by("pk"),
        ),
        Prefetch(
            "shipments",
            queryset=Shipment.objects.prefetch_related(
                Prefetch("lines", queryset=ShipmentLine.objects.select_related("fulfillment_line__sku"))
            ).order_by("pk"),
        ),
    )
    return _scoped(queryset, user)


def shipment_list(user) -> QuerySet[Shipment]:
    queryset = Shipment.objects.select_related("fulfillment_order__location", "fulfillment_order__order")
    queryset = queryset.prefetch_related(
        Prefetch("lines", queryset=ShipmentLine.objects.select_related("fulfillment_line__sku"))
    )
    if sees_all_locations(user):
        return queryset
    if WAREHOUSE in user_roles(user):
        return queryset.filter(fulfillment_order__location__staff=user)
    return queryset.none()


def desk_locations(user) -> list[Location]:
    """The locations whose work this user does: admins every active one."""
    roles = user_roles(user)
    if OMS_ADMIN in roles:
        return list(Location.objects.filter(active=True).order_by("code"))
    locations = user.work_locations.filter(active=True).order_by("code")
    if WAREHOUSE not in roles:
        locations = locations.filter(kind=Location.Kind.DROPSHIP)
    return list(locations)


def _pending_change():
    return Exists(
        FulfillmentChange.objects.filter(fulfillment_order=OuterRef("pk"), confirmed_at__isnull=True)
    )


#: The work queue's buckets: key, label, which fulfillment orders.
BUCKETS = [
    ("to_pick", "To pick", Q(kind=Kind.SHIP, state=State.PENDING)),
    ("picking", "Picking", Q(kind=Kind.SHIP, state=State.PICKING, picked_at__isnull=True)),
    ("to_pack", "To pack", Q(kind=Kind.SHIP, state=State.PICKING, picked_at__isnull=False)),
    ("to_ship", "To ship", Q(kind=Kind.SHIP, state=State.PACKED)),
    (
        "pickups",
        "Pickups to prepare",
        Q(kind=Kind.PICKUP, state__in=(State.PENDING, State.PICKING, State.PACKED)),
    ),
    ("ready", "Ready for pickup", Q(kind=Kind.PICKUP, state=State.READY_FOR_PICKUP)),
    ("dropship", "With the vendor", Q(kind=Kind.DROPSHIP, state__in=(State.PENDING, State.SENT_TO_VENDOR))),
    ("changed", "Changed after packing", Q(pending_change=True)),
]
BUCKET_FILTERS = {key: condition for key, _, condition in BUCKETS}


def _desk_work(user, location_ids: list[int]) -> QuerySet[FulfillmentOrder]:
    """Open work at these locations, and closed work with a change still to confirm."""
    return (
        FulfillmentOrder.objects.filter(location_id__in=location_ids)
        .filter(pk__in=visible_fulfillment_orders(user).values("pk"))
        .annotate(pending_change=_pending_change())
        .filter(Q(state__in=FulfillmentOrder.OPEN_STATES) | Q(pending_change=True))
    )


def queue_counts(user, location_ids: list[int]) -> dict[str, int]:
    """Every bucket's count in one query."""
    counts = _desk_work(user, location_ids).aggregate(
        **{key: Count("pk", filter=condition) for key, _, condition in BUCKETS}
    )
    return {key: counts[key] or 0 for key, _, _ in BUCKETS}


def queue_rows(user, location_ids: list[int], bucket: str = "", limit: int = 300) -> list[FulfillmentOrder]:
    """The queue, sorted by ship-by (none last), then placed: one query, whatever the size."""
    rows = _desk_work(user, location_ids)
    if bucket in BUCKET_FILTERS:
        rows = rows.filter(BUCKET_FILTERS[bucket])
    rows = (
        rows.select_related("order", "location", "batch")
        .annotate(line_count=Count("lines"))
        .order_by(F("order__ship_by").asc(nulls_last=True), "order__placed_at", "pk")
    )
    return list(rows[:limit])


def bins_at(location_id: int, sku_ids) -> dict[int, str]:
    """SKU id -> bin at the location, for pick lists."""
    return dict(
        StockLevel.objects.filter(location_id=location_id, sku_id__in=set(sku_ids)).values_list(
            "sku_id", "bin"
        )
    )


def in_bin_order(lines, bins: dict[int, str]) -> list:
    """Pick lines as a walk through the location: by bin (unbinned last), then SKU code."""
    for line in lines:
        line.bin = bins.get(line.sku_id, "")
    return sorted(lines, key=lambda line: (not line.bin, line.bin, line.sku.code))


def desk_fulfillment_order(user) -> QuerySet[FulfillmentOrder]:
    """One fulfillment order with all its work page shows (lines, packages, shipments, changes)."""
    return (
        fulfillment_order_list(user)
        .select_related("batch", "order__pickup_location")
        .prefetch_related(
            Prefetch(
                "packages",
                queryset=Package.objects.prefetch_related(
                    Prefetch("lines", queryset=PackageLine.objects.select_related("fulfillment_line__sku"))
                ).order_by("pk"),
            ),
            Prefetch("changes", queryset=FulfillmentChange.objects.order_by("pk")),
        )
    )


def open_batches(location_ids: list[int]) -> list[PickBatch]:
    return list(
        PickBatch.objects.filter(location_id__in=location_ids, closed_at__isnull=True)
        .select_related("location")
        .annotate(orders=Count("fulfillment_orders"))
        .order_by("pk")
    )


def work_queue(user, location_id: int | None = None) -> dict[str, list[FulfillmentOrder]]:
    """Open work by state, for the queue page."""
    queryset = fulfillment_order_list(user).filter(state__in=FulfillmentOrder.OPEN_STATES)
    if location_id:
        queryset = queryset.filter(location_id=location_id)
    by_state = {state: [] for state in FulfillmentOrder.OPEN_STATES}
    for fo in queryset.order_by("order__placed_at", "pk"):
        by_state[fo.state].append(fo)
    return by_state


def orders_by_tracking_number(query: str) -> QuerySet:
    """Order ids whose shipments carry this tracking number (customer-service search)."""
    return (
        Shipment.objects.filter(tracking_number=query.strip())
        .order_by()
        .values("fulfillment_order__order_id")
    )


def combined_pick_rows(fos: list[FulfillmentOrder], location_id: int) -> list[dict]:
    """A batch's lines merged per SKU in bin order: units left in all, and per tote.
    `fos` carry their `open_lines` (services.batches.batch_work)."""
    from .services.picking import still_to_pick

    all_lines = [line for fo in fos for line in fo.open_lines]
    bins = bins_at(location_id, [line.sku_id for line in all_lines])
    rows: dict[int, dict] = {}
    for fo in fos:
        for line in fo.open_lines:
            left = still_to_pick(line)
            row = rows.setdefault(
                line.sku_id, {"sku": line.sku, "bin": bins.get(line.sku_id, ""), "total": 0, "entries": []}
            )
            row["total"] += left
            row["entries"].append({"fo": fo, "line": line, "left": left})
    for row in rows.values():
        row["totes"] = ", ".join(f"{e['fo'].tote} x{e['left']}" for e in row["entries"] if e["left"])
    return sorted(
        rows.values(), key=lambda row: (row["total"] == 0, not row["bin"], row["bin"], row["sku"].code)
    )
