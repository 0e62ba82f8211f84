"""Printable pick lists and packing slips: as pages (print from the browser) and as one PDF for
many orders or a whole batch."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from oms.core.decorators import role_required

from .. import pdf, selectors
from ..services.batches import batch_work
from .batches import _batch
from .common import DESK_ROLES, fulfillment_order
from .work import _lines

MAX_PRINT = 100


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _chosen(request):
    ids = [int(pk) for pk in request.GET.getlist("fo") if pk.isdigit()][:MAX_PRINT]
    return list(selectors.desk_fulfillment_order(request.user).filter(pk__in=ids).order_by("pk"))


@require_GET
@role_required(*DESK_ROLES)
def pick_list(request, pk: int):
    fo = fulfillment_order(request, pk)
    return render(request, "fulfillment/pick_list.html", {"fo": fo, "order": fo.order, "lines": _lines(fo)})


@require_GET
@role_required(*DESK_ROLES)
def packing_slip(request, pk: int):
    fo = fulfillment_order(request, pk)
    lines = [line for line in _lines(fo) if line.quantity_open or line.quantity_shipped]
    return render(
        request,
        "fulfillment/packing_slip.html",
        {"fo": fo, "order": fo.order, "lines": lines, "packages": list(fo.packages.all())},
    )


@require_GET
@role_required(*DESK_ROLES)
def pick_lists_pdf(request):
    return _pdf(pdf.pick_lists([(fo, _lines(fo)) for fo in _chosen(request)]), "pick-lists.pdf")


@require_GET
@role_required(*DESK_ROLES)
def packing_slips_pdf(request):
    work = [(fo, _lines(fo), list(fo.packages.all())) for fo in _chosen(request)]
    return _pdf(pdf.packing_slips(work), "packing-slips.pdf")


@require_GET
@role_required(*DESK_ROLES)
def batch_pdf(request, number: str):
    batch = _batch(request, number)
    work = batch_work(batch)
    rows = selectors.combined_pick_rows(work, batch.location_id)
    detailed = (
        selectors.desk_fulfillment_order(request.user).filter(pk__in=[fo.pk for fo in work]).order_by("pk")
    )
    by_pk = {fo.pk: fo for fo in detailed}
    pages = [(by_pk[fo.pk], _lines(by_pk[fo.pk])) for fo in work if fo.pk in by_pk]
    return _pdf(pdf.batch_pick_list(batch, rows, pages), f"{batch.number}.pdf")
