"""CSV: one row per order line, the order's own columns repeated on each of its rows.

Columns are named as below (or renamed by the connection's `field_mapping`: the file's column
-> ours). One document is one order (the import splits a file by `external_id`); money as the
file writes it ("19.99", "19,99" is refused), times with their offset.

    external_id, placed_at, currency, customer_email, customer_name, customer_phone,
    ship_name, ship_company, ship_line1, ship_line2, ship_city, ship_region, ship_postal_code,
    ship_country, ship_phone, channel_line_id, sku, name, quantity, unit_price, line_discount,
    line_tax, shipping_price, shipping_tax, order_discount, order_tax, total, payment_status,
    customer_note, fulfilled_by_channel
"""

import csv
import io

from oms.core.adapters import register_adapter

from ..common.base import BaseAdapter
from ..common.parse import address, flag, money, text, timestamp

ORDER_KEY = "external_id"


def read_rows(body: str, renames: dict | None = None) -> list[dict]:
    reader = csv.DictReader(io.StringIO(body.lstrip("\ufeff")))
    if not reader.fieldnames or ORDER_KEY not in [
        (renames or {}).get(n, n).strip() for n in reader.fieldnames
    ]:
        raise ValueError(f"A CSV with a header row naming at least {ORDER_KEY!r}.")
    rows = []
    for row in reader:
        rows.append({(renames or {}).get(k, k).strip(): (v or "").strip() for k, v in row.items() if k})
    return rows


def split_orders(body: str, renames: dict | None = None) -> list[tuple[str, str]]:
    """A file as one CSV document per order: [(external id, csv text)], in file order."""
    reader = csv.reader(io.StringIO(body.lstrip("\ufeff")))
    header = next(reader, None)
    if not header:
        raise ValueError("The file is empty.")
    names = [(renames or {}).get(name, name).strip() for name in header]
    if ORDER_KEY not in names:
        raise ValueError(f"The header row names no {ORDER_KEY!r} column.")
    key = names.index(ORDER_KEY)
    orders: dict[str, list] = {}
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        external_id = row[key].strip() if key < len(row) else ""
        if not external_id:
            raise ValueError(f"Row {reader.line_num}: no {ORDER_KEY}.")
        orders.setdefault(external_id, []).append(row)
    documents = []
    for external_id, rows in orders.items():
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        documents.append((external_id, out.getvalue()))
    return documents


def _money(row: dict, name: str, default=None):
    value = row.get(name, "")
    return money(value, default=default) if value else default


def normalize_rows(rows: list[dict], config) -> dict:
    first = rows[0]
    if len({row.get(ORDER_KEY) for row in rows}) != 1:
        raise ValueError("One document is one order: its rows share one external_id.")
    lines = []
    for number, row in enumerate(rows, start=1):
        if not row.get("quantity", "").isdigit():
            raise ValueError(f"Row {number}: quantity {row.get('quantity')!r} is not a whole number.")
        line = {
            "sku": config.sku(row.get("sku"))[:64],
            "name": text(row.get("name"), limit=200),
            "quantity": int(row["quantity"]),
            "unit_price": _money(row, "unit_price", "0.00"),
            "discount": _money(row, "line_discount", "0.00"),
            "tax": _money(row, "line_tax", "0.00"),
        }
        if row.get("channel_line_id"):
            line["channel_line_id"] = row["channel_line_id"]
        lines.append(line)
    data = {
        "external_id": first[ORDER_KEY],
        "placed_at": timestamp(first.get("placed_at")),
        "currency": first.get("currency", "").upper(),
        "customer": {
            "email": first.get("customer_email", ""),
            "name": text(first.get("customer_name"), limit=200),
            "phone": text(first.get("customer_phone"), limit=40),
        },
        "customer_note": text(first.get("customer_note"), limit=5000),
        "lines": lines,
        "order_discount": _money(first, "order_discount", "0.00"),
        "totals": {"total": _money(first, "total", "0.00")},
        "payment_status": first.get("payment_status") or "pending",
        "fulfilled_by_channel": flag(first.get("fulfilled_by_channel") or "false"),
    }
    if first.get("shipping_price"):
        tax = _money(first, "shipping_tax", "0.00")
        data["shipping_lines"] = [{"price": _money(first, "shipping_price"), "tax": tax}]
    if first.get("order_tax"):
        data["tax_lines"] = [{"title": "Tax", "amount": _money(first, "order_tax")}]
    ship_to = address(
        name=first.get("ship_name"),
        company=first.get("ship_company"),
        line1=first.get("ship_line1"),
        line2=first.get("ship_line2"),
        city=first.get("ship_city"),
        region=first.get("ship_region"),
        postal_code=first.get("ship_postal_code"),
        country_code=first.get("ship_country"),
        phone=first.get("ship_phone"),
    )
    if ship_to:
        data["shipping_address"] = ship_to
    return data


@register_adapter("csv")
class CsvAdapter(BaseAdapter):
    def normalize_order(self, body: str, *, topic: str = "", headers: dict | None = None) -> dict | None:
        rows = read_rows(body, self.config.mapping)
        if not rows:
            raise ValueError("The file has a header row but no order lines.")
        return normalize_rows(rows, self.config)
