"""Carry an export batch to its target: one JSON POST, or one CSV file per stream."""

import csv
import json
import os
from pathlib import Path

from oms.core.adapters import AdapterError
from oms.integrations.common.http import post_json

from ..models import ErpExport, Target
from .documents import STREAMS

COMMON = ["event_id", "occurred_at", "event", "order", "channel", "external_id", "status", "payment_status"]
ORDER_COLUMNS = [*COMMON, "currency", "total", "line_number", "sku", "quantity", "unit_price"]
OTHER_COLUMNS = [*COMMON, "data"]


class TransportError(Exception):
    pass


def send_http(export: ErpExport) -> str:
    connection = export.connection
    body = {"export_id": export.pk, "connection": connection.name, "documents": export.documents}
    try:
        status, text = post_json(
            connection.endpoint_url,
            body,
            token=connection.auth_token,
            timeout=connection.timeout_seconds,
            headers={"Idempotency-Key": f"oms-erp-export-{export.pk}"},
        )
    except AdapterError as error:
        raise TransportError(str(error)) from error
    return f"HTTP {status} {text[:200]}".strip()


def _order_rows(document: dict) -> list[dict]:
    base = {name: document.get(name, "") for name in COMMON}
    order = document.get("document") or {}
    lines = order.get("lines") or [{}]
    header = {"currency": order.get("currency", ""), "total": order.get("total", "")}
    return [
        {
            **base,
            **header,
            "line_number": line.get("line_number", ""),
            "sku": line.get("sku", ""),
            "quantity": line.get("quantity", ""),
            "unit_price": line.get("unit_price", ""),
        }
        for line in lines
    ]


def _other_row(document: dict) -> dict:
    row = {name: document.get(name, "") for name in COMMON}
    row["data"] = json.dumps(document.get("data") or {}, sort_keys=True, separators=(",", ":"))
    return row


def csv_file_name(stream: str, export_id: int) -> str:
    return f"{stream}-{export_id:08d}.csv"


def write_csv(export: ErpExport) -> str:
    """One file per stream in the batch, named by stream and export id (a retry rewrites the same
    files), written under a temporary name and renamed so the ERP never reads half a file."""
    folder = Path(export.connection.export_folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for stream in STREAMS:
            documents = [doc for doc in export.documents if doc["stream"] == stream]
            if not documents:
                continue
            name = csv_file_name(stream, export.pk)
            temporary = folder / f".{name}.part"
            columns = ORDER_COLUMNS if stream == "orders" else OTHER_COLUMNS
            with temporary.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=columns)
                writer.writeheader()
                for document in documents:
                    writer.writerows(_order_rows(document) if stream == "orders" else [_other_row(document)])
            os.replace(temporary, folder / name)
            written.append(name)
    except OSError as error:
        raise TransportError(f"Cannot write to {folder}: {error}") from error
    return ", ".join(written)


def deliver(export: ErpExport) -> str:
    return send_http(export) if export.target == Target.HTTP else write_csv(export)
