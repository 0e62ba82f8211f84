"""Edits before shipping: the ship-to address (or pickup location), line quantities, a line's
SKU (fixing an unknown one), added and removed lines. The timeline keeps before and after;
`order_edited` names the changed lines so that fulfillment sources them again.
"""

from django.utils import timezone

from inventory.models import Location, Sku, normalize_code
from oms.core.actor import Actor
from oms.core.money import EXACT_MAX
from oms.core.transactions import transactional

from ..errors import OrderConflict, OrderError, OrderErrorCode
from ..models import SHIPPING_ADDRESS_COLUMNS, Order, OrderCharge, OrderLine, TaxLine
from ..permissions import ORDER_EDIT
from ..signals import order_edited
from .amounts import (
    TOTAL_FIELDS,
    amount_past_columns,
    apply_totals,
    compute_totals,
    scale_to_quantity,
    set_stated_money,
    totals_of,
)
from .cancellation import check_cancellable, free_units, settle_after_cancellation
from .document import build_line
from .locks import lock_order, lock_order_with_stock
from .normalize import address_problem, normalize_address
from .timeline import timeline_event, timeline_write

Status = Order.Status
EDITABLE = (Status.NEW, Status.ON_HOLD, Status.ALLOCATED, Status.BACKORDERED, Status.PARTIALLY_SHIPPED)


def _jsonable(value):
    return None if value is None else str(value) if not isinstance(value, str) else value


def _pickup_at(code: str) -> Location:
    location = Location.objects.filter(code=code.strip(), active=True, can_pickup=True).first()
    if location is None:
        raise OrderError(OrderErrorCode.INVALID_PICKUP_LOCATION, f"{code!r} is not a pickup location.")
    return location


def _check_delivery_request(order: Order, address, pickup_location, delivery_method) -> None:
    """A pickup order is collected at its store: its address is not where it goes. It becomes a
    ship-to order only when the caller says so (delivery_method "ship": an explicit re-route)."""
    if delivery_method not in (None, "", *Order.DeliveryMethod.values):
        raise OrderError(
            OrderErrorCode.NOTHING_TO_CHANGE,
            f"delivery_method must be one of {', '.join(Order.DeliveryMethod.values)}.",
            details={"field": "delivery_method"},
        )
    if delivery_method == Order.DeliveryMethod.SHIP and pickup_location:
        raise OrderError(
            OrderErrorCode.NOTHING_TO_CHANGE,
            'Name a pickup location or delivery_method "ship", not both.',
            details={"field": "delivery_method"},
        )
    if delivery_method == Order.DeliveryMethod.PICKUP and not pickup_location:
        raise OrderError(
            OrderErrorCode.INVALID_PICKUP_LOCATION,
            "Name the pickup location.",
            details={"field": "pickup_location"},
        )
    reroute_to_ship = delivery_method == Order.DeliveryMethod.SHIP
    if order.delivery_method == Order.DeliveryMethod.PICKUP and address is not None and not reroute_to_ship:
        store = order.pickup_location.code if order.pickup_location_id else "its store"
        raise OrderConflict(
            OrderErrorCode.PICKUP_ORDER,
            f"Order {order.number} is collected at {store}; an address does not change that. To ship it "
            'to this address instead, re-route it explicitly (delivery_method "ship").',
            details={"delivery_method": order.delivery_method, "pickup_location": store},
        )


