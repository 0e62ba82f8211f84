"""Every action of the order page: one view per service call, the same services the API calls."""

from django import forms
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from fulfillment import services as fulfillment_services
from fulfillment.models import FulfillmentOrder
from inventory.models import Location
from orders import services
from orders.models import Hold, Order, OrderLine
from returns import services as return_services
from returns.models import Refund, ReturnAuthorization

from .. import forms as f
from .common import agent_required, order_url, perform
from .orders import location_by_code, render_order_page

Status = Order.Status


def _order(number: str) -> Order:
    return get_object_or_404(Order, number=number.upper())


def _act(request, order: Order, key: str, form, run, success, section: str = ""):
    return perform(
        request,
        form=form,
        run=run,
        success=success,
        redirect_to=order_url(order.number, section),
        refuse=lambda bound: render_order_page(request, order.number, bound={key: bound}),
    )


def _lines(order: Order) -> list[OrderLine]:
    return list(order.lines.filter(removed_at__isnull=True).order_by("line_number"))


# --- holds ------------------------------------------------------------------------------------


@require_POST
@agent_required
def hold_open(request, number: str):
    order = _order(number)

    def run(data, actor):
        return services.order_hold(order=order, kind=data["kind"], reason=data["reason"], actor=actor)

    return _act(
        request,
        order,
        "hold",
        f.HoldForm(request.POST, auto_id=f.auto_id("hold")),
        run,
        "Hold opened.",
        "holds",
    )


@require_POST
@agent_required
def hold_release(request, number: str, hold_id: int):
    order = _order(number)
    get_object_or_404(Hold, pk=hold_id, order=order)

    def run(data, actor):
        return services.order_release_hold(
            order=order, hold_id=hold_id, actor=actor, reason=data["reason"], override=data["override"]
        )

    form = f.ReleaseForm(request.POST, auto_id=f.auto_id(f"release-{hold_id}"))
    return _act(request, order, f"release-{hold_id}", form, run, "Hold released.", "holds")


# --- address and lines --------------------------------------------------------------------------


@require_POST
@agent_required
def edit_address(request, number: str):
    order = _order(number)
    stores = Location.objects.filter(active=True, can_pickup=True).order_by("code")
    form = f.AddressForm(
        request.POST,
        pickup_locations=stores,
        pickup_order=order.delivery_method == order.DeliveryMethod.PICKUP,
        auto_id=f.auto_id("address"),
    )

    def run(data, actor):
        return services.order_edit_address(
            order=order,
            address=form.address(),
            pickup_location=form.pickup_location(),
            delivery_method=form.delivery_method(),
            reason=data["reason"],
            actor=actor,
        )

    return _act(
        request, order, "address", form, run, "Delivery changed; the order was sourced again.", "timeline"
    )


def _edit_lines(request, order: Order, key: str, form, success: str, change):
    def run(data, actor):
        return services.order_edit_lines(
            order=order, actor=actor, reason=data.get("reason", ""), **change(data)
        )

    return _act(request, order, key, form, run, success, "lines")


@require_POST
@agent_required
def line_quantity(request, number: str, line_id: int):
    order = _order(number)
    return _edit_lines(
        request,
        order,
        f"quantity-{line_id}",
        f.LineQuantityForm(request.POST, auto_id=f.auto_id(f"quantity-{line_id}")),
        "Quantity changed.",
        change=lambda data: {"update": [{"line_id": line_id, "quantity": data["quantity"]}]},
    )


@require_POST
@agent_required
def line_sku(request, number: str, line_id: int):
    order = _order(number)
    return _edit_lines(
        request,
        order,
        f"sku-{line_id}",
        f.ReplaceSkuForm(request.POST, auto_id=f.auto_id(f"sku-{line_id}")),
        "SKU replaced.",
        change=lambda data: {"update": [{"line_id": line_id, "sku": data["sku"]}]},
    )


@require_POST
@agent_required
def line_remove(request, number: str, line_id: int):
    order = _order(number)
    return _edit_lines(
        request,
        order,
        f"remove-{line_id}",
        f.RemoveLineForm(request.POST, auto_id=f.auto_id(f"remove-{line_id}")),
        "Line removed.",
        change=lambda data: {"remove": [line_id]},
    )


@require_POST
@agent_required
def line_add(request, number: str):
    order = _order(number)

    def change(data):
        line = {key: data[key] for key in ("sku", "quantity", "unit_price")}
        line.update({key: data[key] for key in ("discount", "tax") if data.get(key) is not None})
        return {"add": [line]}

    return _edit_lines(
        request,
        order,
        "add_line",
        f.AddLineForm(request.POST, auto_id=f.auto_id("add_line")),
        "Line added.",
        change=change,
    )


# --- cancel ----------------------------------------------------------------------------------


