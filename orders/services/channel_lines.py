"""Channel updates, lines and charges: match the document's lines with ours, bring each to
what the channel now states through orders' own services, and replace shipping lines, fees and
tax lines when the channel changed them (orders.services.channel runs these)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from inventory.models import normalize_code
from oms.core.actor import Actor
from oms.core.money import ZERO, exact

from ..models import Order, OrderCharge, OrderLine, TaxLine
from .amounts import TOTAL_FIELDS, LineMoney, apply_totals, compute_totals, stated_line_money, totals_of
from .cancellation import order_cancel_lines
from .document import Rows, build_charges, channel_totals, order_tax, tax_lines_of
from .edits import order_edit_lines
from .progress import order_record_channel_shipment
from .timeline import timeline_record

if TYPE_CHECKING:
    from .channel import ChannelUpdate

BY_CHANNEL = "Changed by the channel."


# --- lines -------------------------------------------------------------------------------


def _match(order: Order, data: dict) -> tuple[list[tuple[dict, OrderLine]], list[dict], list[OrderLine]]:
    """(matched document line, our line) pairs, new document lines, and our lines the channel
    no longer states. By channel line id; by position when neither side names ids (then
    nothing counts as gone: a line customer service added is not the channel's to remove)."""
    current = [
        line
        for line in OrderLine.objects.filter(order=order).order_by("line_number")
        if line.removed_at is None
    ]
    raws = data["lines"]
    ours = {line.channel_line_id: line for line in current if line.channel_line_id}
    if ours or any(raw.get("channel_line_id") for raw in raws):
        matched = [(raw, ours[raw["channel_line_id"]]) for raw in raws if raw.get("channel_line_id") in ours]
        new = [raw for raw in raws if raw.get("channel_line_id") not in ours]
        stated = {raw.get("channel_line_id") for raw in raws}
        gone = [line for line in ours.values() if line.channel_line_id not in stated]
        return matched, new, gone
    matched = list(zip(raws, current, strict=False))
    return matched, raws[len(matched) :], []


def _stated_money(line: OrderLine) -> LineMoney:
    return LineMoney(line.unit_price, line.stated_subtotal, line.stated_discount, line.stated_tax)


def _line_edit(raw: dict, line: OrderLine, skus) -> tuple[dict, list[str]]:
    """The edit that brings our line to what the channel now states, and what it changes."""
    item, what = {"line_id": line.pk}, []
    money = stated_line_money(raw)
    if raw["quantity"] != line.stated_quantity:
        item["quantity"] = raw["quantity"]
        what.append(f"quantity {line.stated_quantity} -> {raw['quantity']}")
    if money != _stated_money(line) or "quantity" in item:
        item["stated"] = {"money": money, "quantity": raw["quantity"]}
        if (
            money.subtotal != line.stated_subtotal
            or money.tax != line.stated_tax
            or money.discount != line.stated_discount
        ):
            what.append("price")
    code = normalize_code(raw["sku"])
    if code != line.sku_code or (line.sku_id is None and code in skus):
        item["sku"] = code
        what.append(f"SKU {line.sku_code} -> {code}")
    return item, what


COSMETIC = ("name", "channel_sku", "channel_product_id", "channel_variant_id", "properties")


def _cosmetic(raw: dict, line: OrderLine) -> list[str]:
    stated = {
        "name": (raw.get("name") or line.name)[:200],
        "channel_sku": raw["sku"].strip()[:64],
        "channel_product_id": raw.get("channel_product_id") or "",
        "channel_variant_id": raw.get("channel_variant_id") or "",
        "properties": [{"name": p["name"], "value": p["value"]} for p in raw.get("properties") or []],
    }
    changed = [name for name, value in stated.items() if getattr(line, name) != value]
    for name in changed:
        setattr(line, name, stated[name])
    return changed


def apply_lines(update: ChannelUpdate, data: dict, skus, actor: Actor) -> list[tuple[dict, OrderLine]]:
    matched, new, gone = _match(update.order, data)
    touched = [line for raw, line in matched if _cosmetic(raw, line)]
    if touched:
        OrderLine.objects.bulk_update(touched, list(COSMETIC))
        update.changes += [f"Line {line.line_number}: details updated" for line in touched]
    for raw, line in matched:
        item, what = _line_edit(raw, line, skus)
        if len(item) > 1:
            label = f"Line {line.line_number} ({line.sku_code}): " + ", ".join(what or ["money as stated"])
            update.attempt(
                label,
                lambda item=item: order_edit_lines(
                    order=update.order, update=[item], actor=actor, reason=BY_CHANNEL
                ),
            )
    defaults = {"fulfilled_by_channel": update.order.fulfilled_by_channel}
    for raw in new:
        update.attempt(
            f"Line added: {raw['sku']} x{raw['quantity']}",
            lambda raw=raw: order_edit_lines(
                order=update.order, add=[{**defaults, **raw}], actor=actor, reason=BY_CHANNEL
            ),
        )
    for line in gone:
        update.attempt(
            f"Line {line.line_number} ({line.sku_code}) removed",
            lambda line=line: order_edit_lines(
                order=update.order, remove=[line.pk], actor=actor, reason=BY_CHANNEL
            ),
        )
    fresh = {line.pk: line for line in OrderLine.objects.filter(order=update.order)}
    by_channel_id = {line.channel_line_id: line for line in fresh.values() if line.channel_line_id}
    pairs = [(raw, fresh[line.pk]) for raw, line in matched]
    pairs += [
        (raw, by_channel_id[raw["channel_line_id"]])
        for raw in new
        if raw.get("channel_line_id") in by_channel_id
    ]
    _channel_cancels(update, pairs, actor)
    _channel_shipments(update, pairs, actor)
    return pairs


def _channel_cancels(update: ChannelUpdate, pairs, actor: Actor) -> None:
    for raw, line in pairs:
        more = (raw.get("quantity_cancelled") or 0) - line.quantity_cancelled
        if more > 0 and not line.is_bundle:  # a bundle is cancelled through its children
            update.attempt(
                f"Line {line.line_number} ({line.sku_code}): {more} units cancelled by the channel",
                lambda line=line, more=more: order_cancel_lines(
                    order=update.order,
                    quantities={line.pk: more},
                    reason="Cancelled by the channel.",
                    actor=actor,
                ),
            )


def _channel_shipments(update: ChannelUpdate, pairs, actor: Actor) -> None:
    shipped = {
        line.pk: (raw.get("quantity_shipped") or 0) - line.quantity_shipped
        for raw, line in pairs
        if line.fulfilled_by_channel and (raw.get("quantity_shipped") or 0) > line.quantity_shipped
    }
    if shipped:
        update.attempt(
            f"Shipped by the channel: {sum(shipped.values())} units",
            lambda: order_record_channel_shipment(order=update.order, quantities=shipped, actor=actor),
        )


# --- charges, tax lines, totals ----------------------------------------------------------


def _charge_key(charge: OrderCharge) -> tuple:
    return (
        charge.kind,
        charge.channel_line_id,
        charge.code,
        charge.title,
        charge.carrier,
        charge.amount,
        charge.discount,
        charge.tax,
    )


def _tax_keys(taxes, owner_of) -> list[str]:
    return sorted(str((owner_of(tax), tax.title, tax.rate, tax.amount)) for tax in taxes)


def apply_charges(update: ChannelUpdate, data: dict, matched) -> None:
    """Shipping lines, fees, every tax line and the order's own discount and tax as the channel
    now states them: replaced when any of them changed, and the totals computed again."""
    order = update.order
    doc = Rows()
    build_charges(data, doc)
    line_taxes = [tax for raw, line in matched for tax in tax_lines_of(raw.get("tax_lines") or [], line=line)]
    charges = list(OrderCharge.objects.filter(order=order).order_by("id"))
    taxes = list(TaxLine.objects.filter(order=order).order_by("id"))
    ours = {charge.pk: index for index, charge in enumerate(charges)}
    theirs = {id(charge): index for index, charge in enumerate(doc.charges)}

    def our_owner(tax):
        return (
            ("line", tax.line_id)
            if tax.line_id
            else ("charge", ours.get(tax.charge_id))
            if tax.charge_id
            else ()
        )

    def their_owner(tax):
        return (
            ("line", tax.line.pk)
            if tax.line is not None
            else ("charge", theirs[id(tax.charge)])
            if tax.charge
            else ()
        )

    stated = {
        "order_discount": exact(data.get("order_discount") or ZERO),
        "order_tax": order_tax(data),
        "taxes_included": bool(data.get("taxes_included")),
        "channel_totals": channel_totals(data),
    }
    same_parts = [_charge_key(c) for c in charges] == [_charge_key(c) for c in doc.charges] and _tax_keys(
        taxes, our_owner
    ) == _tax_keys([*doc.tax_lines, *line_taxes], their_owner)
    if same_parts and all(getattr(order, name) == value for name, value in stated.items()):
        return
    before = totals_of(order)
    TaxLine.objects.filter(order=order).delete()
    OrderCharge.objects.filter(order=order).delete()
    for row in [*doc.charges, *doc.tax_lines, *line_taxes]:
        row.order = order
    OrderCharge.objects.bulk_create(doc.charges)
    TaxLine.objects.bulk_create([*doc.tax_lines, *line_taxes])
    for name, value in stated.items():
        setattr(order, name, value)
    computed = compute_totals(
        OrderLine.objects.filter(order=order),
        doc.charges,
        order_tax=order.order_tax,
        order_discount=order.order_discount,
        taxes_included=order.taxes_included,
    )
    apply_totals(order, computed)
    order.save(update_fields=[*TOTAL_FIELDS, *stated, "updated_at"])
    if totals_of(order) != before or not same_parts:
        message = "Shipping, fees and taxes as the channel now states them."
        timeline_record(
            order,
            "charges_changed",
            Actor.for_channel(order.channel),
            message=message,
            payload={"totals": {"before": before, "after": totals_of(order)}},
        )
        update.changes.append(message)
