"""Read queries the API and the staff pages share."""

from django.db.models import Prefetch, Q, QuerySet

from oms.core.roles import OMS_ADMIN, WAREHOUSE, user_roles

from .models import Refund, RefundLine, ReturnAuthorization, ReturnLine, ReturnReceipt


def visible_returns(user) -> QuerySet[ReturnAuthorization]:
    """Staff see every return; a sales channel sees the returns of its own orders."""
    queryset = ReturnAuthorization.objects.all()
    channel = getattr(user, "channel", None)
    if channel is not None:
        queryset = queryset.filter(order__channel=channel)
    return queryset


def return_list(user, *, status: list[str] | None = None, q: str = "") -> QuerySet[ReturnAuthorization]:
    queryset = visible_returns(user).select_related("order", "receiving_location", "exchange_order")
    if status:
        queryset = queryset.filter(status__in=status)
    q = (q or "").strip()
    if q:
        queryset = queryset.filter(
            Q(number=q.upper()) | Q(order__number=q.upper()) | Q(tracking_number=q) | Q(order__external_id=q)
        )
    return queryset.order_by("-id")


def return_detail_queryset(user) -> QuerySet[ReturnAuthorization]:
    """One RMA with everything its page shows, in a fixed number of queries."""
    return (
        visible_returns(user)
        .select_related("order", "receiving_location", "exchange_order")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=ReturnLine.objects.select_related("order_line").order_by("pk"),
            ),
            Prefetch(
                "lines__receipts",
                queryset=ReturnReceipt.objects.select_related("location").order_by("pk"),
            ),
            Prefetch(
                "refunds",
                queryset=Refund.objects.order_by("pk").prefetch_related(
                    Prefetch("lines", queryset=RefundLine.objects.order_by("pk"))
                ),
            ),
        )
    )


def may_receive_at(user, location) -> bool:
    """Admins receive anywhere; warehouse staff only where they work."""
    roles = user_roles(user)
    if OMS_ADMIN in roles:
        return True
    return WAREHOUSE in roles and location.staff.filter(pk=user.pk).exists()


def orders_by_rma_number(query: str) -> QuerySet:
    """Order ids of the return with this RMA number (customer-service search)."""
    return ReturnAuthorization.objects.filter(number=query.strip().upper()).order_by().values("order_id")
