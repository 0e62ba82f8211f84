"""Celery tasks: thin, idempotent, each calls one service."""

from celery import shared_task

from . import services


@shared_task(name="fulfillment.source_order", ignore_result=True)
def source_order(order_id: int, reason: str) -> None:
    """An order was accepted or released: source what is unallocated (a failure becomes an
    exception hold on the order, never a lost order). Running it twice sources nothing twice."""
    services.fulfillment_source_after_commit(order_id=order_id, reason=reason)


@shared_task(name="fulfillment.reallocate_backorders", ignore_result=True)
def reallocate_backorders(sku_ids: list[int]) -> list[int]:
    """Stock arrived for these SKUs: source backordered orders, oldest first."""
    return services.backorders_reallocate(sku_ids=sku_ids)
