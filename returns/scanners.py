"""Returns on the warehouse desk: a scanned RMA number or return tracking number opens the RMA
(to receive it), and the work queue counts the returns expected at the location."""

from django.db.models import Q
from django.urls import reverse

from fulfillment.desk import Count, Opened, register_queue_counter, register_scan_resolver

from .models import ReturnAuthorization
from .selectors import visible_returns


def return_by_number_or_tracking(user, code: str, location_ids: list[int]) -> Opened | None:
    compact = "".join(code.split())
    rma = (
        visible_returns(user)
        .filter(Q(number=compact.upper()) | Q(tracking_number__in={compact, compact.upper()}))
        .order_by("-pk")
        .only("number", "status")
        .first()
    )
    if rma is None:
        return None
    note = (
        ""
        if rma.status == ReturnAuthorization.Status.AUTHORIZED
        else f"{rma.number} is {rma.get_status_display().lower()}."
    )
    return Opened(reverse("returns:detail", args=[rma.number]), note)


def returns_to_receive(user, location_ids: list[int]) -> Count:
    expected = Q(receiving_location_id__in=location_ids) | Q(receiving_location__isnull=True)
    count = visible_returns(user).filter(expected, status=ReturnAuthorization.Status.AUTHORIZED).count()
    return Count("returns", "Returns to receive", count, reverse("returns:list") + "?status=authorized")


def register() -> None:
    register_scan_resolver(return_by_number_or_tracking)
    register_queue_counter(returns_to_receive)
