"""One fulfillment order on the desk: pick by scan, short-pick a line, pack into packages, ship
with carrier and tracking, prepare and hand over a pickup, confirm a change made after packing.
Every step is one service call; its refusal shows as a message."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from inventory.models import Location
from oms.core.decorators import role_required
from oms.core.errors import DomainError

from .. import desk, selectors, services
from ..forms import CollectForm, PackForm, ShipForm, ShortPickForm
from ..models import FulfillmentOrder
from ..services.after_packing import is_packed
from ..services.packing import current_packages, packable
from ..services.picking import lines_for_code, still_to_pick, to_pick
from ..services.shipping import active_carriers
from .common import (
    DESK_ROLES,
    actor,
    back_to,
    chosen_locations,
    fulfillment_order,
    order_url,
    run_step,
    split_scan,
)

State, Kind = FulfillmentOrder.State, FulfillmentOrder.Kind


def stage_of(fo: FulfillmentOrder, pending_changes) -> str:
    """Which step the work page offers now."""
    if pending_changes:
        return "confirm"
    if fo.kind == Kind.DROPSHIP:
        return "vendor" if fo.is_open else "done"
    if fo.state in (State.PENDING, State.PICKING) and fo.picked_at is None:
        return "pick"
    if fo.state == State.PICKING:
        return "prepare" if fo.kind == Kind.PICKUP else "pack"
    if fo.state == State.PACKED:
        return "prepare" if fo.kind == Kind.PICKUP else "ship"
    if fo.state == State.READY_FOR_PICKUP:
        return "collect"
    return "done"


def _lines(fo: FulfillmentOrder) -> list:
    lines = selectors.in_bin_order(
        list(fo.lines.all()), selectors.bins_at(fo.location_id, [line.sku_id for line in fo.lines.all()])
    )
    for line in lines:
        line.to_pick, line.left = to_pick(line), still_to_pick(line)
        line.packable = packable(fo, line)
    return lines


def _context(request, fo: FulfillmentOrder, **extra) -> dict:
    pending = [change for change in fo.changes.all() if change.confirmed_at is None]
    stage = stage_of(fo, pending)
    lines = _lines(fo)
    packing_lines = [line for line in lines if line.packable]
    context = {
        "fo": fo,
        "order": fo.order,
        "order_url": order_url(request.user, fo.order),
        "lines": lines,
        "stage": stage,
        "pending_changes": pending,
        "packages": [p for p in fo.packages.all() if p.shipment_id is None],
        "picked": sum(line.quantity_picked for line in lines),
        "to_pick_total": sum(line.to_pick for line in lines),
        "quantity": request.session.get(f"qty:fo:{fo.pk}"),
        "short_form": ShortPickForm(),
    }
    if stage == "pack":
        context["pack_form"] = PackForm(lines=packing_lines, weigh=True)
    if stage == "ship":
        context["ship_form"] = ShipForm(packages=context["packages"], carriers=active_carriers())
    if stage == "collect":
        context["collect_form"] = CollectForm()
    if stage == "confirm" and fo.is_open and is_packed(fo) and packing_lines:
        context["pack_form"] = PackForm(
            lines=packing_lines, weigh=fo.kind == Kind.SHIP, packages=current_packages(fo)
        )
    context.update(extra)
    return context


@require_GET
@role_required(*DESK_ROLES)
def work(request, pk: int):
    fo = fulfillment_order(request, pk)
    return render(request, "fulfillment/work.html", _context(request, fo))


def _scan_response(request, fo, feedback: dict) -> HttpResponse:
    if request.headers.get("HX-Request"):
        fo = fulfillment_order(request, fo.pk)
        return render(request, "fulfillment/_pick_panel.html", _context(request, fo, feedback=feedback))
    getattr(messages, "success" if feedback["ok"] else "error")(request, feedback["text"])
    return back_to(request, fo)


def _redirect(request, url: str) -> HttpResponse:
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@require_POST
@role_required(*DESK_ROLES)
def work_scan(request, pk: int):
    """A scan on the pick screen: a SKU code or barcode picks units; a number sets the quantity
    of the next scan; another fulfillment order, batch or return number opens that instead."""
    fo = fulfillment_order(request, pk)
    lines = list(fo.lines.all())
    code, quantity = split_scan(request, f"qty:fo:{fo.pk}", lambda c: bool(lines_for_code(lines, c)))
    if not code:
        text = f"Next scan counts {quantity} units." if quantity else "Scan a SKU or barcode."
        return _scan_response(request, fo, {"ok": True, "text": text, "quantity": True})
    if not lines_for_code(lines, code):
        locations, _ = chosen_locations(request)
        opened = desk.open_scanned(request.user, code, [loc.pk for loc in locations])
        if opened is not None and opened.url != reverse("fulfillment:work", args=[fo.pk]):
            return _redirect(request, opened.url)
    try:
        result = services.fulfillment_scan_pick(
            fo=fo, code=code, quantity=quantity or 1, actor=actor(request)
        )
    except DomainError as error:
        return _scan_response(request, fo, {"ok": False, "text": error.message, "code": error.code})
    line = result.line
    text = f"{result.quantity} x {line.sku.code}: {line.quantity_picked} of {to_pick(line)} picked."
    if result.complete:
        text += " Everything is picked."
    return _scan_response(request, fo, {"ok": True, "text": text, "line": line.pk})


def _short_result(result) -> str:
    line, plan = result.line, result.plan
    text = f"Short pick: {result.quantity} x {line.sku.code} missing."
    if plan is None:
        return text
    moved = {}
    for allocation in plan.allocations:
        if allocation.line_id == line.order_line_id:
            moved[allocation.location_id] = moved.get(allocation.location_id, 0) + allocation.quantity
    codes = dict(Location.objects.filter(pk__in=moved).values_list("pk", "code"))
    parts = [f"{units} re-sourced to {codes[location_id]}" for location_id, units in moved.items()]
    if plan.backordered.get(line.order_line_id):
        parts.append(f"{plan.backordered[line.order_line_id]} backordered")
    return f"{text} {'; '.join(parts).capitalize()}." if parts else text


@require_POST
@role_required(*DESK_ROLES)
def work_short(request, pk: int):
    fo = fulfillment_order(request, pk)
    form = ShortPickForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say how many you found (0 or more).")
        return back_to(request, fo)
    run_step(
        request,
        lambda: services.fulfillment_short_pick(
            fo=fo, line_id=form.cleaned_data["line"], found=form.cleaned_data["found"], actor=actor(request)
        ),
        _short_result,
    )
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return back_to(request, fo)


def _packing(request, fo, step, done: str):
    lines = [line for line in _lines(fo) if line.packable]
    count = int(request.POST.get("count", "1") or 1)
    if "add_package" in request.POST or "remove_package" in request.POST:
        count = count + 1 if "add_package" in request.POST else max(1, count - 1)
        form = PackForm(lines=lines, count=count, weigh=fo.kind == Kind.SHIP, initial=request.POST.dict())
        return render(request, "fulfillment/work.html", _context(request, fo, pack_form=form))
    form = PackForm(request.POST, lines=lines, count=count, weigh=fo.kind == Kind.SHIP)
    if not form.is_valid():
        messages.error(request, "Check the packages: every package needs its weight and whole quantities.")
        return render(request, "fulfillment/work.html", _context(request, fo, pack_form=form))
    if not run_step(request, lambda: step(form.to_packages()), done):
        return render(request, "fulfillment/work.html", _context(request, fo, pack_form=form))
    return back_to(request, fo)


@require_POST
@role_required(*DESK_ROLES)
def work_pack(request, pk: int):
    fo = fulfillment_order(request, pk)
    return _packing(
        request,
        fo,
        lambda packages: services.fulfillment_pack(fo=fo, packages=packages, actor=actor(request)),
        f"{fo.number} packed. Scan each label's tracking number to ship.",
    )


@require_POST
@role_required(*DESK_ROLES)
def work_ship(request, pk: int):
    fo = fulfillment_order(request, pk)
    packages = [p for p in fo.packages.all() if p.shipment_id is None]
    form = ShipForm(request.POST, packages=packages, carriers=active_carriers())
    if form.is_valid() and run_step(
        request,
        lambda: services.fulfillment_ship(fo=fo, packages=form.to_packages(), actor=actor(request)),
        f"{fo.number} shipped.",
    ):
        return back_to(request, fo)
    return render(request, "fulfillment/work.html", _context(request, fo, ship_form=form))


@require_POST
@role_required(*DESK_ROLES)
def work_prepare(request, pk: int):
    fo = fulfillment_order(request, pk)
    step = (
        services.fulfillment_prepare_pickup
        if fo.state == State.PICKING
        else services.fulfillment_ready_for_pickup
    )
    run_step(
        request,
        lambda: step(fo=fo, actor=actor(request)),
        f"{fo.number} is ready for pickup; the customer is told.",
    )
    return back_to(request, fo)


@require_POST
@role_required(*DESK_ROLES)
def work_collect(request, pk: int):
    fo = fulfillment_order(request, pk)
    form = CollectForm(request.POST)
    if form.is_valid() and run_step(
        request,
        lambda: services.fulfillment_collect(
            fo=fo, collected_by=form.cleaned_data["collected_by"], actor=actor(request)
        ),
        lambda result: f"{fo.number} handed over to {result.collected_by}.",
    ):
        return back_to(request, fo)
    if not form.is_valid():
        messages.error(request, "Say who collected it.")
    return render(request, "fulfillment/work.html", _context(request, fo, collect_form=form))


@require_POST
@role_required(*DESK_ROLES)
def work_confirm(request, pk: int):
    """The change after packing is dealt with: re-packed (the packages posted), kept as packed
    (nothing posted), or unpacked (nothing left)."""
    fo = fulfillment_order(request, pk)
    if "count" in request.POST:
        return _packing(
            request,
            fo,
            lambda packages: services.fulfillment_confirm_changes(
                fo=fo, packages=packages, actor=actor(request)
            ),
            "Change confirmed: re-packed.",
        )
    run_step(
        request,
        lambda: services.fulfillment_confirm_changes(fo=fo, actor=actor(request)),
        "Change confirmed.",
    )
    return back_to(request, fo)


@require_GET
@role_required(*DESK_ROLES)
def order_work(request, number: str):
    """An order as the warehouse sees it: its work at the user's locations."""
    locations, _ = chosen_locations(request)
    fos = list(
        selectors.fulfillment_order_list(request.user)
        .filter(order__number=number.upper(), location__in=locations)
        .order_by("pk")
    )
    if not fos:
        get_object_or_404(FulfillmentOrder, pk=0)
    if len(fos) == 1:
        return redirect("fulfillment:work", pk=fos[0].pk)
    return render(request, "fulfillment/order.html", {"order": fos[0].order, "fos": fos})
