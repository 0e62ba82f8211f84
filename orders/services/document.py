"""A validated normalized order (orders.api.intake) as unsaved rows: lines (bundle parents before
their children), charges (shipping lines and fees), tax lines and channel refunds, plus the
problems that put an order on an `exception` hold (unknown SKU, another currency).

Intake saves these rows for a new order; the channel update service compares them with an
order's rows and applies the difference.
"""

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from inventory.models import Sku, normalize_code
from oms.core.bulk import rows_where
from oms.core.money import ZERO, exact, quantize

from ..models import ChannelRefund, Order, OrderCharge, OrderLine, TaxLine
from .amounts import set_stated_money, stated_line_money


@dataclass
class Rows:
    lines: list[OrderLine] = field(default_factory=list)
    charges: list[OrderCharge] = field(default_factory=list)
    #: Every tax line, its owner (a line, a charge) set as an unsaved instance; None: order-level.
    tax_lines: list[TaxLine] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def parents(self) -> list[OrderLine]:
        return [line for line in self.lines if line.bundle_parent is None]

    @property
    def children(self) -> list[OrderLine]:
        return [line for line in self.lines if line.bundle_parent is not None]


def document_digest(data: dict) -> str:
    """SHA-256 of a validated document: the same statement from the channel, the same digest."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def sku_codes(data: dict) -> set[str]:
    return {normalize_code(line["sku"]) for line in data["lines"]}


def find_skus(codes) -> dict[str, Sku]:
    """The SKUs by code, with what lines take from them (the rest is deferred)."""
    return {sku.code: sku for sku in rows_where(Sku, ("id", "code", "name", "active"), code=set(codes))}


def _sku_problem(number: int, code: str, sku: Sku | None) -> str | None:
    if sku is None:
        return f"Line {number}: unknown SKU {code!r}."
    if not sku.active:
        return f"Line {number}: SKU {code!r} is inactive."
    return None


def tax_lines_of(raw_taxes: list[dict], **owner) -> list[TaxLine]:
    return [
        TaxLine(title=tax.get("title") or "", rate=tax.get("rate"), amount=exact(tax["amount"]), **owner)
        for tax in raw_taxes
    ]


def build_line(raw: dict, number: int, sku: Sku | None, *, order_fulfilled_by_channel: bool) -> OrderLine:
    """One line as the channel states it (no order, no bundle parent yet)."""
    code = normalize_code(raw["sku"])
    by_channel = raw.get("fulfilled_by_channel")
    line = OrderLine(
        line_number=number,
        sku=sku if sku is not None and sku.active else None,
        sku_code=code,
        channel_sku=raw["sku"].strip()[:64],
        channel_line_id=(raw.get("channel_line_id") or "").strip(),
        channel_product_id=raw.get("channel_product_id") or "",
        channel_variant_id=raw.get("channel_variant_id") or "",
        name=(raw.get("name") or (sku.name if sku else ""))[:200],
        quantity=raw["quantity"],
        properties=[{"name": p["name"], "value": p["value"]} for p in raw.get("properties") or []],
        fulfilled_by_channel=order_fulfilled_by_channel if by_channel is None else by_channel,
    )
    set_stated_money(line, stated_line_money(raw), raw["quantity"])
    line.stated_tax_lines = tax_lines_of(raw.get("tax_lines") or [], line=line)
    if line.fulfilled_by_channel:  # the OMS records its own shipments; the channel's only for its lines
        line.quantity_shipped = raw.get("quantity_shipped") or 0
    line.quantity_cancelled = min(raw.get("quantity_cancelled") or 0, line.quantity - line.quantity_shipped)
    return line


def build_lines(data: dict, skus: dict[str, Sku], *, first_number: int = 1) -> Rows:
    """The document's lines with their tax lines; bundle children point at their (unsaved)
    parents; an unknown or inactive SKU is a problem only on a line the OMS must fulfil."""
    rows = Rows()
    parents = {line["bundle_parent"] for line in data["lines"] if line.get("bundle_parent")}
    by_channel_id: dict[str, OrderLine] = {}
    fulfilled_by_channel = bool(data.get("fulfilled_by_channel"))
    for number, raw in enumerate(data["lines"], start=first_number):
        code = normalize_code(raw["sku"])
        line = build_line(raw, number, skus.get(code), order_fulfilled_by_channel=fulfilled_by_channel)
        line.is_bundle = bool(line.channel_line_id) and line.channel_line_id in parents
        if line.fulfilled_here:
            problem = _sku_problem(number, code, skus.get(code))
            if problem:
                rows.problems.append(problem)
        if line.channel_line_id:
            by_channel_id[line.channel_line_id] = line
        rows.lines.append(line)
        rows.tax_lines += line.stated_tax_lines
    for raw, line in zip(data["lines"], rows.lines, strict=True):
        if raw.get("bundle_parent"):
            line.bundle_parent = by_channel_id[raw["bundle_parent"]]
    return rows


def shipping_lines_of(data: dict) -> list[dict]:
    """The shipping lines; `shipping_price` is shorthand for one (as the intake schema reads it,
    for callers that build a document themselves: an exchange's replacement order)."""
    if "shipping_lines" in data:
        return data["shipping_lines"] or []
    price = data.get("shipping_price")
    return [{"price": price}] if price else []


def _tax(part: dict) -> Decimal:
    if part.get("tax") is not None:
        return exact(part["tax"])
    return exact(sum((tax["amount"] for tax in part.get("tax_lines") or []), ZERO))


def build_charges(data: dict, rows: Rows) -> None:
    """Shipping lines and fees, with their tax lines, and the order-level tax lines."""
    for raw in shipping_lines_of(data):
        charge = OrderCharge(
            kind=OrderCharge.Kind.SHIPPING,
            channel_line_id=raw.get("channel_line_id") or "",
            code=raw.get("code") or "",
            title=raw.get("title") or "",
            carrier=raw.get("carrier") or "",
            amount=exact(raw["price"]),
            discount=exact(raw.get("discount") or ZERO),
            tax=_tax(raw),
        )
        rows.charges.append(charge)
        rows.tax_lines += tax_lines_of(raw.get("tax_lines") or [], charge=charge)
    for raw in data.get("fees") or []:
        charge = OrderCharge(
            kind=raw.get("kind") or OrderCharge.Kind.OTHER,
            channel_line_id=raw.get("channel_line_id") or "",
            code=raw.get("code") or "",
            title=raw.get("title") or "",
            amount=exact(raw["amount"]),
            discount=exact(raw.get("discount") or ZERO),
            tax=_tax(raw),
        )
        rows.charges.append(charge)
        rows.tax_lines += tax_lines_of(raw.get("tax_lines") or [], charge=charge)
    rows.tax_lines += tax_lines_of(data.get("tax_lines") or [])


def order_tax(data: dict) -> Decimal:
    return exact(sum((tax["amount"] for tax in data.get("tax_lines") or []), ZERO))


def currency_problems(data: dict) -> list[str]:
    """One currency per order: every part stated in another one is named."""
    currency = data["currency"].upper()
    found: dict[str, list[str]] = {}

    def check(part: dict, where: str) -> None:
        stated = (part.get("currency") or currency).upper()
        if stated != currency:
            found.setdefault(stated, []).append(where)

    for number, line in enumerate(data["lines"], start=1):
        check(line, f"line {number}")
        for tax in line.get("tax_lines") or []:
            check(tax, f"tax on line {number}")
    for kind in ("shipping_lines", "fees", "tax_lines", "refunds"):
        for number, part in enumerate(data.get(kind) or [], start=1):
            check(part, f"{kind.replace('_', ' ').rstrip('s')} {number}")
            for tax in part.get("tax_lines") or []:
                check(tax, f"tax on {kind.replace('_', ' ').rstrip('s')} {number}")
    return [
        f"Stated in {other}, not in the order's currency {currency}: {', '.join(places)}."
        for other, places in sorted(found.items())
    ]


def channel_totals(data: dict) -> dict[str, str]:
    """The totals as the channel stated them, exactly, as decimal strings."""
    return {name: str(value) for name, value in (data.get("totals") or {}).items() if value is not None}


def build_refunds(data: dict, lines: list[OrderLine], currency: str) -> list[ChannelRefund]:
    """The channel's refunds as rows (not yet recorded), against our lines by channel line id."""
    by_channel_id = {line.channel_line_id: line for line in lines if line.channel_line_id}
    refunds = []
    for raw in data.get("refunds") or []:
        refunds.append(
            ChannelRefund(
                channel_refund_id=raw["channel_refund_id"],
                refunded_at=raw.get("refunded_at"),
                amount=exact(raw["amount"]),
                recorded_amount=quantize(raw["amount"], currency),
                shipping_amount=exact(raw.get("shipping") or ZERO),
                note=raw.get("note") or "",
                lines=[
                    {
                        "channel_line_id": item["channel_line_id"],
                        "line_number": by_channel_id[item["channel_line_id"]].line_number,
                        "quantity": item.get("quantity") or 0,
                        "amount": str(exact(item.get("amount") or ZERO)),
                    }
                    for item in raw.get("lines") or []
                ],
            )
        )
    return refunds


def refunded_sum_rest(data: dict, currency: str, recorded: Decimal) -> ChannelRefund | None:
    """A channel that states only what it refunded so far (totals.refunded): what no recorded
    refund explains yet, as one refund."""
    stated = (data.get("totals") or {}).get("refunded")
    if stated is None or quantize(stated, currency) <= recorded:
        return None
    return summed_refund(quantize(stated, currency), quantize(stated, currency) - recorded)


def summed_refund(cumulative: Decimal, amount: Decimal) -> ChannelRefund:
    """What a channel that states only its refunded sum refunded since: one refund whose id is
    the sum it brought the total to, so that the same sum is never recorded twice."""
    return ChannelRefund(
        channel_refund_id=f"refunded-total:{cumulative}",
        amount=amount,
        recorded_amount=amount,
        note="The channel's refunded total rose to this sum.",
    )


def refund_payload(refund: ChannelRefund) -> dict:
    return {
        "channel_refund_id": refund.channel_refund_id,
        "refunded_at": refund.refunded_at.isoformat() if refund.refunded_at else None,
        "amount": str(refund.amount),
        "shipping": str(refund.shipping_amount),
        "lines": refund.lines,
        "note": refund.note,
    }


def payment_problem(stated: str, recorded: str) -> str | None:
    if stated != recorded:
        return f"The channel reports the payment {stated}; the OMS has it {recorded}."
    return None


PAYMENT_BASE = {
    Order.PaymentStatus.PARTIALLY_REFUNDED: Order.PaymentStatus.PAID,
    Order.PaymentStatus.REFUNDED: Order.PaymentStatus.PAID,
}
