"""Read queries shared by the API, the staff UI and later apps.

Availability is computed in SQL (one aggregate query per feed), never in Python loops:
each level's available = max(on_hand - reserved - safety_stock, 0), clamped *before* it
is summed, so that one oversold-looking location never hides stock at another.
"""

from datetime import datetime

from django.db.models import BigIntegerField, F, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Greatest

from oms.core.models import Channel
from oms.core.roles import CUSTOMER_SERVICE, OMS_ADMIN, user_roles

from .models import Location, Sku, StockLevel, StockMovement, Transfer, normalize_code


def level_available(prefix: str = ""):
    """SQL expression: available units of one stock level, never below zero."""
    return Greatest(
        F(f"{prefix}on_hand") - F(f"{prefix}reserved") - F(f"{prefix}safety_stock"),
        Value(0),
        output_field=BigIntegerField(),
    )


def _sum(expression, condition: Q):
    return Coalesce(Sum(expression, filter=condition), Value(0), output_field=BigIntegerField())


def stock_levels(
    *,
    sku: Sku | str | None = None,
    location: Location | str | None = None,
    skus: list[Sku] | None = None,
) -> QuerySet[StockLevel]:
    """Stock levels with their SKU and location and an `available_units` annotation."""
    queryset = StockLevel.objects.select_related("sku", "location").annotate(
        available_units=level_available()
    )
    if isinstance(sku, str):
        queryset = queryset.filter(sku__code=normalize_code(sku))
    elif sku is not None:
        queryset = queryset.filter(sku=sku)
    if isinstance(location, str):
        queryset = queryset.filter(location__code=location)
    elif location is not None:
        queryset = queryset.filter(location=location)
    if skus is not None:
        queryset = queryset.filter(sku__in=skus)
    return queryset


def stock_movements(
    *,
    sku: Sku | str | None = None,
    location: Location | str | None = None,
    kind: str | None = None,
    created_from: datetime | None = None,
    created_to: datetime | None = None,
) -> QuerySet[StockMovement]:
    """Ledger rows, newest first, with their SKU and location."""
    queryset = StockMovement.objects.select_related("sku", "location").order_by("-id")
    if isinstance(sku, str):
        queryset = queryset.filter(sku__code=normalize_code(sku))
    elif sku is not None:
        queryset = queryset.filter(sku=sku)
    if isinstance(location, str):
        queryset = queryset.filter(location__code=location)
    elif location is not None:
        queryset = queryset.filter(location=location)
    if kind:
        queryset = queryset.filter(kind=kind)
    if created_from is not None:
        queryset = queryset.filter(created_at__gte=created_from)
    if created_to is not None:
        queryset = queryset.filter(created_at__lte=created_to)
    return queryset


def availability_by_location(*, skus=None, locations=None) -> QuerySet[StockLevel]:
    """One row per (SKU, active location) with `available_units` (and `code`, the SKU's);
    only active SKUs."""
    queryset = stock_levels().filter(location__active=True, sku__active=True).annotate(code=F("sku__code"))
    if skus is not None:
        queryset = queryset.filter(sku__in=skus)
    if locations is not None:
        queryset = queryset.filter(location__in=locations)
    return queryset.order_by("sku__code", "location__priority", "location__code")


def _by_sku(location_condition: Q) -> QuerySet[Sku]:
    return (
        Sku.objects.filter(active=True)
        .annotate(
            on_hand_total=_sum("stock_levels__on_hand", location_condition),
            reserved_total=_sum("stock_levels__reserved", location_condition),
            available_total=_sum(level_available("stock_levels__"), location_condition),
        )
        .order_by("code")
    )


def availability_by_sku(*, skus=None, locations=None) -> QuerySet[Sku]:
    """Every active SKU with on_hand_total, reserved_total and available_total over the
    active locations (or the given ones): one aggregate query."""
    active = Location.objects.filter(active=True)
    if locations is not None:
        active = active.filter(pk__in=[getattr(loc, "pk", loc) for loc in locations])
    queryset = _by_sku(Q(stock_levels__location__in=active.values("pk")))
    if skus is not None:
        queryset = queryset.filter(pk__in=[getattr(sku, "pk", sku) for sku in skus])
    return queryset


def availability_for_channel(channel: Channel, *, skus=None) -> QuerySet[Sku]:
    """What a channel may sell: the active locations serving it, minus the channel's
    buffer, never below zero. Each row also has `channel_available`. One query."""
    serving = Location.objects.serving(channel).values("pk")
    queryset = _by_sku(Q(stock_levels__location__in=serving)).annotate(
        channel_available=Greatest(
            F("available_total") - Value(channel.inventory_buffer), Value(0), output_field=BigIntegerField()
        )
    )
    if skus is not None:
        queryset = queryset.filter(pk__in=[getattr(sku, "pk", sku) for sku in skus])
    return queryset


def sku_search(q: str, *, limit: int = 50) -> QuerySet[Sku]:
    """Staff lookup: code prefix, exact barcode or name containing `q`."""
    q = (q or "").strip()
    if not q:
        return Sku.objects.none()
    condition = Q(code__startswith=normalize_code(q)) | Q(barcode=q) | Q(name__icontains=q)
    return Sku.objects.filter(condition).order_by("code")[:limit]


def sku_exact_match(q: str) -> Sku | None:
    """The SKU a scanner meant: exact code or exact barcode, if exactly one matches."""
    q = (q or "").strip()
    if not q:
        return None
    matches = list(Sku.objects.filter(Q(code=normalize_code(q)) | Q(barcode=q))[:2])
    return matches[0] if len(matches) == 1 else None


def transfers_visible_to(user) -> QuerySet[Transfer]:
    """Transfers with their SKU, locations and ledger rows. Warehouse staff see the transfers
    out of and into the locations they work at; the other staff roles see every transfer."""
    queryset = Transfer.objects.select_related("sku", "from_location", "to_location").prefetch_related(
        Prefetch("movements", queryset=StockMovement.objects.select_related("sku", "location").order_by("id"))
    )
    if not user_roles(user) & {OMS_ADMIN, CUSTOMER_SERVICE}:
        mine = Location.objects.filter(staff=user).values("pk")
        queryset = queryset.filter(Q(from_location__in=mine) | Q(to_location__in=mine))
    return queryset.order_by("-id")
