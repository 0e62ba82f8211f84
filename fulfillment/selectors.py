"""Read queries the API and the staff UI share; warehouse users see their locations only."""

from django.db.models import Prefetch, QuerySet

from oms.core.roles import CUSTOMER_SERVICE, OMS_ADMIN, WAREHOUSE, user_roles

from .models import FulfillmentOrder, FulfillmentOrderLine, Shipment, ShipmentLine

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
    if sees_all_locations(user):
        return queryset
    if WAREHOUSE in user_roles(user):
        return queryset.filter(location__staff=user)
    return queryset.none()


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
