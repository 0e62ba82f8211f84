"""CSV / XLSX import and export of orders: one row per order line.

Import goes through the intake service, validated exactly like the API (the intake
serializer), with the same natural-key idempotency: importing a file twice creates nothing
the second time. A file with any malformed row imports nothing and names the rows.
Export writes the same columns (plus number and status), so an export can be re-imported.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import tablib
from django.db import transaction
from import_export import fields, resources, widgets
from rest_framework.exceptions import ValidationError

from oms.core.actor import Actor
from oms.core.api.problems import flatten_errors
from oms.core.models import Channel

from .api.intake import validate_order_document
from .models import OrderLine
from .services import order_intake

ORDER_COLUMNS = [
    "channel",
    "external_id",
    "placed_at",
    "currency",
    "payment_status",
    "customer_email",
    "customer_name",
    "customer_phone",
    "ship_name",
    "ship_line1",
    "ship_line2",
    "ship_city",
    "ship_region",
    "ship_postal_code",
    "ship_country_code",
    "delivery_method",
    "pickup_location",
    "shipping_price",
    "total",
]
LINE_COLUMNS = ["sku", "line_name", "quantity", "unit_price", "discount", "tax"]
REQUIRED_COLUMNS = [
    "channel",
    "external_id",
    "placed_at",
    "currency",
    "sku",
    "quantity",
    "unit_price",
    "total",
]
MONEY_COLUMNS = {"shipping_price", "total", "unit_price", "discount", "tax"}
ADDRESS_COLUMNS = {
    "ship_name": "name",
    "ship_line1": "line1",
    "ship_line2": "line2",
    "ship_city": "city",
    "ship_region": "region",
    "ship_postal_code": "postal_code",
    "ship_country_code": "country_code",
}
FORMATS = ("csv", "xlsx")


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    held: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def load_dataset(content: bytes, file_format: str) -> tablib.Dataset:
    if file_format not in FORMATS:
        raise ValueError(f"Unsupported format {file_format!r}; use CSV or XLSX.")
    if file_format == "csv":
        return tablib.Dataset().load(content.decode("utf-8-sig"), format="csv")
    return tablib.Dataset().load(content, format="xlsx")


def _cell(column: str, value) -> str:
    """Cells as the API would receive them: strings (XLSX gives numbers and datetimes)."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float):
        value = Decimal(repr(value))
        if column == "quantity" and value == value.to_integral_value():
            return str(int(value))
    return str(value).strip()


def _payload(rows: list[dict]) -> dict:
    first = rows[0]
    body = {
        "channel": first["channel"],
        "external_id": first["external_id"],
        "placed_at": first["placed_at"],
        "currency": first["currency"],
        "customer": {
            key: first.get(f"customer_{key}", "")
            for key in ("email", "name", "phone")
            if first.get(f"customer_{key}")
        },
        "shipping_address": {
            target: first[column] for column, target in ADDRESS_COLUMNS.items() if first.get(column)
        },
        "delivery": {"method": first.get("delivery_method") or "ship"},
        "totals": {"total": first["total"]},
        "lines": [],
    }
    if first.get("pickup_location"):
        body["delivery"]["pickup_location"] = first["pickup_location"]
    for key in ("payment_status", "shipping_price"):
        if first.get(key):
            body[key] = first[key]
    for row in rows:
        line = {"sku": row["sku"], "quantity": row["quantity"], "unit_price": row["unit_price"]}
        if row.get("line_name"):
            line["name"] = row["line_name"]
        for key in ("discount", "tax"):
            if row.get(key):
                line[key] = row[key]
        body["lines"].append(line)
    return body


def _row_of(error_field: str | None, row_numbers: list[int]) -> int:
    parts = (error_field or "").split(".")
    if len(parts) > 1 and parts[0] == "lines" and parts[1].isdigit() and int(parts[1]) < len(row_numbers):
        return row_numbers[int(parts[1])]
    return row_numbers[0]


def import_orders(dataset: tablib.Dataset, *, actor: Actor) -> ImportResult:
    """Validate every order of the file, then (only if all are well-formed) take them in."""
    result = ImportResult()
    headers = [str(header or "").strip().lower() for header in dataset.headers or []]
    missing = [column for column in REQUIRED_COLUMNS if column not in headers]
    if missing:
        result.errors.append(f"Missing columns: {', '.join(missing)}.")
        return result

    groups: dict[tuple[str, str], tuple[list[dict], list[int]]] = {}
    for index, values in enumerate(dataset, start=2):  # row 1 holds the headers
        row = {column: _cell(column, value) for column, value in zip(headers, values, strict=False)}
        if not any(row.values()):
            continue
        rows, numbers = groups.setdefault((row.get("channel", ""), row.get("external_id", "")), ([], []))
        rows.append(row)
        numbers.append(index)

    channels = {channel.code: channel for channel in Channel.objects.filter(active=True)}
    valid = []
    for (channel_code, _external_id), (rows, numbers) in groups.items():
        channel = channels.get(channel_code)
        if channel is None:
            result.errors.append(f"Row {numbers[0]}: channel: unknown or inactive channel {channel_code!r}.")
            continue
        try:
            valid.append((channel, validate_order_document(_payload(rows))))
        except ValidationError as invalid:
            for error in flatten_errors(invalid.detail):
                result.errors.append(
                    f"Row {_row_of(error['field'], numbers)}: {error['field']}: {error['message']}"
                )
    if result.errors or not valid:
        if not valid and not result.errors:
            result.errors.append("The file has no order rows.")
        return result

    with transaction.atomic():
        for channel, data in valid:
            order, created = order_intake(data=data, channel=channel, actor=actor)
            (result.created if created else result.existing).append(order.number)
            if created and order.status == order.Status.ON_HOLD:
                result.held.append(order.number)
    return result


EXPORT_COLUMNS = ["number", "status", *ORDER_COLUMNS, "line_number", *LINE_COLUMNS, "shipped", "cancelled"]
#: column -> attribute path from an OrderLine
EXPORT_ATTRIBUTES = {
    **{column: f"order__{column}" for column in ORDER_COLUMNS},
    "number": "order__number",
    "status": "order__status",
    "channel": "order__channel__code",
    "pickup_location": "order__pickup_location__code",
    "line_number": "line_number",
    "sku": "sku_code",
    "line_name": "name",
    "quantity": "quantity",
    "unit_price": "unit_price",
    "discount": "discount",
    "tax": "tax",
    "shipped": "quantity_shipped",
    "cancelled": "quantity_cancelled",
}


class _ExportMeta:
    export_order = EXPORT_COLUMNS
    fields = EXPORT_COLUMNS


class TextWidget(widgets.Widget):
    """Strings in every format (XLSX cannot hold timezone-aware datetimes)."""

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value.isoformat() if isinstance(value, datetime) else str(value)


class OrderExportResource(resources.Resource):
    """Export orders as one row per line (the import's columns plus number, status and the
    shipped / cancelled quantities). Give it Orders; it exports their lines."""

    Meta = _ExportMeta

    @classmethod
    def get_display_name(cls):
        return "Orders, one row per line"

    def filter_export(self, queryset, **kwargs):
        return (
            OrderLine.objects.filter(order__in=queryset)
            .select_related("order__channel", "order__pickup_location")
            .order_by("order__placed_at", "order_id", "line_number")
        )


for _column in EXPORT_COLUMNS:
    OrderExportResource.fields[_column] = fields.Field(
        attribute=EXPORT_ATTRIBUTES[_column], column_name=_column, widget=TextWidget()
    )
