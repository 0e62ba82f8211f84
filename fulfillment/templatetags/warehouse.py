"""Template helpers of the warehouse desk: barcodes, and who works in the warehouse."""

from django import template
from django.utils.safestring import mark_safe

from oms.core.roles import OMS_ADMIN, WAREHOUSE, has_role

from ..barcodes import code128_svg

register = template.Library()


@register.filter
def barcode(value) -> str:
    """Code 128 of the value as inline SVG (the value is escaped in its label)."""
    return mark_safe(code128_svg(str(value)))  # noqa: S308 - built from rects and an escaped label


@register.filter
def works_in_warehouse(user) -> bool:
    return has_role(user, WAREHOUSE, OMS_ADMIN)
