"""Generic JSON: the channel's own document, mapped to the normalized order by the connection's
`field_mapping` (edited in the admin).

A mapping names, for each normalized field, where it is in the document: a dotted path
("buyer.email", "items.0.sku"); "=text" for a constant ("=USD"). Lines come from the list at
`lines` ("items"); `lines.<field>` paths are relative to each item, and so for `shipping_lines`
and `refunds`. Money, times and booleans are read as the channel sends them (strings or
numbers, ISO 8601 or RFC 2822, "true"/"false"). Without a mapping the document is already the
normalized order.

    {"external_id": "id", "placed_at": "created", "currency": "=EUR", "customer.email": "buyer.email",
     "lines": "items", "lines.sku": "code", "lines.quantity": "qty", "lines.unit_price": "price",
     "totals.total": "grand_total"}
"""

from oms.core.adapters import register_adapter

from ..common.base import BaseAdapter
from ..common.parse import flag, identifier, money, text, timestamp

MONEY = {
    "unit_price",
    "subtotal",
    "discount",
    "tax",
    "price",
    "amount",
    "total",
    "shipping",
    "fees",
    "refunded",
    "shipping_price",
    "order_discount",
}
TIMES = {"placed_at", "updated_at", "cancelled_at", "ship_by", "refunded_at"}
FLAGS = {"fulfilled_by_channel", "taxes_included"}
INTEGERS = {"quantity", "quantity_shipped", "quantity_cancelled"}
LISTS = ("lines", "shipping_lines", "refunds", "fees")
MISSING = object()


def lookup(document, path: str):
    """The value at a dotted path ("buyer.email", "items.0.sku"); MISSING when absent."""
    if path.startswith("="):
        return path[1:]
    value = document
    for part in path.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return MISSING
    return value


def convert(field: str, value):
    if value is None:
        return None
    if field in MONEY:
        return money(value)
    if field in TIMES:
        return timestamp(value)
    if field in FLAGS:
        return flag(value)
    if field in INTEGERS:
        return int(value)
    if field.endswith("_id") or field in ("sku", "code"):
        return identifier(value)
    return text(value) if isinstance(value, str) else value


def assign(target: dict, dotted: str, value) -> None:
    *parents, name = dotted.split(".")
    for parent in parents:
        target = target.setdefault(parent, {})
    target[name] = value


def apply_mapping(document: dict, mapping: dict) -> dict:
    data: dict = {}
    nested = {kind: {} for kind in LISTS}
    for field, path in mapping.items():
        head, _, rest = field.partition(".")
        if head in LISTS and rest:
            nested[head][rest] = path
            continue
        if head in LISTS:
            continue
        value = lookup(document, str(path))
        if value is not MISSING:
            assign(data, field, convert(field.rsplit(".", 1)[-1], value))
    for kind in LISTS:
        if kind not in mapping:
            continue
        items = lookup(document, str(mapping[kind]))
        if not isinstance(items, list):
            raise ValueError(f"{kind}: {mapping[kind]!r} is not a list in the document.")
        data[kind] = [apply_mapping(item, nested[kind]) for item in items]
    return data


@register_adapter("generic_json")
class GenericJsonAdapter(BaseAdapter):
    def normalize(self, document: dict, *, topic: str, headers: dict) -> dict | None:
        mapping = self.config.mapping
        if not mapping:
            return document
        data = apply_mapping(document, mapping)
        data.setdefault("customer", {})
        data.setdefault("totals", {})
        return data
