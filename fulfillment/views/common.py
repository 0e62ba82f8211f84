"""What every warehouse desk page shares: who may work where, the chosen location, running a
service step and showing its refusal, scanned quantities."""

import re

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect

from oms.core.actor import Actor
from oms.core.errors import DomainError
from oms.core.roles import CUSTOMER_SERVICE, OMS_ADMIN, WAREHOUSE, has_role

from .. import selectors

DESK_ROLES = (WAREHOUSE, OMS_ADMIN)
LOCATION_KEY = "desk_location"
#: A bare number scanned or typed before a code: the quantity of the next scan.
QUANTITY_RE = re.compile(r"^\d{1,3}$")
#: "3*CODE" in one go.
QUANTITY_PREFIX_RE = re.compile(r"^(\d{1,3})\*(.+)$")


def actor(request) -> Actor:
    return Actor.for_user(request.user)


def chosen_locations(request) -> tuple[list, object]:
    """(the user's locations, the one they work at now or None for all of them)."""
    locations = selectors.desk_locations(request.user)
    code = request.GET.get("location", request.session.get(LOCATION_KEY, ""))
    chosen = next((location for location in locations if location.code == code), None)
    if "location" in request.GET:
        request.session[LOCATION_KEY] = chosen.code if chosen else ""
    if chosen is None and len(locations) == 1:
        chosen = locations[0]
    return locations, chosen


def fulfillment_order(request, pk: int):
    """Another location's work is not found, not forbidden: its existence is not shown."""
    return get_object_or_404(selectors.desk_fulfillment_order(request.user), pk=pk)


def order_url(user, order) -> str:
    from django.urls import reverse

    if has_role(user, CUSTOMER_SERVICE, OMS_ADMIN):
        return reverse("desk:order", args=[order.number])
    return reverse("fulfillment:order", args=[order.number])


def run_step(request, step, success: str = "") -> bool:
    """Call a service; its refusal becomes an error message. True when it went through."""
    try:
        result = step()
    except DomainError as error:
        messages.error(request, error.message)
        return False
    if success:
        messages.success(request, success(result) if callable(success) else success)
    return True


def back_to(request, fo) -> HttpResponse:
    return redirect("fulfillment:work", pk=fo.pk)


def split_scan(request, key: str, known) -> tuple[str, int | None]:
    """The scanned code and its quantity (None: one unit). A number typed before the scan sets
    the quantity: typed and sent on its own (kept in the session under `key` for the next scan),
    typed just before the scanner's keystrokes ("3" + "4001234567890"), or as "3*CODE".
    `known(code)` says whether a code names an item here. A bare number returns ("", number)."""
    code = request.POST.get("code", "").strip()
    prefixed = QUANTITY_PREFIX_RE.match(code)
    if prefixed:
        return prefixed.group(2).strip(), int(prefixed.group(1))
    if QUANTITY_RE.match(code) and not known(code):
        request.session[key] = int(code)
        return "", int(code)
    pending = request.session.pop(key, None)
    if not known(code):
        for digits in range(1, 4):
            head, rest = code[:digits], code[digits:]
            if head.isdigit() and int(head) > 0 and rest and known(rest):
                return rest, int(head)
    return code, pending
