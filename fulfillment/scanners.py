"""What a scan opens on the warehouse desk, for fulfillment's own codes (registered in
FulfillmentConfig.ready; returns adds its own)."""

from django.db.models import Q
from django.urls import reverse

from .carriers import normalize_tracking
from .desk import Opened, register_scan_resolver
from .models import PickBatch, Shipment
from .selectors import visible_fulfillment_orders


def fulfillment_order_number(user, code: str, location_ids: list[int]) -> Opened | None:
    fo = visible_fulfillment_orders(user).filter(number=code.upper()).only("pk").first()
    return Opened(reverse("fulfillment:work", args=[fo.pk])) if fo else None


def pick_batch_number(user, code: str, location_ids: list[int]) -> Opened | None:
    batch = PickBatch.objects.filter(number=code.upper(), location_id__in=location_ids).first()
    return Opened(reverse("fulfillment:batch", args=[batch.number])) if batch else None


def order_number(user, code: str, location_ids: list[int]) -> Opened | None:
    """An order's work here: its open fulfillment order, else its latest one."""
    fos = list(
        visible_fulfillment_orders(user)
        .filter(order__number=code.upper(), location_id__in=location_ids)
        .order_by("-pk")
        .only("pk", "state")
    )
    if not fos:
        return None
    fo = next((fo for fo in fos if fo.is_open), fos[0])
    note = (
        f"{len(fos)} fulfillment orders here for {code.upper()}; opened the open one." if len(fos) > 1 else ""
    )
    return Opened(reverse("fulfillment:work", args=[fo.pk]), note)


def outbound_tracking(user, code: str, location_ids: list[int]) -> Opened | None:
    number = normalize_tracking(code)
    shipment = (
        Shipment.objects.filter(tracking_number=number, fulfillment_order__location_id__in=location_ids)
        .filter(Q(fulfillment_order__in=visible_fulfillment_orders(user).values("pk")))
        .only("fulfillment_order_id")
        .first()
    )
    if shipment is None:
        return None
    return Opened(reverse("fulfillment:work", args=[shipment.fulfillment_order_id]))


def register() -> None:
    for resolver in (fulfillment_order_number, pick_batch_number, order_number, outbound_tracking):
        register_scan_resolver(resolver)
