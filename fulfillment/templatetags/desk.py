"""Template helpers of the warehouse desk: barcodes, who works in the warehouse, and the
shipments of an order (for the order page, which lives in an earlier app)."""

from django import template
from django.utils.safestring import mark_safe

from oms.core.roles import OMS_ADMIN, WAREHOUSE, has_role

from ..barcodes import code128_svg
from ..models import Shipment

register = template.Library()


@register.filter
def barcode(value) -> str:
    """Code 128 of the value as inline SVG (the value is escaped in its label)."""
    return mark_safe(code128_svg(str(value)))  # noqa: S308 - built from rects and an escaped label


@register.filter
def works_in_warehouse(user) -> bool:
    return has_role(user, WAREHOUSE, OMS_ADMIN)


@register.inclusion_tag("fulfillment/_order_shipments.html")
def order_shipments(order):
    """The order's shipments with carrier, tracking link and package (one query)."""
    shipments = (
        Shipment.objects.filter(fulfillment_order__order=order)
        .select_related("fulfillment_order__location", "package")
        .order_by("pk")
    )
    return {"shipments": list(shipments)}
