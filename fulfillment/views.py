"""Staff UI: the work queue of the user's locations and printable pick lists / packing slips."""

from django.shortcuts import get_object_or_404, render

from inventory.models import Location
from oms.core.decorators import role_required
from oms.core.roles import OMS_ADMIN, WAREHOUSE, has_role

from . import selectors
from .models import FulfillmentOrder


def _locations(user):
    if has_role(user, OMS_ADMIN):
        return Location.objects.filter(active=True).order_by("code")
    return user.work_locations.filter(active=True).order_by("code")


def _fulfillment_order(request, pk: int) -> FulfillmentOrder:
    """Another location's work is not found, not forbidden: its existence is not shown."""
    return get_object_or_404(selectors.fulfillment_order_list(request.user), pk=pk)


@role_required(WAREHOUSE, OMS_ADMIN)
def queue(request):
    locations = list(_locations(request.user))
    chosen = next((loc for loc in locations if loc.code == request.GET.get("location")), None)
    by_state = selectors.work_queue(request.user, chosen.pk if chosen else None)
    states = [(FulfillmentOrder.State(state).label, fos) for state, fos in by_state.items()]
    return render(
        request,
        "fulfillment/queue.html",
        {"locations": locations, "chosen": chosen, "states": states, "total": sum(len(f) for _, f in states)},
    )


@role_required(WAREHOUSE, OMS_ADMIN)
def pick_list(request, pk: int):
    fo = _fulfillment_order(request, pk)
    lines = sorted(fo.lines.all(), key=lambda line: line.sku.code)
    return render(request, "fulfillment/pick_list.html", {"fo": fo, "order": fo.order, "lines": lines})


@role_required(WAREHOUSE, OMS_ADMIN)
def packing_slip(request, pk: int):
    fo = _fulfillment_order(request, pk)
    lines = [line for line in fo.lines.all() if line.quantity_open or line.quantity_shipped]
    return render(request, "fulfillment/packing_slip.html", {"fo": fo, "order": fo.order, "lines": lines})
