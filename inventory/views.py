"""Staff UI: stock lookup by code, name or barcode; a scanner's Enter jumps to the SKU."""

from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from oms.core.decorators import role_required
from oms.core.roles import STAFF_ROLES

from . import selectors
from .models import Sku, normalize_code


@require_GET
@role_required(*STAFF_ROLES)
def stock_lookup(request):
    """Search as you type (htmx swaps the results partial); a plain GET works without JS.
    An exact code or barcode submitted with Enter goes straight to that SKU."""
    q = request.GET.get("q", "").strip()
    if q and not request.headers.get("HX-Request"):
        exact = selectors.sku_exact_match(q)
        if exact is not None:
            return redirect("inventory:sku_stock", code=exact.code)
    results = list(selectors.sku_search(q)) if q else []
    template = (
        "inventory/_results.html" if request.headers.get("HX-Request") else "inventory/stock_lookup.html"
    )
    return render(request, template, {"q": q, "results": results})


@require_GET
@role_required(*STAFF_ROLES)
def sku_stock(request, code: str):
    sku = get_object_or_404(Sku, code=normalize_code(code))
    levels = selectors.stock_levels(sku=sku).order_by("location__priority", "location__code")
    totals = {
        "on_hand": sum(level.on_hand for level in levels),
        "reserved": sum(level.reserved for level in levels),
        "available": sum(level.available_units for level in levels),
    }
    movements = selectors.stock_movements(sku=sku)[:20]
    return render(
        request,
        "inventory/sku_stock.html",
        {"sku": sku, "levels": levels, "totals": totals, "movements": movements},
    )
