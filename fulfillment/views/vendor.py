"""The drop-ship vendor's desk: the work sent to their vendor location, accepted and shipped
with a carrier and tracking number. A vendor's user sees nothing else."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from oms.core.decorators import role_required
from oms.core.roles import DROPSHIP_VENDOR, OMS_ADMIN

from .. import selectors, services
from ..forms import VendorShipForm
from ..models import FulfillmentOrder
from ..services.shipping import active_carriers
from .common import actor, run_step

State = FulfillmentOrder.State
VENDOR_ROLES = (DROPSHIP_VENDOR, OMS_ADMIN)


def _work(user):
    return (
        selectors.fulfillment_order_list(user)
        .filter(kind=FulfillmentOrder.Kind.DROPSHIP)
        .select_related("order")
        .order_by("order__placed_at", "pk")
    )


@require_GET
@role_required(*VENDOR_ROLES)
def vendor(request):
    return _desk(request)


def _desk(request, forms=None):
    work = _work(request.user)
    carriers = active_carriers()
    to_ship = list(work.filter(state=State.SENT_TO_VENDOR))
    for fo in to_ship:
        fo.form = (forms or {}).get(fo.pk) or VendorShipForm(carriers=carriers, prefix=f"fo{fo.pk}")
    return render(
        request,
        "fulfillment/vendor.html",
        {
            "locations": selectors.desk_locations(request.user),
            "new": list(work.filter(state=State.PENDING)),
            "to_ship": to_ship,
            "shipped": list(
                work.filter(state__in=(State.SHIPPED, State.DELIVERED)).order_by("-shipped_at")[:20]
            ),
        },
    )


def _fo(request, pk: int) -> FulfillmentOrder:
    return get_object_or_404(_work(request.user), pk=pk)


@require_POST
@role_required(*VENDOR_ROLES)
def vendor_accept(request, pk: int):
    fo = _fo(request, pk)
    run_step(
        request,
        lambda: services.fulfillment_send_to_vendor(fo=fo, actor=actor(request)),
        f"{fo.number} accepted: ship it and enter the tracking number.",
    )
    return redirect("fulfillment:vendor")


@require_POST
@role_required(*VENDOR_ROLES)
def vendor_ship(request, pk: int):
    fo = _fo(request, pk)
    form = VendorShipForm(request.POST, carriers=active_carriers(), prefix=f"fo{fo.pk}")
    if form.is_valid():
        carrier, _, service = form.cleaned_data["carrier"].partition("|")
        if run_step(
            request,
            lambda: services.fulfillment_ship_all(
                fo=fo,
                carrier=carrier,
                service=service,
                tracking_number=form.cleaned_data["tracking_number"],
                actor=actor(request),
            ),
            f"{fo.number} shipped; the customer can follow it.",
        ):
            return redirect("fulfillment:vendor")
    else:
        messages.error(request, "Choose a carrier.")
    return _desk(request, forms={fo.pk: form})
