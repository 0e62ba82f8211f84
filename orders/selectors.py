"""Read queries shared by the API and the staff pages.

Search classifies the query so that each kind hits one index (see Order.Meta.indexes):
an order number -> `number` (unique); an email -> prefix on the lower-case email; a phone
-> prefix on the digits, or an exact external id; one other word -> exact external id or
exact SKU code on a line, or a name prefix; several words -> name prefix. Results are
ordered by (-placed_at, -id) for keyset pagination.
"""

import re
from datetime import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from inventory.models import normalize_code
from oms.core.models import Channel

from .models import Hold, Order, OrderEvent, OrderLine
from .services.intake import NUMBER_ALPHABET, NUMBER_LENGTH, NUMBER_PREFIX, normalize_name_key

NUMBER_RE = re.compile(rf"^{NUMBER_PREFIX}?[{NUMBER_ALPHABET}]{{{NUMBER_LENGTH}}}$", re.IGNORECASE)
PHONE_RE = re.compile(r"^\+?[\d\s().-]{5,}$")
ORDERING = ("-placed_at", "-id")


def order_detail_queryset() -> QuerySet[Order]:
    """Four queries for any order: the order (+ channel, pickup location), lines, holds, events."""
    return Order.objects.select_related("channel", "pickup_location").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.order_by("line_number")),
        Prefetch("holds", queryset=Hold.objects.order_by("id")),
        Prefetch("events", queryset=OrderEvent.objects.order_by("id")),
    )


def classify(query: str) -> str:
    query = query.strip()
    if NUMBER_RE.match(query) and query.upper().startswith(NUMBER_PREFIX):
        return "number"
    if "@" in query:
        return "email"
    if PHONE_RE.match(query) and sum(ch.isdigit() for ch in query) >= 5:
        return "phone"
    if len(query.split()) == 1:
        return "token"
    return "name"


def _search_condition(query: str) -> Q:
    kind = classify(query)
    query = query.strip()
    if kind == "number":
        return Q(number=query.upper())
    if kind == "email":
        return Q(customer_email__startswith=query.lower())
    if kind == "phone":
        digits = "".join(ch for ch in query if ch.isdigit())
        return Q(customer_phone__startswith=digits) | Q(external_id=query)
    name = Q(customer_name_key__startswith=normalize_name_key(query))
    if kind == "name":
        return name
    code = normalize_code(query)
    sku_orders = OrderLine.objects.filter(sku_code=code).order_by().values("order_id")
    # An id union (each branch on its own index) instead of one OR across a join.
    ids = (
        Order.objects.filter(external_id=query)
        .order_by()
        .values("id")
        .union(Order.objects.filter(name).order_by().values("id"), sku_orders)
    )
    return Q(id__in=ids)


def order_search(query: str = "", filters: dict | None = None) -> QuerySet[Order]:
    """Orders matching `query` (see module doc) and `filters`: status, payment_status, channel
    (code), hold (an open hold's kind, or "any"), placed_from / placed_to (datetimes)."""
    filters = filters or {}
    orders = Order.objects.select_related("channel")
    if query and query.strip():
        orders = orders.filter(_search_condition(query))
    if filters.get("status"):
        orders = orders.filter(status=filters["status"])
    if filters.get("payment_status"):
        orders = orders.filter(payment_status=filters["payment_status"])
    if filters.get("channel"):
        # Resolved first so that the (channel, -placed_at) index serves the filter.
        channel_id = Channel.objects.filter(code=filters["channel"]).values_list("pk", flat=True).first()
        orders = orders.filter(channel_id=channel_id) if channel_id else orders.none()
    hold = filters.get("hold")
    if hold:
        open_holds = Hold.objects.filter(order=OuterRef("pk"), released_at__isnull=True)
        if hold != "any":
            open_holds = open_holds.filter(kind=hold)
        orders = orders.filter(Exists(open_holds))
    placed_from: datetime | None = filters.get("placed_from")
    placed_to: datetime | None = filters.get("placed_to")
    if placed_from:
        orders = orders.filter(placed_at__gte=placed_from)
    if placed_to:
        orders = orders.filter(placed_at__lt=placed_to)
    return orders.order_by(*ORDERING)
