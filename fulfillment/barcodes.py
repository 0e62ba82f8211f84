"""Code 128 barcodes drawn on the server: python-barcode encodes, and the bars are drawn here
as SVG rectangles (for pages: `fill` attributes, no inline styles, so a strict
Content-Security-Policy allows them) or into a PDF (pdf.py), from the same modules."""

from functools import lru_cache

from barcode import Code128
from django.utils.html import escape


@lru_cache(maxsize=2048)
def code128_modules(value: str) -> str:
    """The barcode as modules, "1" a bar and "0" a space, without the quiet zones."""
    return Code128(value).build()[0].strip("0")


def bar_runs(modules: str) -> list[tuple[int, int]]:
    """(start, width) of each bar, in modules."""
    runs, start = [], None
    for position, module in enumerate(modules + "0"):
        if module == "1" and start is None:
            start = position
        elif module == "0" and start is not None:
            runs.append((start, position - start))
            start = None
    return runs


def code128_svg(value: str, *, height: int = 48, quiet: int = 10) -> str:
    """An inline <svg> of `value` (width in modules; scale it with CSS)."""
    modules = code128_modules(value)
    width = len(modules) + 2 * quiet
    bars = "".join(
        f'<rect x="{quiet + start}" y="0" width="{size}" height="{height}"/>'
        for start, size in bar_runs(modules)
    )
    label = escape(value)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="barcode" viewBox="0 0 {width} {height}" '
        f'preserveAspectRatio="none" role="img" aria-label="Barcode {label}">'
        f'<rect width="{width}" height="{height}" fill="#fff"/><g fill="#000">{bars}</g></svg>'
    )
