"""Batch picking on the desk: start a batch from the queue, walk its combined pick list in bin
order, scan each unit into the tote the screen names."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from oms.core.decorators import role_required
from oms.core.errors import DomainError

from .. import selectors, services
from ..forms import ShortPickForm
from ..models import PickBatch
from ..services.batches import batch_work
from ..services.picking import lines_for_code
from .common import DESK_ROLES, actor, chosen_locations, split_scan


def _batch(request, number: str) -> PickBatch:
    locations, _ = chosen_locations(request)
    return get_object_or_404(
        PickBatch.objects.select_related("location").filter(location__in=locations), number=number.upper()
    )


def _context(request, batch: PickBatch, **extra) -> dict:
    work = batch_work(batch)
    totes = list(batch.fulfillment_orders.select_related("order").order_by("pk"))
    return {
        "batch": batch,
        "rows": selectors.combined_pick_rows(work, batch.location_id),
        "totes": sorted(totes, key=lambda fo: int(fo.tote[1:]) if fo.tote[1:].isdigit() else 0),
        "quantity": request.session.get(f"qty:batch:{batch.pk}"),
        "short_form": ShortPickForm(),
        **extra,
    }


@require_POST
@role_required(*DESK_ROLES)
def batch_create(request):
    locations, chosen = chosen_locations(request)
    ids = [int(pk) for pk in request.POST.getlist("fo") if pk.isdigit()]
    fos = list(
        selectors.fulfillment_order_list(request.user)
        .filter(pk__in=ids, location__in=locations)
        .order_by("order__placed_at", "pk")
    )
    location = chosen or (fos[0].location if fos else None)
    if location is None:
        messages.error(request, "Tick the orders to pick together.")
        return redirect("fulfillment:queue")
    try:
        batch, refusals = services.pick_batch_create(
            location=location,
            fulfillment_orders=[fo for fo in fos if fo.location_id == location.pk],
            actor=actor(request),
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("fulfillment:queue")
    for refusal in refusals:
        messages.error(request, f"Left out {refusal}")
    messages.success(request, f"Batch {batch.number}: one tote per order, walk the bins in this order.")
    return redirect("fulfillment:batch", number=batch.number)


@require_GET
@role_required(*DESK_ROLES)
def batch(request, number: str):
    return render(request, "fulfillment/batch.html", _context(request, _batch(request, number)))


@require_POST
@role_required(*DESK_ROLES)
def batch_scan(request, number: str):
    batch = _batch(request, number)
    lines = [line for fo in batch_work(batch) for line in fo.open_lines]
    code, quantity = split_scan(request, f"qty:batch:{batch.pk}", lambda c: bool(lines_for_code(lines, c)))
    if not code:
        feedback = {"ok": True, "text": f"Next scan counts {quantity} units." if quantity else "Scan a SKU."}
    else:
        try:
            results = services.pick_batch_scan(
                batch=batch, code=code, quantity=quantity or 1, actor=actor(request)
            )
            put = "; ".join(f"{r.quantity} x {r.line.sku.code} into tote {r.fo.tote}" for r in results)
            feedback = {"ok": True, "text": f"Put {put}.", "totes": [r.fo.tote for r in results]}
        except DomainError as error:
            feedback = {"ok": False, "text": error.message}
    batch.refresh_from_db()
    if request.headers.get("HX-Request"):
        return render(request, "fulfillment/_batch_panel.html", _context(request, batch, feedback=feedback))
    getattr(messages, "success" if feedback["ok"] else "error")(request, feedback["text"])
    return redirect("fulfillment:batch", number=batch.number)
