"""Staff UI: stock lookup by code, name or barcode (a scanner's Enter jumps to the SKU), and the
transfers in transit out of and into the user's locations, received (or called back) here."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from oms.core.actor import Actor
from oms.core.decorators import role_required
from oms.core.errors import DomainError
from oms.core.roles import OMS_ADMIN, STAFF_ROLES, WAREHOUSE, has_role

from . import selectors, services
from .models import Sku, Transfer, normalize_code


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


@require_GET
@role_required(WAREHOUSE, OMS_ADMIN)
def transfers(request):
    """In transit (to receive here, or on its way from here) and the latest received."""
    visible = selectors.transfers_visible_to(request.user)
    in_transit = list(visible.filter(state=Transfer.State.IN_TRANSIT)[:200])
    mine = (
        None
        if has_role(request.user, OMS_ADMIN)
        else set(request.user.work_locations.values_list("pk", flat=True))
    )
    return render(
        request,
        "inventory/transfers.html",
        {
            "in_transit": in_transit,
            "done": list(visible.exclude(state=Transfer.State.IN_TRANSIT)[:20]),
            "receivable": {t.pk for t in in_transit if mine is None or t.to_location_id in mine},
            "cancellable": {t.pk for t in in_transit if mine is None or t.from_location_id in mine},
        },
    )


def _quantity(value: str) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


@require_POST
@role_required(WAREHOUSE, OMS_ADMIN)
def transfer_receive(request, number: str):
    transfer = get_object_or_404(selectors.transfers_visible_to(request.user), number=number.upper())
    try:
        services.transfer_receive(
            transfer=transfer,
            actor=Actor.for_user(request.user),
            quantity=_quantity(request.POST.get("quantity")),
            note=request.POST.get("note", ""),
        )
        messages.success(request, f"{transfer.number} received at {transfer.to_location.code}.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("inventory:transfers")


@require_POST
@role_required(WAREHOUSE, OMS_ADMIN)
def transfer_cancel(request, number: str):
    transfer = get_object_or_404(selectors.transfers_visible_to(request.user), number=number.upper())
    try:
        services.transfer_cancel(
            transfer=transfer, actor=Actor.for_user(request.user), reason=request.POST.get("reason", "")
        )
        messages.success(
            request, f"{transfer.number} cancelled; its units are back at {transfer.from_location.code}."
        )
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("inventory:transfers")
