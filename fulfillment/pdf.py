"""Printable PDFs of many pick lists, packing slips or a batch's combined pick list, made with
fpdf2 (pure Python: nothing to install beside the wheel) and Code 128 barcodes drawn from the
same modules as the pages' SVGs.

The PDF core fonts cover Latin-1 only; other characters are spelled without their accents or
replaced (a label printer's fonts have the same limit)."""

import unicodedata

from django.utils import timezone
from fpdf import FPDF

from .barcodes import bar_runs, code128_modules

MARGIN = 12


def latin(text) -> str:
    text = unicodedata.normalize("NFKD", str(text or ""))
    return text.encode("latin-1", "ignore").decode("latin-1")


class Sheet(FPDF):
    def __init__(self, title: str):
        super().__init__(format="A4")
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN)
        self.set_title(latin(title))
        self.set_creator("OMS")

    def footer(self):
        self.set_y(-10)
        self.set_font("Helvetica", size=8)
        self.cell(
            0, 5, latin(f"Printed {timezone.now():%Y-%m-%d %H:%M} UTC - page {self.page_no()}"), align="R"
        )

    def barcode(self, value: str, *, width: float = 70, height: float = 14) -> None:
        """Code 128 at the current position (top right of the page when nothing else is given)."""
        modules = code128_modules(value)
        module = width / len(modules)
        x, y = self.w - MARGIN - width, self.get_y()
        for start, size in bar_runs(modules):
            self.rect(x + start * module, y, size * module, height, style="F")
        self.set_xy(x, y + height + 0.5)
        self.set_font("Courier", size=9)
        self.cell(width, 4, latin(value), align="C")
        self.set_xy(MARGIN, y)

    def heading(self, text: str, barcode: str = "") -> None:
        top = self.get_y()
        if barcode:
            self.barcode(barcode)
        self.set_font("Helvetica", style="B", size=16)
        self.cell(self.w - 2 * MARGIN - 75, 9, latin(text), new_x="LMARGIN", new_y="NEXT")
        self.set_font("Helvetica", size=10)
        self.set_y(max(self.get_y(), top + 20))

    def line_text(self, text: str, *, bold: bool = False, size: int = 10) -> None:
        self.set_font("Helvetica", style="B" if bold else "", size=size)
        self.multi_cell(0, 5, latin(text), new_x="LMARGIN", new_y="NEXT")

    def table(self, headings: list[str], widths: list[float], rows: list[list]) -> None:
        self.set_font("Helvetica", style="B", size=9)
        for heading, width in zip(headings, widths, strict=True):
            self.cell(width, 7, latin(heading), border="B")
        self.ln()
        self.set_font("Helvetica", size=10)
        for row in rows:
            for value, width in zip(row, widths, strict=True):
                self.cell(width, 8, latin(value), border="B")
            self.ln()
        self.ln(3)


def _address(order, fo) -> str:
    if fo.kind == "pickup":
        return f"Pickup at {fo.location.name} for {order.customer_name}"
    parts = [order.ship_name or order.customer_name, order.ship_line1, order.ship_line2]
    parts.append(" ".join(p for p in (order.ship_postal_code, order.ship_city, order.ship_region) if p))
    parts.append(order.ship_country_code)
    return "\n".join(part for part in parts if part)


def _pick_page(pdf: Sheet, fo, lines) -> None:
    pdf.add_page()
    pdf.heading(f"Pick list {fo.number}", fo.number)
    tote = f" - tote {fo.tote}" if fo.tote else ""
    pdf.line_text(f"Order {fo.order.number} - {fo.location.code} - {fo.get_kind_display()}{tote}")
    pdf.ln(2)
    rows = [
        [line.bin or "-", line.sku.code, line.sku.name[:38], line.sku.barcode, line.to_pick, "[  ]"]
        for line in lines
        if line.to_pick
    ]
    pdf.table(["Bin", "SKU", "Name", "Barcode", "Pick", "Done"], [22, 42, 62, 32, 12, 14], rows)


def _slip_page(pdf: Sheet, fo, lines, packages) -> None:
    order = fo.order
    pdf.add_page()
    pdf.heading("Packing slip", order.number)
    pdf.line_text(f"Order {order.number} - placed {order.placed_at:%Y-%m-%d} - {fo.number}")
    pdf.ln(2)
    pdf.line_text("Ship to" if fo.kind != "pickup" else "Pickup", bold=True)
    pdf.line_text(_address(order, fo))
    pdf.ln(2)
    pdf.line_text("From", bold=True)
    pdf.line_text(
        f"{fo.location.name}, {fo.location.address_line}, {fo.location.postal_code} {fo.location.city}"
    )
    pdf.ln(3)
    rows = [
        [
            line.sku.code,
            (line.order_line.name or line.sku.name)[:60],
            line.quantity_open + line.quantity_shipped,
        ]
        for line in lines
    ]
    pdf.table(["SKU", "Item", "Quantity"], [45, 115, 26], [row for row in rows if row[2]])
    for package in packages:
        size = f", {package.dimensions}" if package.dimensions else ""
        weight = f" {package.weight_kg}" if package.weight_kg else ""
        pdf.line_text(f"{package.number}:{weight}{size}")
    pdf.ln(2)
    pdf.line_text(f"Thank you for your order. Questions? Quote order {order.number}.")


def pick_lists(work: list[tuple]) -> bytes:
    """work: [(fo, lines in bin order with .bin and .to_pick)]."""
    pdf = Sheet("Pick lists")
    for fo, lines in work:
        _pick_page(pdf, fo, lines)
    return bytes(pdf.output())


def packing_slips(work: list[tuple]) -> bytes:
    """work: [(fo, lines, packages)]."""
    pdf = Sheet("Packing slips")
    for fo, lines, packages in work:
        _slip_page(pdf, fo, lines, packages)
    return bytes(pdf.output())


def batch_pick_list(batch, rows: list[dict], work: list[tuple]) -> bytes:
    """The batch's combined list in bin order (units per tote), then each order's own list."""
    pdf = Sheet(f"Batch {batch.number}")
    pdf.add_page()
    pdf.heading(f"Batch pick {batch.number}", batch.number)
    totes = ", ".join(f"{fo.tote} = {fo.number}" for fo, _ in work)
    pdf.line_text(f"{batch.location.code} - {len(work)} orders - totes: {totes}")
    pdf.ln(2)
    table = [
        [row["bin"] or "-", row["sku"].code, row["sku"].name[:34], row["total"], row["totes"]] for row in rows
    ]
    pdf.table(["Bin", "SKU", "Name", "Units", "Totes"], [22, 42, 60, 14, 48], table)
    for fo, lines in work:
        _pick_page(pdf, fo, lines)
    return bytes(pdf.output())