@require_POST
@agent_required
def cancel_lines(request, number: str):
    order = _order(number)
    lines = _lines(order)
    form = f.CancelLinesForm(request.POST, lines=lines, auto_id=f.auto_id("cancel_lines"))

    def run(data, actor):
        return services.order_cancel_lines(
            order=order, quantities=form.quantities(), reason=form.reason(), actor=actor
        )

    return _act(request, order, "cancel_lines", form, run, "Units cancelled.", "lines")


@require_POST
@agent_required
def cancel_order(request, number: str):
    order = _order(number)
    form = f.CancelOrderForm(request.POST, auto_id=f.auto_id("cancel"))

    def run(data, actor):
        return services.order_cancel(order=order, reason=form.reason(), actor=actor)

    return _act(request, order, "cancel", form, run, "Order cancelled.")


# --- notes and payment -------------------------------------------------------------------------


@require_POST
@agent_required
def add_note(request, number: str):
    order = _order(number)

    def run(data, actor):
        return services.order_add_note(order=order, message=data["message"], actor=actor)

    return _act(
        request,
        order,
        "note",
        f.NoteForm(request.POST, auto_id=f.auto_id("note")),
        run,
        "Note added.",
        "notes",
    )


@require_POST
@agent_required
def payment(request, number: str):
    order = _order(number)

    def run(data, actor):
        return services.order_update_payment(
            order=order, status=data["status"], reference=data["reference"], actor=actor
        )

    def success(updated):
        return f"Payment recorded as {updated.get_payment_status_display().lower()}."

    return _act(
        request, order, "payment", f.PaymentForm(request.POST, auto_id=f.auto_id("payment")), run, success
    )


# --- returns, refunds, re-routing -----------------------------------------------------------


@require_POST
@agent_required
def return_start(request, number: str):
    order = _order(number)
    form = f.ReturnForm(
        request.POST, lines=list(order.lines.order_by("line_number")), auto_id=f.auto_id("return")
    )

    def run(data, actor):
        return return_services.return_create(
            order=order,
            lines=form.return_lines(),
            actor=actor,
            carrier=data["carrier"],
            tracking_number=data["tracking_number"],
            notes=data["notes"],
        )

    return _act(request, order, "return", form, run, lambda rma: f"Return {rma.number} requested.", "returns")


@require_POST
@agent_required
def return_authorize(request, number: str, rma_id: int):
    order = _order(number)
    rma = get_object_or_404(ReturnAuthorization, pk=rma_id, order=order)

    def run(data, actor):
        return return_services.return_authorize(rma=rma, actor=actor)

    form = forms.Form(request.POST)
    return _act(
        request, order, f"authorize-{rma_id}", form, run, f"Return {rma.number} authorized.", "returns"
    )


@require_POST
@agent_required
def refund_issue(request, number: str, rma_id: int):
    order = _order(number)
    rma = get_object_or_404(ReturnAuthorization, pk=rma_id, order=order)
    lines = list(rma.lines.order_by("pk"))
    form = f.RefundForm(request.POST, lines=lines, auto_id=f.auto_id(f"refund-{rma_id}"))

    def run(data, actor):
        return return_services.return_refund(
            rma=rma,
            actor=actor,
            lines=[
                {"return_line": line_id, "quantity": units} for line_id, units in form.quantities().items()
            ],
            include_shipping=data["include_shipping"],
            restocking_fee=data["restocking_fee"] or 0,
        )

    def success(refund):
        return f"Refund of {refund.total} {refund.currency} issued."

    return _act(request, order, f"refund-{rma_id}", form, run, success, "returns")


@require_POST
@agent_required
def refund_resend(request, number: str, refund_id: int):
    order = _order(number)
    refund = get_object_or_404(Refund, pk=refund_id, order=order)

    def run(data, actor):
        return return_services.refund_resend(refund=refund, actor=actor)

    form = forms.Form(request.POST)
    return _act(request, order, f"resend-{refund_id}", form, run, "Refund sent again.", "returns")


@require_POST
@agent_required
def reroute(request, number: str, fo_id: int):
    order = _order(number)
    fo = get_object_or_404(FulfillmentOrder.objects.select_related("location"), pk=fo_id, order=order)
    locations = Location.objects.filter(active=True, can_ship=True).exclude(kind=Location.Kind.DROPSHIP)
    form = f.RerouteForm(
        request.POST, locations=locations, current=fo.location_id, auto_id=f.auto_id(f"reroute-{fo_id}")
    )

    def run(data, actor):
        return fulfillment_services.fulfillment_reroute(
            fo=fo, to_location=location_by_code(data["location"]), reason=data["reason"], actor=actor
        )

    def success(target):
        return f"{fo.number} re-routed to {target.location.code} ({target.number})."

    return _act(request, order, f"reroute-{fo_id}", form, run, success, "fulfillment")