@transactional
def order_edit_address(
    *,
    order: Order,
    address: dict | None,
    actor: Actor,
    reason: str = "",
    pickup_location: str | None = None,
    delivery_method: str | None = None,
) -> Order:
    """Replace the ship-to address; switch to pickup at a named location; or re-route a pickup
    order to be shipped (delivery_method "ship", to `address` or the address it has). Only
    before anything shipped. The timeline keeps the fields that changed, before and after."""
    order, lines, locked = lock_order_with_stock(order)
    ORDER_EDIT.require(actor, order)
    if order.status not in EDITABLE or any(line.quantity_shipped for line in lines.values()):
        raise OrderConflict(
            OrderErrorCode.ALREADY_SHIPPED,
            f"Order {order.number} is {order.status}; its address cannot change once shipping started.",
        )
    _check_delivery_request(order, address, pickup_location, delivery_method)
    changes = {}
    if pickup_location:
        location = _pickup_at(pickup_location)
        if order.delivery_method != Order.DeliveryMethod.PICKUP or order.pickup_location_id != location.pk:
            changes["delivery"] = {
                "before": order.pickup_location.code if order.pickup_location_id else order.delivery_method,
                "after": f"pickup:{location.code}",
            }
            order.delivery_method = Order.DeliveryMethod.PICKUP
            order.pickup_location = location
    if address is not None or delivery_method == Order.DeliveryMethod.SHIP:
        new = normalize_address(address) if address is not None else order.shipping_address
        problem = address_problem(new, order.customer_name)
        if problem:
            raise OrderError(OrderErrorCode.NOTHING_TO_CHANGE, problem)
        old = order.shipping_address
        for field, column in SHIPPING_ADDRESS_COLUMNS.items():
            if _jsonable(old[field]) != _jsonable(new[field]):
                changes[field] = {"before": _jsonable(old[field]), "after": _jsonable(new[field])}
                setattr(order, column, new[field])
        if (
            delivery_method == Order.DeliveryMethod.SHIP
            and order.delivery_method != Order.DeliveryMethod.SHIP
        ):
            changes["delivery"] = {
                "before": f"pickup:{order.pickup_location.code}" if order.pickup_location_id else "pickup",
                "after": "ship",
            }
            order.delivery_method = Order.DeliveryMethod.SHIP
            order.pickup_location = None
    if not changes:
        return order
    order.save()
    timeline_write(
        order,
        [
            timeline_event(
                order,
                "address_changed",
                actor,
                message=reason,
                payload={"changes": changes, "reason": reason},
            )
        ],
    )
    order_edited.send(sender=Order, order=order, line_ids=[], address_changed=True, locked=locked)
    return lock_order(order)  # as it stands after fulfillment re-sourced it


def _resolve_skus(codes) -> dict[str, Sku]:
    codes = {normalize_code(code) for code in codes}
    skus = {sku.code: sku for sku in Sku.objects.filter(code__in=codes, active=True)} if codes else {}
    missing = codes - set(skus)
    if missing:
        raise OrderError(
            OrderErrorCode.UNKNOWN_SKU,
            f"Unknown or inactive SKU: {', '.join(sorted(missing))}.",
            details={"skus": sorted(missing)},
        )
    return skus


def _line_summary(line: OrderLine) -> dict:
    return {"line": line.line_number, "sku": line.sku_code, "quantity": line.quantity}


def _check_lines(lines: dict[int, OrderLine], update: list[dict], remove: list[int]) -> None:
    unknown = ({item["line_id"] for item in update} | set(remove)) - {
        pk for pk, line in lines.items() if line.removed_at is None
    }
    if unknown:
        raise OrderConflict(
            OrderErrorCode.LINE_NOT_FOUND,
            "Those lines are not on this order.",
            details={"line_ids": sorted(unknown)},
        )
    for item in update:
        line = lines[item["line_id"]]
        if "sku" in item and (line.quantity_shipped or line.quantity_cancelled):
            raise OrderConflict(
                OrderErrorCode.ALREADY_SHIPPED,
                f"Line {line.line_number}: its SKU cannot change after units shipped or were cancelled.",
            )
        quantity = item.get("quantity")
        if quantity is not None and quantity < line.quantity_shipped + line.quantity_cancelled:
            raise OrderConflict(
                OrderErrorCode.QUANTITY_TOO_HIGH,
                f"Line {line.line_number}: {line.quantity_shipped} shipped and {line.quantity_cancelled} "
                f"cancelled; the quantity cannot go below {line.quantity_shipped + line.quantity_cancelled}.",
            )
    for line_id in remove:
        if lines[line_id].quantity_shipped:
            raise OrderConflict(
                OrderErrorCode.ALREADY_SHIPPED, f"Line {lines[line_id].line_number} has shipped units."
            )


