"""Celery tasks: thin, idempotent, each calls one service."""

from celery import shared_task

from oms.core.wakeups import wake, woken

from . import services

#: While this key is set a sourcing run is already on its way: no need to send another.
NUDGE_KEY = "fulfillment:sourcing-nudged"


def nudge_sourcing() -> None:
    """After a commit that queued orders for sourcing: source them now in process (no broker),
    or wake the sourcing task, at most one wake-up waiting at a time (with one). The task starts
    OMS_WAKE_GATHER_SECONDS after its wake-up: the orders accepted meanwhile join its batch
    (and send no wake-up of their own), so a busy intake is sourced in few, large batches."""
    wake(source_requested, NUDGE_KEY)


@shared_task(name="fulfillment.source_requested", ignore_result=True)
def source_requested() -> int:
    """Source the orders waiting in the sourcing queue (also run by beat every minute, for
    anything a lost wake-up left behind)."""
    woken(NUDGE_KEY)
    return services.fulfillment_source_requested()


@shared_task(name="fulfillment.reallocate_backorders", ignore_result=True)
def reallocate_backorders(sku_ids: list[int]) -> list[int]:
    """Stock arrived for these SKUs: source backordered orders, oldest first."""
    return services.backorders_reallocate(sku_ids=sku_ids)


@shared_task(name="fulfillment.return_uncollected_pickups", ignore_result=True)
def return_uncollected_pickups() -> list[str]:
    """Pickups nobody collected within their store's pickup_hold_days go back on sale."""
    return services.fulfillment_return_uncollected_pickups()
