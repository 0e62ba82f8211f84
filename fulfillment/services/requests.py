"""The sourcing queue: orders wait in it from the commit that accepted (or released) them until
a sourcing run takes them, many at a time.

Without a broker the run happens in process right after that commit; with one, a Celery task
does it (woken at most once at a time, and every minute by beat for anything left behind).
A batch that fails is taken apart: each order is sourced on its own, and the one that fails
goes on an `exception` hold naming the failure (released, it is sourced again), so a bad
order never holds up the others and is never lost.
"""

import logging

from django.db import transaction

from inventory.services import stock_lock
from oms.core.actor import Actor
from oms.core.bulk import rows_insert
from oms.core.errors import DomainError
from oms.core.transactions import transactional
from orders import services as order_services
from orders.models import Hold, Order

from ..models import SourcingRequest
from .locks import claim_sourcing_requests, lock_orders_for_sourcing
from .sourcing import SourcingJob, source_orders

logger = logging.getLogger(__name__)
ACTOR = Actor.system("fulfillment")
BATCH_SIZE = 50


@transactional
def fulfillment_request_sourcing(*, order: Order, reason: str) -> None:
    """Inside the transaction that accepted or released `order`: queue it for sourcing (once:
    a second request before the first is handled changes nothing)."""
    rows_insert([SourcingRequest(order_id=order.pk, reason=reason[:120])], ignore_conflicts=True)


def fulfillment_source_requested(*, batch_size: int = BATCH_SIZE) -> int:
    """Source what waits in the queue, a batch per transaction, until nothing is left that no
    other run holds. Returns how many orders were sourced. Never raises for one order."""
    sourced = 0
    while True:
        try:
            claimed, done = _source_batch(batch_size)
        except Exception:  # one order broke the batch: source them one by one to find it
            logger.exception("sourcing batch failed; sourcing its orders one at a time")
            claimed, done = _source_one_by_one(batch_size)
        sourced += done
        if claimed < batch_size or done == 0:  # a short batch took all there was: no empty run
            return sourced


@transactional
def _source_batch(limit: int, request_ids=None) -> tuple[int, int]:
    """Claim up to `limit` requests, lock their orders' stock, then the orders (skipping those
    another transaction holds: their requests wait for the next run), source them, and drop the
    requests handled. Returns (claimed, sourced)."""
    requests = claim_sourcing_requests(limit, request_ids)
    if not requests:
        return 0, 0
    locked = stock_lock(sku_ids=order_services.order_sku_ids(request.order_id for request in requests))
    orders = lock_orders_for_sourcing(request.order_id for request in requests)
    handled = [request for request in requests if request.order_id in orders]
    jobs = [SourcingJob(orders[request.order_id], reason=request.reason) for request in handled]
    source_orders(jobs, locked=locked, actor=ACTOR)
    SourcingRequest.objects.filter(pk__in=[request.pk for request in handled]).delete()
    return len(requests), len(handled)


def _source_one_by_one(limit: int) -> tuple[int, int]:
    waiting = list(SourcingRequest.objects.order_by("pk").values_list("pk", "order_id")[:limit])
    sourced = 0
    for request_id, order_id in waiting:
        try:
            sourced += _source_batch(1, [request_id])[1]
        except Exception as exc:  # the failing order is set aside on a hold, never lost
            logger.exception("sourcing order %s failed", order_id)
            _set_aside(request_id, order_id, exc)
    return len(waiting), sourced


@transactional
def _set_aside(request_id: int, order_id: int, exc: Exception) -> None:
    SourcingRequest.objects.filter(pk=request_id).delete()
    what = exc.message if isinstance(exc, DomainError) else f"an unexpected error ({type(exc).__name__})"
    try:
        with transaction.atomic():  # a refusal (the order closed meanwhile) must not undo the delete
            order_services.order_hold(
                order=Order(pk=order_id),
                kind=Hold.Kind.EXCEPTION,
                reason=f"Sourcing failed: {what}. Release this hold to source the order again.",
                actor=ACTOR,
            )
    except (DomainError, Order.DoesNotExist) as refusal:
        logger.warning("order %s not held after a sourcing failure: %s", order_id, refusal)