@transactional
def order_edit_lines(
    *,
    order: Order,
    actor: Actor,
    update: list[dict] | None = None,
    add: list[dict] | None = None,
    remove: list[int] | None = None,
    reason: str = "",
) -> Order:
    """Change lines before they ship.

    update: [{"line_id", "quantity"?, "sku"?, "stated"?}] - a new quantity (subtotal, discount
            and tax scale from what the channel stated for the line), a new SKU code (fixes an
            unknown one), or what the channel now states for the line (`stated`: {"money":
            LineMoney, "quantity"}: what quantity edits scale from); add: normalized lines
            (orders.api.intake.IntakeLineSerializer; `bundle_parent` names an existing or added
            line by its channel line id); remove:
            [line_id] - the line's open units are cancelled and it leaves the totals. Totals are
            computed again from the lines and the charges.
    """
    update, add, remove = list(update or []), list(add or []), sorted(set(remove or []))
    if not (update or add or remove):
        raise OrderError(OrderErrorCode.NOTHING_TO_CHANGE, "Nothing to change.")
    skus = _resolve_skus([item["sku"] for item in update if item.get("sku")] + [item["sku"] for item in add])
    order, lines, locked = lock_order_with_stock(order, extra_sku_ids={sku.pk for sku in skus.values()})
    ORDER_EDIT.require(actor, order)
    if order.status not in EDITABLE:
        raise OrderConflict(OrderErrorCode.ORDER_CLOSED, f"Order {order.number} is {order.status}.")
    _check_lines(lines, update, remove)

    # Units that must leave open fulfillment work first: removed lines, and quantities cut
    # below what is already allocated, shipped or cancelled.
    to_free = {line_id: lines[line_id].quantity_open for line_id in remove if lines[line_id].quantity_open}
    for item in update:
        line, quantity = lines[item["line_id"]], item.get("quantity")
        if quantity is not None:
            excess = line.quantity_allocated + line.quantity_shipped + line.quantity_cancelled - quantity
            if excess > 0:
                to_free[line.pk] = excess
    if to_free:
        check_cancellable(lines, to_free)
        order, lines = free_units(order, to_free, locked)

    totals_before = totals_of(order)
    changes, changed_ids, money_ids, now = [], set(), set(), timezone.now()
    for item in update:
        line = lines[item["line_id"]]
        quantity, stated = item.get("quantity"), item.get("stated")
        if stated is not None:  # what the channel now states for the line
            before = str(line.stated_subtotal)
            set_stated_money(line, stated["money"], stated["quantity"])
            changes.append(
                {"line": line.line_number, "field": "money", "before": before, "after": str(line.subtotal)}
            )
            money_ids.add(line.pk)
        if quantity is not None and quantity != line.quantity:
            changes.append(
                {"line": line.line_number, "field": "quantity", "before": line.quantity, "after": quantity}
            )
            changed_ids.add(line.pk)
        if stated is not None or line.pk in changed_ids:
            scale_to_quantity(line, quantity if quantity is not None else line.quantity)
        if item.get("sku"):
            sku = skus[normalize_code(item["sku"])]
            if line.sku_id != sku.pk:
                changes.append(
                    {"line": line.line_number, "field": "sku", "before": line.sku_code, "after": sku.code}
                )
                line.sku, line.sku_code = sku, sku.code
                line.name = line.name or sku.name
                changed_ids.add(line.pk)
    for line_id in remove:
        line = lines[line_id]
        line.quantity_cancelled = line.quantity - line.quantity_shipped
        line.removed_at = now
        changes.append(
            {"line": line.line_number, "field": "removed", "before": _line_summary(line), "after": None}
        )

    added = _added_lines(order, lines, add, skus)
    touched = [lines[pk] for pk in sorted(changed_ids | money_ids | set(remove))]
    if not (touched or added):
        return order
    computed = compute_totals(
        [*lines.values(), *added],
        list(OrderCharge.objects.filter(order=order)),
        order_tax=order.order_tax,
        order_discount=order.order_discount,
        taxes_included=order.taxes_included,
    )
    _check_amounts_fit([*touched, *added], computed)
    OrderLine.objects.bulk_update(touched, EDITED_FIELDS)
    _save_added(added)
    changes += [
        {"line": line.line_number, "field": "added", "before": None, "after": _line_summary(line)}
        for line in added
    ]
    apply_totals(order, computed)
    events = [
        timeline_event(
            order,
            "lines_edited",
            actor,
            message=reason,
            payload={
                "changes": changes,
                "reason": reason,
                "totals": {"before": totals_before, "after": totals_of(order)},
            },
        )
    ]
    order.save(update_fields=[*TOTAL_FIELDS, "updated_at"])
    events += settle_after_cancellation(order, [*lines.values(), *added], actor, reason or "lines removed")
    timeline_write(order, events)
    line_ids = sorted(changed_ids | {line.pk for line in added})
    if line_ids:
        order_edited.send(sender=Order, order=order, line_ids=line_ids, address_changed=False, locked=locked)
        return lock_order(order)  # as it stands after fulfillment re-sourced it
    return order


