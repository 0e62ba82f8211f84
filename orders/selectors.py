"""Read queries shared by the API and the staff pages.

Search classifies the query so that each kind hits its own indexes (Order.Meta.indexes):
- an order number (OMS-XXXXXXXX) -> `number` (unique); without the prefix it is one more
  exact branch of the code and word searches below;
- a pattern a later app registered (an RMA number) -> that app's finder;
- with "@" -> prefix of the lower-case email;
- a phone (digits, spaces, + - ( )) -> prefix of the phone digits, or an exact external id;
- several words -> prefix of the name, or of the name with the last word first (surname);
- one word of letters -> name / surname prefix, email prefix or exact external id;
- one code (digits, dashes) -> exact external id, exact SKU code on a line, email prefix, or
  an exact value a later app's finder matches (a shipment's tracking number);
- "sku:", "ext:", "email:", "phone:", "name:", "number:" (and a finder's kind, "tracking:",
  "rma:") force one kind.
Results are ordered by (-placed_at, -id), or by ship-by, for keyset pagination.

Later apps find orders through rows of their own (fulfillment: tracking numbers; returns: RMA
numbers) by registering a finder from their AppConfig.ready(): orders never imports them.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from inventory.models import normalize_code
from oms.core.models import Channel

from .models import OPEN_STATUSES, ChannelRefund, Hold, Order, OrderCharge, OrderEvent, OrderLine, TaxLine
from .services.normalize import NUMBER_ALPHABET, NUMBER_LENGTH, NUMBER_PREFIX, normalize_name_key

NUMBER_RE = re.compile(rf"^{NUMBER_PREFIX}?[{NUMBER_ALPHABET}]{{{NUMBER_LENGTH}}}$", re.IGNORECASE)
BARE_NUMBER_RE = re.compile(rf"^[{NUMBER_ALPHABET}]{{{NUMBER_LENGTH}}}$", re.IGNORECASE)
PHONE_RE = re.compile(r"^\+?[\d\s().-]{5,}$")
ORDERING = ("-placed_at", "-id")


@dataclass(frozen=True)
class OrderFinder:
    """Finds order ids through another app's rows: `find(query)` -> a queryset of order ids.
    With a `pattern`, a query matching it is searched by this finder alone; without one the
    finder is one more exact branch of code and phone searches."""

    kind: str
    find: Callable[[str], QuerySet]
    pattern: re.Pattern | None = None


FINDERS: dict[str, OrderFinder] = {}


def register_order_finder(kind: str, find: Callable[[str], QuerySet], *, pattern: str | None = None) -> None:
    FINDERS[kind] = OrderFinder(kind, find, re.compile(pattern, re.IGNORECASE) if pattern else None)


def order_detail_queryset() -> QuerySet[Order]:
    """Seven queries for any order: the order (+ channel, pickup location), lines, charges, tax
    lines, channel refunds, holds, events."""
    return Order.objects.select_related("channel", "pickup_location").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.order_by("line_number")),
        Prefetch("charges", queryset=OrderCharge.objects.order_by("id")),
        Prefetch("tax_lines", queryset=TaxLine.objects.order_by("id")),
        Prefetch("channel_refunds", queryset=ChannelRefund.objects.order_by("id")),
        Prefetch("holds", queryset=Hold.objects.order_by("id")),
        Prefetch("events", queryset=OrderEvent.objects.order_by("id")),
    )


def order_as_written(order: Order) -> Order:
    """A new order from intake with the rows it wrote (`order.written`) in place of the
    detail prefetches: shown without reading anything back."""
    for name, rows in order.written.items():
        cached = getattr(Order, name).rel.related_model.objects.all()
        cached._result_cache, cached._prefetch_done = list(rows), True
        order._prefetched_objects_cache = {**getattr(order, "_prefetched_objects_cache", {}), name: cached}
    return order


FIELD_PREFIX_RE = re.compile(r"^([a-z]+):\s*(.+)$", re.IGNORECASE)
FIELD_KINDS = {"number", "ext", "email", "phone", "name", "sku"}


def _explicit(query: str) -> re.Match | None:
    match = FIELD_PREFIX_RE.match(query)
    if match and match.group(1).lower() in FIELD_KINDS | set(FINDERS):
        return match
    return None


def classify(query: str) -> str:
    query = query.strip()
    explicit = _explicit(query)
    if explicit:
        return explicit.group(1).lower()
    if NUMBER_RE.match(query) and query.upper().startswith(NUMBER_PREFIX):
        return "number"
    for finder in FINDERS.values():
        if finder.pattern and finder.pattern.match(query):
            return finder.kind
    if "@" in query:
        return "email"
    if PHONE_RE.match(query) and sum(ch.isdigit() for ch in query) >= 5:
        return "phone"
    if len(query.split()) > 1:
        return "name"
    if any(ch.isdigit() or ch in "-_./#" for ch in query):
        return "code"
    return "word"


def _name(query: str) -> Q:
    key = normalize_name_key(query)
    return Q(customer_name_key__startswith=key) | Q(customer_surname_key__startswith=key)


def _number_without_prefix(query: str) -> Q:
    """The order number of a query that is one without its prefix ("7K3M9QXA"), else nothing."""
    if BARE_NUMBER_RE.match(query):
        return Q(number=NUMBER_PREFIX + query.upper())
    return Q(pk__in=[])


def _ids(condition: Q) -> QuerySet:
    return Order.objects.filter(condition).order_by().values("id")


def _any_of(*branches: QuerySet) -> Q:
    """Orders in any of these id querysets: a UNION keeps each branch on its own index
    instead of one OR across joins."""
    first, *others = branches
    return Q(id__in=first.union(*others)) if others else Q(id__in=first)


def _exact_finders(query: str) -> list[QuerySet]:
    return [finder.find(query) for finder in FINDERS.values() if finder.pattern is None]


def _search_condition(query: str) -> Q:
    kind = classify(query)
    query = query.strip()
    explicit = _explicit(query)
    if explicit:
        query = explicit.group(2).strip()
    if kind == "number":
        upper = query.upper()
        return Q(number=upper if upper.startswith(NUMBER_PREFIX) else NUMBER_PREFIX + upper)
    if kind in FINDERS:
        return Q(id__in=FINDERS[kind].find(query))
    if kind == "ext":
        return Q(external_id=query)
    if kind == "email":
        return Q(customer_email__startswith=query.lower())
    if kind == "phone":
        digits = "".join(ch for ch in query if ch.isdigit())
        branches = _exact_finders(query)
        condition = Q(customer_phone__startswith=digits) | Q(external_id=query)
        return _any_of(_ids(condition), *branches) if branches else condition
    if kind == "name":
        return _name(query)
    sku_orders = OrderLine.objects.filter(sku_code=normalize_code(query)).order_by().values("order_id")
    if kind == "sku":
        return Q(id__in=sku_orders)
    if kind == "word":
        # Letters only: a first name or surname, the start of an email, an external id, an
        # order number without its prefix. All on the order table, so the database can OR
        # its indexes (no join).
        return (
            _name(query)
            | Q(customer_email__startswith=query.lower())
            | Q(external_id=query)
            | _number_without_prefix(query)
        )
    # A code (digits, dashes): an external id, an order number without its prefix, the start
    # of an email, a SKU code, or what a finder matches exactly (a tracking number).
    return _any_of(
        _ids(Q(external_id=query) | _number_without_prefix(query)),
        _ids(Q(customer_email__startswith=query.lower())),
        sku_orders,
        *_exact_finders(query),
    )


#: How a list may be sorted: name -> ordering (keyset pagination follows it).
SORTS = {"placed": ("-placed_at", "-id"), "ship_by": ("ship_by", "id")}


def late_condition(now: datetime | None = None) -> Q:
    """Ship-by has passed and the order has not shipped (matches the order_late_idx index)."""
    return Q(status__in=OPEN_STATUSES, ship_by__lt=now or timezone.now())


def order_search(query: str = "", filters: dict | None = None) -> QuerySet[Order]:
    """Orders matching `query` (see module doc) and `filters`: status, payment_status, channel
    (code), hold (an open hold's kind, or "any"), placed_from / placed_to (datetimes), late
    (True: ship-by passed, not shipped), sort (a key of SORTS; newest placed first by default)."""
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
    if filters.get("late"):
        orders = orders.filter(late_condition())
    return orders.order_by(*SORTS.get(filters.get("sort") or "placed", ORDERING))
