"""Staff pages for customer service: find an order, see it whole, release its holds."""

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_POST

from oms.core.actor import Actor
from oms.core.decorators import role_required
from oms.core.errors import DomainError
from oms.core.models import Channel
from oms.core.roles import CUSTOMER_SERVICE, OMS_ADMIN

from . import services
from .models import Hold, Order
from .selectors import order_detail_queryset, order_search

PAGE_SIZE = 50


def _after(cursor: str) -> Q | None:
    """Keyset position "<placed_at ISO>|<id>": rows strictly after it in (-placed_at, -id)."""
    try:
        placed, pk = cursor.rsplit("|", 1)
        placed_at: datetime | None = parse_datetime(placed)
        pk_value = int(pk)
    except ValueError:
        return None
    if placed_at is None:
        return None
    return Q(placed_at__lt=placed_at) | Q(placed_at=placed_at, id__lt=pk_value)


@login_required
@role_required(CUSTOMER_SERVICE, OMS_ADMIN)
def order_list(request):
    query = request.GET.get("q", "").strip()
    filters = {
        key: request.GET[key]
        for key in ("status", "channel", "hold")
        if request.GET.get(key) and request.GET[key] in _choices()[key]
    }
    orders = order_search(query, filters)
    position = _after(request.GET.get("after", ""))
    if position is not None:
        orders = orders.filter(position)
    page = list(orders[: PAGE_SIZE + 1])
    next_cursor = None
    if len(page) > PAGE_SIZE:
        page = page[:PAGE_SIZE]
        last = page[-1]
        next_cursor = f"{last.placed_at.isoformat()}|{last.pk}"
    params = request.GET.copy()
    params.pop("after", None)
    if next_cursor:
        params["after"] = next_cursor
    return render(
        request,
        "orders/list.html",
        {
            "orders": page,
            "query": query,
            "filters": filters,
            "choices": _choices(),
            "next_url": f"?{params.urlencode()}" if next_cursor else "",
        },
    )


def _choices() -> dict:
    return {
        "status": dict(Order.Status.choices),
        "channel": {code: code for code in Channel.objects.values_list("code", flat=True)},
        "hold": {"any": "Any hold", **dict(Hold.Kind.choices)},
    }


@login_required
@role_required(CUSTOMER_SERVICE, OMS_ADMIN)
def order_detail(request, number: str):
    order = get_object_or_404(order_detail_queryset(), number=number.upper())
    return render(request, "orders/detail.html", {"order": order})


@require_POST
@login_required
@role_required(CUSTOMER_SERVICE, OMS_ADMIN)
def hold_release(request, number: str, hold_id: int):
    order = get_object_or_404(Order, number=number.upper())
    try:
        services.order_release_hold(
            order=order,
            hold_id=hold_id,
            actor=Actor.for_user(request.user),
            reason=request.POST.get("reason", ""),
            override=request.POST.get("override") == "1",
        )
        messages.success(request, "Hold released.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("orders:detail", number=order.number)
