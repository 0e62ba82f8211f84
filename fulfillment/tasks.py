"""Celery tasks: thin, idempotent, each calls one service."""

from celery import shared_task

from . import services


@shared_task(name="fulfillment.reallocate_backorders", ignore_result=True)
def reallocate_backorders(sku_ids: list[int]) -> list[int]:
    """Stock arrived for these SKUs: source backordered orders, oldest first."""
    return services.backorders_reallocate(sku_ids=sku_ids)
