"""Find an order (search, filters, sort, count, pages, CSV) and see it whole."""

import csv
from datetime import datetime, time, timedelta

from django import forms
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from inventory.models import Location
from oms.core.models import Channel
from oms.core.paging import Key, capped_count, keyset_page, ordered
from orders.models import Hold, Order
from orders.selectors import order_search

from .. import allowed
from .. import forms as desk_forms
from ..selectors import order_page
from ..timeline import LABELS
from .common import agent_required

PAGE_SIZE = 50
SORT_KEYS = {
    "placed": [Key("placed_at", descending=True)],
    "ship_by": [Key("ship_by", nullable=True)],
}


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=200)
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *Order.Status.choices])
    payment_status = forms.ChoiceField(
        required=False, choices=[("", "Any payment"), *Order.PaymentStatus.choices]
    )
    channel = forms.ChoiceField(required=False)
    hold = forms.ChoiceField(
        required=False, choices=[("", "Held or not"), ("any", "Any open hold"), *Hold.Kind.choices]
    )
    placed_from = forms.DateField(required=False, label="Placed from")
    placed_to = forms.DateField(required=False, label="Placed to (inclusive)")
    late = forms.BooleanField(required=False, label="Late (ship-by passed, not shipped)")
    sort = forms.ChoiceField(
        required=False, choices=[("placed", "Newest placed first"), ("ship_by", "Soonest ship-by first")]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [("", "Any channel")] + [
            (code, code) for code in Channel.objects.order_by("code").values_list("code", flat=True)
        ]

    def filters(self) -> dict:
        data = self.cleaned_data
        filters = {key: data[key] for key in ("status", "payment_status", "channel", "hold") if data.get(key)}
        if data.get("placed_from"):
            filters["placed_from"] = _day_start(data["placed_from"])
        if data.get("placed_to"):
            filters["placed_to"] = _day_start(data["placed_to"]) + timedelta(days=1)
        if data.get("late"):
            filters["late"] = True
        filters["sort"] = data.get("sort") or "placed"
        return filters


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _searched(request):
    form = SearchForm(request.GET or None)
    if request.GET and not form.is_valid():
        return form, order_search("", {}).none(), {}
    query = form.cleaned_data.get("q", "").strip() if form.is_bound else ""
    filters = form.filters() if form.is_bound else {"sort": "placed"}
    return form, order_search(query, filters), filters


@agent_required
def order_list(request):
    form, orders, filters = _searched(request)
    keys = SORT_KEYS[filters.get("sort", "placed")]
    page = keyset_page(
        orders, keys, after=request.GET.get("after", ""), before=request.GET.get("before", ""), size=PAGE_SIZE
    )
    params = request.GET.copy()
    for name in ("after", "before"):
        params.pop(name, None)

    def link(name: str, cursor: str) -> str:
        if not cursor:
            return ""
        linked = params.copy()
        linked[name] = cursor
        return f"?{linked.urlencode()}"

    return render(
        request,
        "desk/order_list.html",
        {
            "form": form,
            "orders": page.rows,
            "count": capped_count(orders),
            "next_url": link("after", page.next_cursor),
            "previous_url": link("before", page.previous_cursor),
            "export_url": f"?{params.urlencode()}",
            "filtered": bool(request.GET),
        },
    )


CSV_COLUMNS = [
    ("number", "number"),
    ("channel", "channel__code"),
    ("external_id", "external_id"),
    ("placed_at", "placed_at"),
    ("ship_by", "ship_by"),
    ("status", "status"),
    ("payment_status", "payment_status"),
    ("customer_name", "customer_name"),
    ("customer_email", "customer_email"),
    ("customer_phone", "customer_phone"),
    ("currency", "currency"),
    ("total", "total"),
    ("refunded_total", "refunded_total"),
]


class _Echo:
    def write(self, value):
        return value


def _cell(value):
    if isinstance(value, datetime):
        return value.isoformat()
    text = "" if value is None else str(value)
    # A cell a spreadsheet would run as a formula is kept as text.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@agent_required
def order_export(request):
    """The whole filtered list as CSV, streamed row by row (one query, read in chunks)."""
    _form, orders, filters = _searched(request)
    rows = ordered(orders, SORT_KEYS[filters.get("sort", "placed")]).values_list(
        *[column for _name, column in CSV_COLUMNS]
    )
    writer = csv.writer(_Echo())

    def stream():
        yield writer.writerow([name for name, _column in CSV_COLUMNS])
        for row in rows.iterator(chunk_size=2000):
            yield writer.writerow([_cell(value) for value in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="orders-{stamp}.csv"'
    return response


def _page(number: str):
    try:
        return order_page(number)
    except Order.DoesNotExist as exc:
        raise Http404("no such order") from exc


def _timeline_view(request, page) -> dict:
    newest_first = request.GET.get("timeline") != "oldest"
    kind = request.GET.get("kind", "")
    entries = [entry for entry in page.timeline if not kind or entry.kind == kind]
    if newest_first:
        entries = list(reversed(entries))
    kinds = sorted({entry.kind for entry in page.timeline}, key=lambda k: LABELS.get(k, k))
    return {
        "entries": entries,
        "newest_first": newest_first,
        "kind": kind,
        "kinds": [(k, LABELS.get(k) or k.replace("_", " ").capitalize()) for k in kinds],
    }


def page_forms(page, bound: dict | None = None) -> dict:
    """Every form the order page shows, unbound, except the one being answered (`bound`)."""
    bound = bound or {}
    order = page.order

    def pick(key, make, **kwargs):
        return bound.get(key) or make(auto_id=desk_forms.auto_id(key), **kwargs)

    for line in page.lines:
        line.quantity_form = pick(
            f"quantity-{line.pk}", desk_forms.LineQuantityForm, initial={"quantity": line.quantity}
        )
        line.sku_form = pick(f"sku-{line.pk}", desk_forms.ReplaceSkuForm)
        line.remove_form = pick(f"remove-{line.pk}", desk_forms.RemoveLineForm)
    for hold in page.holds:
        hold.release_form = pick(f"release-{hold.pk}", desk_forms.ReleaseForm)
    for fo in page.fulfillment_orders:
        fo.reroute_form = pick(
            f"reroute-{fo.pk}",
            desk_forms.RerouteForm,
            locations=page.reroute_locations,
            current=fo.location_id,
        )
    for rma in page.returns:
        refundable = {
            line.pk: line.quantity_received - line.quantity_refunded for line in rma.refundable_lines
        }
        rma.refund_form = pick(
            f"refund-{rma.pk}",
            desk_forms.RefundForm,
            lines=rma.refundable_lines,
            limits=refundable,
            initial={f"line_{pk}": units for pk, units in refundable.items()},
        )
    cancellable = [line for line in page.lines if line.cancellable]
    returnable = [line for line in page.lines if line.returnable]
    return {
        "hold": pick("hold", desk_forms.HoldForm),
        "address": pick(
            "address",
            desk_forms.AddressForm,
            initial=desk_forms.AddressForm.initial_for(order),
            pickup_locations=page.pickup_locations,
        ),
        "add_line": pick("add_line", desk_forms.AddLineForm),
        "cancel_lines": pick(
            "cancel_lines",
            desk_forms.CancelLinesForm,
            lines=cancellable,
            limits={line.pk: line.cancellable for line in cancellable},
        ),
        "cancel": pick("cancel", desk_forms.CancelOrderForm),
        "note": pick("note", desk_forms.NoteForm),
        "payment": pick("payment", desk_forms.PaymentForm),
        "return": pick(
            "return",
            desk_forms.ReturnForm,
            lines=returnable,
            limits={line.pk: line.returnable for line in returnable},
        ),
    }


def render_order_page(request, number: str, bound: dict | None = None):
    page = _page(number)
    can = allowed.annotate(page)
    return render(
        request,
        "desk/order.html",
        {
            "page": page,
            "order": page.order,
            "can": can,
            "forms": page_forms(page, bound),
            "timeline": _timeline_view(request, page),
        },
    )


@agent_required
def order_detail(request, number: str):
    return render_order_page(request, number)


@agent_required
def order_timeline(request, number: str):
    """The timeline section alone (htmx: the order toggle and the kind filter)."""
    page = _page(number)
    return render(
        request, "desk/_timeline.html", {"order": page.order, "timeline": _timeline_view(request, page)}
    )


def location_by_code(code: str) -> Location | None:
    return Location.objects.filter(code=code).first()
