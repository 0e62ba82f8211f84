"""Every row lock the returns app takes, in the one lock order of design section 2: stock
levels first (receiving restocks), then the order (orders.services.lock_order), then the
RMA, then its refunds."""

from inventory.models import Location
from inventory.services import LockedStock, stock_lock
from oms.core.transactions import for_update
from orders import services as order_services
from orders.models import Order

from ..models import Refund, ReturnAuthorization, ReturnLine


def lock_rma(
    rma: ReturnAuthorization, *, restock_at: Location | None = None
) -> tuple[Order, ReturnAuthorization, LockedStock]:
    """Lock the stock levels its SKUs would be restocked into at `restock_at` (created when
    missing), then the order, then the RMA; return them fresh (the RMA's order is the locked
    one)."""
    locked = LockedStock()
    if restock_at is not None:
        sku_ids = ReturnLine.objects.filter(rma_id=rma.pk, order_line__sku__isnull=False).values_list(
            "order_line__sku_id", flat=True
        )
        locked = stock_lock(pairs={(sku_id, restock_at.pk) for sku_id in sku_ids}, create_missing=True)
    order = order_services.lock_order(Order(pk=rma.order_id))
    fresh = (
        for_update(ReturnAuthorization.objects)
        .select_related("receiving_location", "exchange_order")
        .get(pk=rma.pk)
    )
    fresh.order = order
    return order, fresh, locked


def lock_refund(refund: Refund) -> Refund:
    return for_update(Refund.objects).select_related("order__channel", "rma").get(pk=refund.pk)