EDITED_FIELDS = [
    "quantity",
    "unit_price",
    "subtotal",
    "discount",
    "tax",
    "stated_quantity",
    "stated_subtotal",
    "stated_discount",
    "stated_tax",
    "sku",
    "sku_code",
    "name",
    "quantity_cancelled",
    "removed_at",
]


def _check_amounts_fit(lines: list[OrderLine], computed: dict) -> None:
    """Refuse, before anything is written, an edit whose money passes what the columns keep."""
    past = amount_past_columns(lines, computed)
    if past is not None:
        raise OrderError(
            OrderErrorCode.AMOUNT_TOO_LARGE,
            f"The edit takes the {past} past {EXACT_MAX}, the largest amount kept.",
            details={"amount": past, "maximum": str(EXACT_MAX)},
        )


def _added_lines(order: Order, lines: dict[int, OrderLine], add: list[dict], skus) -> list[OrderLine]:
    """New lines numbered after the last one; a bundle child names its parent (an existing or an
    added line) by channel line id."""
    next_number = max((line.line_number for line in lines.values()), default=0) + 1
    added = []
    for offset, item in enumerate(add):
        sku = skus[normalize_code(item["sku"])]
        line = build_line(item, next_number + offset, sku, order_fulfilled_by_channel=False)
        line.order, line.name = order, line.name or sku.name
        line.quantity_shipped, line.quantity_cancelled = (
            0,
            0,
        )  # shipping and cancelling are steps of their own
        added.append(line)
    by_channel_id = {line.channel_line_id: line for line in [*lines.values(), *added] if line.channel_line_id}
    parents = {item.get("bundle_parent") for item in add if item.get("bundle_parent")}
    for item, line in zip(add, added, strict=True):
        line.is_bundle = bool(line.channel_line_id) and line.channel_line_id in parents
        parent = item.get("bundle_parent")
        if parent:
            if parent not in by_channel_id:
                raise OrderError(
                    OrderErrorCode.LINE_NOT_FOUND, f"No line {parent!r} to be the bundle's parent."
                )
            line.bundle_parent = by_channel_id[parent]
    return added


def _save_added(added: list[OrderLine]) -> None:
    """Parents before children; the added lines' tax lines after them."""
    OrderLine.objects.bulk_create(
        [line for line in added if line.bundle_parent is None or line.bundle_parent.pk]
    )
    children = [line for line in added if line.pk is None]
    if children:
        OrderLine.objects.bulk_create(children)
    taxes = [tax for line in added for tax in line.stated_tax_lines]
    for tax in taxes:
        tax.order = tax.line.order
    if taxes:
        TaxLine.objects.bulk_create(taxes)
