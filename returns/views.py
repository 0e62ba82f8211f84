"""Staff pages: find a return, see it whole, authorize or reject it (customer service) and
receive it line by line (warehouse staff at their own locations)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from oms.core.actor import Actor
from oms.core.decorators import role_required
from oms.core.errors import DomainError
from oms.core.paging import capped_count
from oms.core.roles import CUSTOMER_SERVICE, OMS_ADMIN, WAREHOUSE, has_role

from . import selectors, services
from .forms import ReceiveForm, RejectForm
from .models import ReturnAuthorization

PAGE_SIZE = 50
STAFF = (CUSTOMER_SERVICE, WAREHOUSE, OMS_ADMIN)


@role_required(*STAFF)
def return_list(request):
    query = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    statuses = [status] if status in ReturnAuthorization.Status.values else None
    returns = selectors.return_list(request.user, status=statuses, q=query)
    count = capped_count(returns)
    after = request.GET.get("after", "")
    if after.isdigit():
        returns = returns.filter(pk__lt=int(after))
    page = list(returns[: PAGE_SIZE + 1])
    next_url = ""
    if len(page) > PAGE_SIZE:
        page = page[:PAGE_SIZE]
        params = request.GET.copy()
        params["after"] = page[-1].pk
        next_url = f"?{params.urlencode()}"
    return render(
        request,
        "returns/list.html",
        {
            "returns": page,
            "count": count,
            "query": query,
            "status": status,
            "statuses": ReturnAuthorization.Status.choices,
            "next_url": next_url,
        },
    )


def _rma(request, number: str) -> ReturnAuthorization:
    return get_object_or_404(selectors.return_detail_queryset(request.user), number=number.upper())


@role_required(*STAFF)
def return_detail(request, number: str, receive_form: ReceiveForm | None = None):
    rma = _rma(request, number)
    may_receive = has_role(request.user, WAREHOUSE, OMS_ADMIN) and rma.status == "authorized"
    if may_receive and receive_form is None:
        receive_form = ReceiveForm(rma=rma, user=request.user)
    return render(
        request,
        "returns/detail.html",
        {
            "rma": rma,
            "receive_form": receive_form if may_receive else None,
            "may_decide": has_role(request.user, CUSTOMER_SERVICE, OMS_ADMIN) and rma.status == "requested",
            "reject_form": RejectForm(),
        },
    )


@require_POST
@role_required(WAREHOUSE, OMS_ADMIN)
def return_receive(request, number: str):
    rma = _rma(request, number)
    form = ReceiveForm(request.POST, rma=rma, user=request.user)
    if not form.is_valid():
        return return_detail(request, number, receive_form=form)
    data = form.cleaned_data
    try:
        services.return_receive(
            rma=rma,
            location=data["location"],
            lines=[
                {
                    "return_line": data["line"],
                    "quantity": data["quantity"],
                    "condition": data["condition"],
                    "disposition": data["disposition"],
                }
            ],
            actor=Actor.for_user(request.user),
        )
        messages.success(request, f"Received {data['quantity']} unit(s) at {data['location'].code}.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("returns:detail", number=rma.number)


@require_POST
@role_required(CUSTOMER_SERVICE, OMS_ADMIN)
def return_decide(request, number: str, decision: str):
    rma = _rma(request, number)
    actor = Actor.for_user(request.user)
    try:
        if decision == "authorize":
            services.return_authorize(rma=rma, actor=actor)
            messages.success(request, f"Return {rma.number} authorized.")
        else:
            form = RejectForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            services.return_reject(rma=rma, reason=reason, actor=actor)
            messages.success(request, f"Return {rma.number} rejected.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("returns:detail", number=rma.number)
