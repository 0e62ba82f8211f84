"""How an order's channel parts read in the API: money rounded for display beside the exact
figures, tax lines under what they tax, the channel's own facts. Reads only prefetched rows
(orders.selectors.order_detail_queryset) or the rows intake wrote."""

from collections import defaultdict

from django.urls import reverse
from rest_framework import serializers

from oms.core.money import exact, quantize

from ..models import Order, OrderCharge


def _money(value, currency: str) -> str:
    return str(quantize(value, currency))


def _tax_lines(taxes, currency: str) -> list[dict]:
    return [
        {
            "title": tax.title,
            "rate": str(tax.rate) if tax.rate is not None else None,
            "amount": _money(tax.amount, currency),
        }
        for tax in taxes
    ]


def _taxes_by_owner(order: Order) -> tuple[dict, dict, list]:
    by_line, by_charge, on_order = defaultdict(list), defaultdict(list), []
    for tax in order.tax_lines.all():
        if tax.line_id:
            by_line[tax.line_id].append(tax)
        elif tax.charge_id:
            by_charge[tax.charge_id].append(tax)
        else:
            on_order.append(tax)
    return by_line, by_charge, on_order


def order_totals(order: Order) -> dict:
    currency = order.currency
    figures = {
        "subtotal": order.subtotal,
        "discount": order.discount_total,
        "tax": order.tax_total,
        "shipping": order.shipping_price,
        "fees": order.fees_total,
        "total": order.total,
        "refunded": order.refunded_total,
        "refund_pending": order.refund_pending_total,
    }
    return {
        **{name: _money(value, currency) for name, value in figures.items()},
        "exact": {name: str(exact(value)) for name, value in figures.items()},
    }


def order_lines(order: Order) -> list[dict]:
    currency = order.currency
    lines = list(order.lines.all())
    numbers = {line.pk: line.line_number for line in lines}
    by_line, _by_charge, _on_order = _taxes_by_owner(order)
    return [
        {
            "id": line.pk,
            "line_number": line.line_number,
            "sku": line.sku_code,
            "sku_known": line.sku_id is not None,
            "name": line.name,
            "channel": {
                "line_id": line.channel_line_id,
                "sku": line.channel_sku,
                "product_id": line.channel_product_id,
                "variant_id": line.channel_variant_id,
            },
            "unit_price": _money(line.unit_price, currency),
            "subtotal": _money(line.subtotal, currency),
            "discount": _money(line.discount, currency),
            "tax": _money(line.tax, currency),
            "exact": {
                "unit_price": str(exact(line.unit_price)),
                "subtotal": str(exact(line.subtotal)),
                "discount": str(exact(line.discount)),
                "tax": str(exact(line.tax)),
            },
            "tax_lines": _tax_lines(by_line.get(line.pk, []), currency),
            "properties": line.properties,
            "bundle": line.is_bundle,
            "bundle_parent": numbers.get(line.bundle_parent_id),
            "fulfilled_by_channel": line.fulfilled_by_channel,
            "quantities": {
                "ordered": line.quantity,
                "allocated": line.quantity_allocated,
                "shipped": line.quantity_shipped,
                "cancelled": line.quantity_cancelled,
                "returned": line.quantity_returned,
                "open": line.quantity_open,
            },
            "removed": line.removed_at is not None,
        }
        for line in lines
    ]


def _charge(charge: OrderCharge, taxes, currency: str) -> dict:
    return {
        "kind": charge.kind,
        "channel_line_id": charge.channel_line_id,
        "code": charge.code,
        "title": charge.title,
        "carrier": charge.carrier,
        "amount": _money(charge.amount, currency),
        "discount": _money(charge.discount, currency),
        "tax": _money(charge.tax, currency),
        "tax_lines": _tax_lines(taxes, currency),
    }


def order_channel_parts(order: Order) -> dict:
    currency = order.currency
    dt = serializers.DateTimeField().to_representation
    _by_line, by_charge, on_order = _taxes_by_owner(order)
    charges = list(order.charges.all())
    return {
        "channel_facts": {
            "status": order.channel_status,
            "updated_at": dt(order.channel_updated_at) if order.channel_updated_at else None,
            "cancelled_at": dt(order.channel_cancelled_at) if order.channel_cancelled_at else None,
            "totals": order.channel_totals,
            "discount_codes": order.discount_codes,
            "attributes": order.attributes,
            "fulfilled_by_channel": order.fulfilled_by_channel,
            "taxes_included": order.taxes_included,
        },
        "shipping_lines": [
            _charge(charge, by_charge.get(charge.pk, []), currency)
            for charge in charges
            if charge.kind == OrderCharge.Kind.SHIPPING
        ],
        "fees": [
            _charge(charge, by_charge.get(charge.pk, []), currency)
            for charge in charges
            if charge.kind != OrderCharge.Kind.SHIPPING
        ],
        "tax_lines": _tax_lines(on_order, currency),
        "refunds": [
            {
                "channel_refund_id": refund.channel_refund_id,
                "refunded_at": dt(refund.refunded_at) if refund.refunded_at else None,
                "amount": str(exact(refund.amount)),
                "recorded": _money(refund.recorded_amount, currency),
                "shipping": _money(refund.shipping_amount, currency),
                "note": refund.note,
                "lines": refund.lines,
            }
            for refund in order.channel_refunds.all()
        ],
        # The inbox (oms.integrations, a later app) serves them; named by URL, not imported.
        "documents": reverse("api:inbox-document-list") + f"?order={order.number}",
    }
