"""Pickup in store: prepared (picked, bagged, offered), collected, or, when nobody comes within
the store's pickup_hold_days, cancelled so that its units go back on sale."""

import logging
from datetime import datetime, timedelta

from django.utils import timezone

from inventory.models import Location
from oms.core.actor import Actor
from oms.core.errors import DomainError
from oms.core.transactions import transactional
from orders import services as order_services

from ..models import FulfillmentOrder
from .steps import fulfillment_pack, fulfillment_ready_for_pickup, fulfillment_ship

logger = logging.getLogger(__name__)
State, Kind = FulfillmentOrder.State, FulfillmentOrder.Kind


@transactional
def fulfillment_prepare_pickup(*, fo: FulfillmentOrder, actor: Actor) -> FulfillmentOrder:
    """A picked pickup order bagged and offered to the customer (the notice goes out)."""
    fulfillment_pack(fo=fo, actor=actor)
    return fulfillment_ready_for_pickup(fo=fo, actor=actor)


@transactional
def fulfillment_ship_all(
    *, fo: FulfillmentOrder, carrier: str, service: str, tracking_number: str, actor: Actor
) -> FulfillmentOrder:
    """One package with everything still open on the FO (a drop-ship vendor's shipment)."""
    lines = {line.pk: line.quantity_open for line in fo.lines.all() if line.quantity_open}
    package = {"carrier": carrier, "service": service, "tracking_number": tracking_number, "lines": lines}
    fulfillment_ship(fo=fo, packages=[package], actor=actor)
    return FulfillmentOrder.objects.get(pk=fo.pk)


def uncollected_pickups(now: datetime | None = None) -> list[FulfillmentOrder]:
    """Pickups offered longer ago than their store keeps them, oldest first."""
    now = now or timezone.now()
    overdue = []
    for store in Location.objects.filter(fulfillment_orders__state=State.READY_FOR_PICKUP).distinct():
        cutoff = now - timedelta(days=store.pickup_hold_days)
        overdue += list(
            FulfillmentOrder.objects.filter(
                location=store, state=State.READY_FOR_PICKUP, kind=Kind.PICKUP, ready_at__lt=cutoff
            ).select_related("location", "order")
        )
    return sorted(overdue, key=lambda fo: (fo.ready_at, fo.pk))


def fulfillment_return_uncollected_pickups(*, now: datetime | None = None) -> list[str]:
    """Cancel the units of every overdue pickup (one transaction each, through the order's
    cancel): the reservations go, the units are on sale again, and the store is asked to
    take the bag off the pickup shelf. Returns the fulfillment order numbers."""
    actor = Actor.system("pickup-expiry")
    returned = []
    for fo in uncollected_pickups(now):
        quantities = {line.order_line_id: line.quantity_open for line in fo.lines.all() if line.quantity_open}
        reason = f"Not collected within {fo.location.pickup_hold_days} days at {fo.location.code}"
        try:
            order_services.order_cancel_lines(
                order=fo.order, quantities=quantities, reason=reason, actor=actor
            )
        except DomainError as error:
            logger.warning("uncollected pickup %s not returned: %s", fo.number, error.message)
            continue
        returned.append(fo.number)
    return returned
