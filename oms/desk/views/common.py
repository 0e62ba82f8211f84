"""What every desk action shares: who may act, and how a service's answer reaches the page.

An action form posts with htmx (`hx-select` picks the same form out of the answer). The
answer to a refusal, of the form or of the service, is the order page again with that form
bound and its errors beside the fields (422); the answer to a success sends the browser to
the order page, where a message says what happened. Without JavaScript the same views
answer a full page or a redirect.
"""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from oms.core.actor import Actor
from oms.core.decorators import role_required
from oms.core.errors import DomainError
from oms.core.roles import CUSTOMER_SERVICE, OMS_ADMIN

AGENT_ROLES = (CUSTOMER_SERVICE, OMS_ADMIN)

#: Error details that name the line a refusal is about, and the field names forms give lines.
LINE_DETAILS = ("order_line", "line_id", "return_line")


def agent_required(view):
    return role_required(*AGENT_ROLES)(view)


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def error_field(error: DomainError, form) -> str | None:
    """The field a service's refusal is about, when the form has it; else None (the message
    then stands above the form's button)."""
    details = error.details or {}
    for key in LINE_DETAILS:
        line_id = details.get(key)
        if line_id is not None and f"line_{line_id}" in form.fields:
            return f"line_{line_id}"
    line_ids = details.get("line_ids") or []
    if len(line_ids) == 1 and f"line_{line_ids[0]}" in form.fields:
        return f"line_{line_ids[0]}"
    by_code = {
        "unknown_sku": "sku",
        "quantity_too_high": "quantity",
        "invalid_pickup_location": "delivery",
        "location_unavailable": "location",
        "same_location": "location",
        "insufficient_stock": "location",
    }
    name = by_code.get(error.code)
    if name in form.fields:
        return name
    if "reason" in form.fields and "reason" in error.message.lower() and error.code != "invalid_transition":
        return "reason"
    return None


def redirect_after(request, url: str, *, same_page: bool = False) -> HttpResponse:
    """After a successful POST the browser loads `url`. With htmx: a page that posted to itself
    reloads where it was (HX-Refresh), another page is loaded (HX-Redirect)."""
    if is_htmx(request):
        response = HttpResponse()
        if same_page:
            response["HX-Refresh"] = "true"
        else:
            response["HX-Redirect"] = url
        return response
    return redirect(url)


def perform(
    request,
    *,
    form,
    run: Callable[[dict, Actor], object],
    success: str | Callable[[object], str],
    redirect_to: str,
    refuse: Callable[[object], HttpResponse],
) -> HttpResponse:
    """Validate `form`, run the service, and answer: `refuse(form)` renders the page with the
    form bound (invalid, or the service's DomainError on the field it is about)."""
    if form.is_valid():
        try:
            result = run(form.cleaned_data, Actor.for_user(request.user))
        except DomainError as error:
            form.add_error(error_field(error, form), error.message)
        else:
            messages.success(request, success(result) if callable(success) else success)
            return redirect_after(request, redirect_to, same_page=True)
    response = refuse(form)
    response.status_code = 422
    return response


def order_url(number: str, section: str = "") -> str:
    url = reverse("desk:order", args=[number])
    return f"{url}#{section}" if section else url
