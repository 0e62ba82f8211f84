"""The order page's channel documents panel (loaded by htmx into templates/desk/order.html)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from oms.core.decorators import role_required
from oms.core.roles import CUSTOMER_SERVICE, OMS_ADMIN

from .models import InboxDocument

SHOWN = 20


@login_required
@role_required(CUSTOMER_SERVICE, OMS_ADMIN)
def order_documents(request, number: str):
    documents = list(
        InboxDocument.objects.filter(order__number=number.upper())
        .select_related("channel")
        .order_by("-received_at", "-id")[: SHOWN + 1]
    )
    return render(
        request,
        "inbox/order_documents.html",
        {"documents": documents[:SHOWN], "more": len(documents) > SHOWN, "number": number.upper()},
    )
