"""The work queue of a location, and the scan field that opens whatever a code names."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from oms.core.decorators import role_required

from .. import desk, selectors
from .common import DESK_ROLES, chosen_locations, order_url


@require_GET
@role_required(*DESK_ROLES)
def queue(request):
    locations, chosen = chosen_locations(request)
    location_ids = [chosen.pk] if chosen else [location.pk for location in locations]
    bucket = request.GET.get("bucket", "")
    if bucket not in selectors.BUCKET_FILTERS:
        bucket = ""
    counts = selectors.queue_counts(request.user, location_ids)
    rows = selectors.queue_rows(request.user, location_ids, bucket)
    now = timezone.now()
    for fo in rows:
        fo.late = fo.order.ship_by is not None and fo.order.ship_by < now and fo.is_open
        fo.order_url = order_url(request.user, fo.order)
    context = {
        "locations": locations,
        "chosen": chosen,
        "bucket": bucket,
        "buckets": [(key, label, counts[key]) for key, label, _ in selectors.BUCKETS],
        "extra_counts": desk.extra_counts(request.user, location_ids),
        "rows": rows,
        "batches": selectors.open_batches(location_ids),
        "total": sum(counts[key] for key, _, _ in selectors.BUCKETS if key != "changed"),
    }
    return render(request, "fulfillment/queue.html", context)


@require_GET
@role_required(*DESK_ROLES)
def scan(request):
    """A scanned (or typed) code: a location code switches location; anything else opens what it
    names (fulfillment order, pick batch, order, tracking number, return)."""
    code = request.GET.get("code", "").strip()
    locations, chosen = chosen_locations(request)
    location = next((loc for loc in locations if loc.code.lower() == code.lower()), None)
    if location is not None:
        request.session["desk_location"] = location.code
        messages.success(request, f"Working at {location.code} ({location.name}).")
        return redirect("fulfillment:queue")
    location_ids = [chosen.pk] if chosen else [loc.pk for loc in locations]
    opened = desk.open_scanned(request.user, code, location_ids)
    if opened is None:
        if code:
            messages.error(request, f"Nothing here is known as {code}.")
        back = request.GET.get("next", "")
        if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            return redirect(back)
        return redirect("fulfillment:queue")
    if opened.message:
        messages.info(request, opened.message)
    return redirect(opened.url)
